//! One module per subcommand: gather facts, decide (pure), confirm, execute.

pub mod clusters;
pub mod start_cluster;
