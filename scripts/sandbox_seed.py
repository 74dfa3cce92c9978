"""The CYI world, seeded into a moto server: one definition for `scripts/sandbox`,
`scripts/bench` and the integration tests (through the `/_harness/seed` endpoint of
tests/it/support/moto_harness.py).

`seed()` builds, for a given "today":
- S3: the launcher's four YAML files under s3://sandbox-cyi-config/emr/cyi/, a day of
  exported files under s3://sandbox-cyi-input/cyi/<yesterday>/ (what `cyi start-cluster
  --export-date <yesterday>` looks for), and the failed run's day.
- Secrets Manager: the metastore secret the config names.
- DynamoDB: the state table with an IN_PROGRESS, a FAILED and a COMPLETED row. Each id
  carries its row's `Date` (`cyi-<Date>-a`), and `TimeToExist` is midnight a week after
  "today", so a fixed "today" gives the same world (ids, dates, expiries) on any day.
- EMR: clusters of several products, CYI ones among them (one running a job); the
  failed run's cluster has steps and a LogUri, with its failed step's stderr.gz in
  s3://sandbox-cyi-logs/ at EMR's path (what `cyi logs` reads); that step answers
  FAILED with EMR's FailureDetails (the harness's EMR behaviour layer, as moto never
  fails a step).

As a script it seeds a running server and writes the `sandbox` environment:
  python3 scripts/sandbox_seed.py --endpoint URL --fixtures DIR --config-file PATH [--today YYYY-MM-DD]
"""

import argparse
import datetime
import gzip
import json
import pathlib
import secrets
import urllib.request

import boto3

REGION = "eu-west-2"
TABLE = "data_pipeline_metadata"
DATA_PRODUCT = "CYI"
CONFIG_BUCKET = "sandbox-cyi-config"
INPUT_BUCKET = "sandbox-cyi-input"
SECRET_ID = "metadata-store-cyi-writer"
ACTIVE_STATES = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"]
LOG_BUCKET = "sandbox-cyi-logs"
LOG_URI = f"s3://{LOG_BUCKET}/emr/cyi/"
# The steps of tests/fixtures/cluster-config/steps.yaml, by name.
STEPS = ["courtesy-flush", "run-cyi", "flush-pushgateway"]


def client(service, endpoint, key="sandbox"):
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=key,
    )


def create_table(ddb, table=TABLE):
    ddb.create_table(
        TableName=table,
        KeySchema=[
            {"AttributeName": "Correlation_Id", "KeyType": "HASH"},
            {"AttributeName": "DataProduct", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "Correlation_Id", "AttributeType": "S"},
            {"AttributeName": "DataProduct", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def put_row(ddb, correlation_id, fields, table=TABLE):
    """A state row: the key, then `fields` as DynamoDB attribute values."""
    item = {"Correlation_Id": {"S": correlation_id}, "DataProduct": {"S": DATA_PRODUCT}}
    item.update(fields)
    ddb.put_item(TableName=table, Item=item)


def create_bucket(s3, bucket):
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})


def put_input(s3, bucket, day, sizes):
    """One exported file per size under `cyi/<day>/`."""
    for part, size in enumerate(sizes):
        s3.put_object(Bucket=bucket, Key=f"cyi/{day}/part-{part:05}.json.gz", Body=b"x" * size)


def create_secret(secretsmanager, password):
    secretsmanager.create_secret(Name=SECRET_ID, SecretString=json.dumps({"password": password}))


def launch(emr, name, tags=None, **extra):
    """A cluster that stays alive (WAITING) under `name`; its id."""
    return emr.run_job_flow(
        Name=name,
        ReleaseLabel="emr-6.3.0",
        Instances={"InstanceCount": 1, "MasterInstanceType": "m5.xlarge", "KeepJobFlowAliveWhenNoSteps": True},
        Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        JobFlowRole="cyi_emr_instance_profile",
        ServiceRole="cyi_emr_service_role",
        **extra,
    )["JobFlowId"]


def seed_step_log(s3, emr, cluster, day):
    """The failed step's stderr, gzip-compressed where EMR would have copied it."""
    create_bucket(s3, LOG_BUCKET)
    step = next(s["Id"] for s in emr.list_steps(ClusterId=cluster)["Steps"] if s["Name"] == "run-cyi")
    stamp = day.strftime("%y/%m/%d")
    lines = [f"{stamp} 02:{i // 60:02d}:{i % 60:02d} INFO Client: Application report for application_1700000000000_0001 (state: RUNNING)" for i in range(120)]
    lines += [
        f"{stamp} 02:02:00 ERROR Hive: FAILED: SemanticException [Error 10001]: Line 1:14 Table not found 'cyi_{day:%Y_%m_%d}'",
        'Exception in thread "main" java.lang.RuntimeException: hive -f failed with exit code 1',
        "\tat uk.gov.dwp.cyi.Steps.run(Steps.java:88)",
    ]
    key = f"emr/cyi/{cluster}/steps/{step}/stderr.gz"
    s3.put_object(Bucket=LOG_BUCKET, Key=key, Body=gzip.compress(("\n".join(lines) + "\n").encode()))
    return f"s3://{LOG_BUCKET}/{key}", lines[-2]


def fail_step(endpoint, cluster, step, log_file, message):
    """moto never fails a step: the harness in front of it (tests/it/support/
    moto_harness.py, which every user of this seed runs) is told to show `step` of
    `cluster` FAILED with the FailureDetails EMR would give, as ListSteps and DescribeStep
    answer it."""
    # The step before it completed; those after it were cancelled when it failed.
    script = {"steps": [
        {"cluster": cluster, "step": STEPS[0], "state": "COMPLETED"},
        {
            "cluster": cluster,
            "step": step,
            "state": "FAILED",
            "FailureDetails": {"Reason": "Unknown Error.", "Message": message, "LogFile": log_file},
        },
        *({"cluster": cluster, "step": later, "state": "CANCELLED"} for later in STEPS[STEPS.index(step) + 1:]),
    ]}
    request = urllib.request.Request(f"{endpoint}/_harness/emr", data=json.dumps(script).encode(), method="POST")
    urllib.request.urlopen(request).read()


def run_id(day):
    """The correlation id of the seeded run of `day`: it names the row's Date."""
    return f"cyi-{day}-a"


def epoch_millis(day):
    return int(datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc).timestamp() * 1000)


def seed(endpoint, fixtures, today):
    """Seeds the CYI world as of `today` (a date); returns what was made."""
    yesterday = today - datetime.timedelta(days=1)
    s3 = client("s3", endpoint)
    for bucket in (CONFIG_BUCKET, INPUT_BUCKET):
        create_bucket(s3, bucket)
    for path in sorted(pathlib.Path(fixtures).glob("*.yaml")):
        s3.put_object(Bucket=CONFIG_BUCKET, Key=f"emr/cyi/{path.name}", Body=path.read_bytes())
    put_input(s3, INPUT_BUCKET, yesterday, [1000, 1001, 1002])
    create_secret(client("secretsmanager", endpoint), secrets.token_urlsafe(18))

    in_progress, failed, completed = (today - datetime.timedelta(days=d) for d in (1, 4, 6))
    emr = client("emr", endpoint)
    running = launch(emr, "cyi", {"Correlation_Id": run_id(in_progress), "export_date": str(in_progress)})
    launch(emr, "legacyimport")
    launch(emr, "aws-ucfs-claimant")
    steps = [{"Name": n, "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["true"]}} for n in STEPS]
    old = launch(emr, "cyi", {"Correlation_Id": run_id(failed), "export_date": str(failed)}, LogUri=LOG_URI, Steps=steps)
    log_file, message = seed_step_log(s3, emr, old, failed)
    fail_step(endpoint, old, "run-cyi", log_file, message)
    emr.terminate_job_flows(JobFlowIds=[old])
    # So `cyi restart` of the failed run finds its day's input.
    put_input(s3, INPUT_BUCKET, failed, [900])

    ddb = client("dynamodb", endpoint)
    create_table(ddb)
    ttl = str(epoch_millis(today + datetime.timedelta(days=7)))
    rows = [
        (in_progress, 1, "IN_PROGRESS", "run-cyi", running),
        (failed, 2, "FAILED", "run-cyi", old),
        (completed, 1, "COMPLETED", "flush-pushgateway", "j-1K48XXXXXXHCB"),
    ]
    for day, run, status, step, cluster_id in rows:
        put_row(ddb, run_id(day), {
            "Date": {"S": str(day)},
            "Run_Id": {"N": str(run)},
            "Status": {"S": status},
            "CurrentStep": {"S": step},
            "Cluster_Id": {"S": cluster_id},
            "S3_Prefix_Snapshots": {"S": f"cyi/{day}"},
            "S3_Prefix_Analytical_DataSet": {"S": "data/uc_cyi"},
            "Snapshot_Type": {"S": "incremental"},
            "TimeToExist": {"N": ttl},
        })
    return {
        "yesterday": str(yesterday),
        "in_progress_run": run_id(in_progress),
        "failed_run": run_id(failed),
        "completed_run": run_id(completed),
        "running_cluster": running,
        "terminated_cluster": old,
    }


def config_toml(endpoint):
    """The `sandbox` environment for a server at `endpoint`."""
    return (
        "default_env = \"sandbox\"\n\n"
        "# A local moto server started by scripts/sandbox; stop it with `scripts/sandbox stop`.\n"
        "[env.sandbox]\n"
        f"region = \"{REGION}\"\n"
        f"endpoint_url = \"{endpoint}\"\n"
        f"input_bucket = \"{INPUT_BUCKET}\"\n"
        f"cluster_config = \"s3://{CONFIG_BUCKET}/emr/cyi\"\n"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--config-file", required=True)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("--print", action="store_true", help="print what was seeded, as JSON")
    args = parser.parse_args()
    facts = seed(args.endpoint, args.fixtures, args.today)
    pathlib.Path(args.config_file).write_text(config_toml(args.endpoint))
    if args.print:
        print(json.dumps(facts))


if __name__ == "__main__":
    main()
