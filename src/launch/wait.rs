//! `--wait`: follow the new cluster until it is up or has ended, and what its end
//! means for the exit code. Ctrl-C stops the waiting, never the cluster.

use std::time::Duration;

use crate::aws::Aws;
use crate::aws::emr::{self, ClusterDetail, WaitEnd};
use crate::error::{Error, Result};
use crate::text::cyi_command;

/// How often `--wait` asks EMR for the cluster's state.
pub const WAIT_POLL: Duration = Duration::from_secs(15);

/// How the wait for a launched cluster ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Followed {
    /// WAITING or RUNNING: the run is going.
    Up(ClusterDetail),
    /// Ending or ended without an error state (TERMINATING, TERMINATED).
    Ended(ClusterDetail),
    /// TERMINATED_WITH_ERRORS.
    Failed(ClusterDetail),
    /// Ctrl-C; the last state seen, if any.
    Interrupted(Option<ClusterDetail>),
}

/// Pure: what a settled cluster's state means.
pub fn classify(cluster: ClusterDetail) -> Followed {
    match cluster.state.as_str() {
        state if emr::ended_in_error(state) => Followed::Failed(cluster),
        state if emr::is_terminating(state) => Followed::Ended(cluster),
        _ => Followed::Up(cluster),
    }
}

/// Follows cluster `id` until it has settled, `timeout` has passed (an error) or the
/// operator presses Ctrl-C. `seen` is told each state EMR reports.
pub async fn follow(
    aws: &Aws,
    id: &str,
    timeout: Duration,
    mut seen: impl FnMut(&ClusterDetail) -> Result<()>,
) -> Result<Followed> {
    let mut last: Option<ClusterDetail> = None;
    let end = {
        let waiting = emr::wait_until_settled(aws, id, timeout, WAIT_POLL, |cluster| {
            last = Some(cluster.clone());
            seen(cluster)
        });
        // A failure to install the handler disables the interrupt, not the wait.
        tokio::select! {
            end = waiting => Some(end?),
            Ok(()) = tokio::signal::ctrl_c() => None,
        }
    };
    let Some(end) = end else {
        return Ok(Followed::Interrupted(last));
    };
    match end {
        WaitEnd::Settled(cluster) => Ok(classify(cluster)),
        WaitEnd::TimedOut(cluster) => Err(Error::Failed(format!(
            "cluster {id} is still {} after {}s; it keeps starting (see `{}`)",
            cluster.state,
            timeout.as_secs(),
            cyi_command("clusters")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settled_state_says_up_ended_or_failed() {
        let at = |state| classify(ClusterDetail::new("j-1", "cyi", state));
        assert!(matches!(at("WAITING"), Followed::Up(_)));
        assert!(matches!(at("RUNNING"), Followed::Up(_)));
        assert!(matches!(at("TERMINATING"), Followed::Ended(_)));
        assert!(matches!(at("TERMINATED"), Followed::Ended(_)));
        assert!(matches!(at("TERMINATED_WITH_ERRORS"), Followed::Failed(_)));
    }
}
