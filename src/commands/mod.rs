//! One module per subcommand: gather facts, decide (pure), confirm, execute.

pub mod all_envs;
pub mod clear_row;
pub mod clusters;
pub mod history;
pub mod logs;
pub mod restart;
pub mod restore_row;
pub mod rows;
pub mod start_cluster;
pub mod status;
pub mod stop_clusters;
