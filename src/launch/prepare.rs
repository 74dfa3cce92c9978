//! Gathering before a launch: the config read and completed, the metastore password
//! fetched, the facts read from AWS, and the checks decided. Nothing is changed here.

use futures_util::stream::{self, StreamExt, TryStreamExt};

use super::checks::{self, Check, LaunchFacts, StateRowFact};
use super::inputs::LaunchInputs;
use super::model::RunJobFlow;
use super::{secrets, source};
use crate::aws::dynamodb::{self, Item};
use crate::aws::emr::ClusterDetail;
use crate::aws::{Aws, Identity, emr, s3};
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::types::Day;

/// Where the state row's fact comes from.
#[derive(Debug, Clone, Copy)]
pub enum StateRowSource<'a> {
    /// Read it (start-cluster).
    Read,
    /// The caller has just read it and described the cluster it names (restart
    /// resuming; `None`: it names none, or EMR does not know it): neither is read again.
    Known(&'a Item, Option<&'a ClusterDetail>),
    /// The caller clears it before the launch (a fresh restart): decide as the launch
    /// will see it, with no row.
    ClearedFirst,
}

/// Everything gathered and decided before the plan is shown: the request (password
/// substituted), the facts and the checks.
pub struct PreparedLaunch {
    pub inputs: LaunchInputs,
    pub request: RunJobFlow,
    pub identity: Identity,
    pub facts: LaunchFacts,
    pub checks: Vec<Check>,
    /// `--force`: failed checks do not refuse, and the last check before the launch
    /// does not either.
    pub force: bool,
}

impl PreparedLaunch {
    /// The refusal when a check failed (and `--force` was not given).
    pub fn refusal(&self) -> Option<Error> {
        checks::refusal(&self.checks, self.inputs.run.correlation_id.as_str())
    }
}

/// Gathers and decides: config, secrets, state row, clusters, input. No change is made.
pub async fn prepare(
    settings: &Settings,
    aws: &Aws,
    inputs: LaunchInputs,
    row: StateRowSource<'_>,
    force: bool,
) -> Result<PreparedLaunch> {
    let files = source::read(aws, &inputs.config).await?;
    let mut request = source::parse(&files, &inputs.config.to_string())?;
    checks::check_name(&request, &settings.cluster_name)?;
    super::apply_run(&mut request, &inputs.run);

    // The reads overlap: the account check then the secrets (a password is fetched only
    // with credentials of the environment's account), alongside the facts. Before the
    // plan: the config (none for a local folder, one round trip from S3), then two.
    let ids = secrets::secret_ids(&request);
    let checked = async {
        let identity = aws
            .check_account(settings.expected_account.as_deref(), &settings.env_name)
            .await?
            .clone();
        let passwords = secrets::fetch(aws, &ids).await?;
        Ok::<_, Error>((identity, passwords))
    };
    let (checked, facts) = tokio::join!(checked, gather(aws, settings, &inputs, row));
    // A wrong account explains any failure of the facts: it is reported first.
    let (identity, passwords) = checked?;
    let facts = facts?;
    secrets::substitute(&mut request, &passwords);
    let checks = checks::decide(
        &facts,
        &inputs,
        &settings.data_product,
        &settings.cluster_name,
        force,
    );
    Ok(PreparedLaunch {
        inputs,
        request,
        identity,
        facts,
        checks,
        force,
    })
}

/// The reads the checks need, concurrently.
async fn gather(
    aws: &Aws,
    settings: &Settings,
    inputs: &LaunchInputs,
    source: StateRowSource<'_>,
) -> Result<LaunchFacts> {
    let run = &inputs.run;
    let row = async {
        let (row, described) = match source {
            StateRowSource::Read => {
                let key = dynamodb::key(&run.correlation_id, &settings.data_product);
                let row = dynamodb::get(aws, &settings.table, &key).await?;
                (row.as_ref().map(StateRowFact::of), None)
            }
            StateRowSource::Known(item, cluster) => {
                (Some(StateRowFact::of(item)), Some(cluster.cloned()))
            }
            StateRowSource::ClearedFirst => (None, None),
        };
        // Only a row that may be running needs its cluster (the state row check).
        let cluster = match row.as_ref().and_then(|r| r.cluster_id.as_deref()) {
            Some(id) if row.as_ref().is_some_and(StateRowFact::may_be_running) => match described {
                Some(known) => known,
                None => emr::describe(aws, id).await?,
            },
            _ => None,
        };
        Ok::<_, Error>((row, cluster))
    };
    let days = inputs.backfill();
    let empty_days = async {
        let found: Vec<(Day, bool)> = stream::iter(days.iter().map(|day| async move {
            let prefix = format!("{}/{day}/", settings.cluster_name);
            let any = s3::any_object(aws, &run.input_bucket, &prefix).await?;
            Ok::<_, Error>((*day, any))
        }))
        .buffered(emr::CONCURRENCY)
        .try_collect()
        .await?;
        Ok::<_, Error>(
            found
                .into_iter()
                .filter(|(_, any)| !any)
                .map(|(d, _)| d)
                .collect::<Vec<_>>(),
        )
    };
    let input_prefix = inputs.input_prefix();
    let (row, tagged, input, empty_days) = tokio::join!(
        row,
        emr::tagged_clusters(aws, &settings.cluster_name, &run.correlation_id),
        s3::list_prefix(aws, &run.input_bucket, &input_prefix),
        empty_days
    );
    let (row, row_cluster) = row?;
    Ok(LaunchFacts {
        row,
        row_cluster,
        tagged: tagged?,
        input: input?,
        empty_days: empty_days?,
    })
}
