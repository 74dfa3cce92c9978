//! Stopping the environment's clusters: the decisions of `cyi stop-clusters` and
//! `cyi clusters`, each a pure function with its unit tests beside it, and the
//! execution of a decided plan through the AWS layer.
//!
//! | question                                   | file           |
//! |--------------------------------------------|----------------|
//! | which names match (`--name-regex`)?        | `names.rs`     |
//! | which clusters are targets?                | `selection.rs` |
//! | protection, `--force`, batches of ≤10 ids  | `batching.rs`  |
//! | what happened to each target (Ctrl-C too)  | `outcome.rs`   |
//! | carrying the plan out                      | `execute.rs`   |

pub mod batching;
pub mod execute;
pub mod names;
pub mod outcome;
pub mod selection;

pub use batching::{StopPlan, TERMINATE_BATCH, plan_stop};
pub use execute::execute;
pub use names::NameMatch;
pub use outcome::{StopOutcome, StopProgress, StopResult, record_final_states};
pub use selection::{Selector, candidate_filter, check_explicit, listed_candidates, select};
