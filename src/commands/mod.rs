//! One module per subcommand: gather facts, decide (pure), confirm, execute.

pub mod clusters;
pub mod stop_clusters;
