//! One module per subcommand: gather facts, decide (pure), confirm, execute.

pub mod clear_row;
pub mod clusters;
pub mod restore_row;
pub mod rows;
pub mod start_cluster;
pub mod stop_clusters;
