"""Seeds a moto server with a small, realistic CYI world for `scripts/sandbox`.

- S3: the launcher's four YAML files under s3://sandbox-cyi-config/emr/cyi/, a day of
  exported files under s3://sandbox-cyi-input/cyi/<yesterday>/ (what `cyi start-cluster
  --export-date <yesterday>` looks for), and the failed run's day.
- Secrets Manager: the metastore secret the config names.
- DynamoDB: the state table with rows in several states.
- EMR: clusters of several products, CYI ones among them (one running a job); the
  failed run's cluster has steps and a LogUri, with its failed step's stderr.gz in
  s3://sandbox-cyi-logs/ at EMR's path (what `cyi logs` reads).
Writes the `sandbox` environment to the config file given.
"""

import argparse
import datetime
import gzip
import json
import pathlib
import secrets
import time

import boto3

REGION = "eu-west-2"
TABLE = "data_pipeline_metadata"
CONFIG_BUCKET = "sandbox-cyi-config"
INPUT_BUCKET = "sandbox-cyi-input"
LOG_BUCKET = "sandbox-cyi-logs"
LOG_URI = f"s3://{LOG_BUCKET}/emr/cyi/"
# The steps of tests/fixtures/cluster-config/steps.yaml, by name.
STEPS = ["courtesy-flush", "run-cyi", "flush-pushgateway"]


def client(service, endpoint):
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )


def seed_s3(endpoint, fixtures, day):
    s3 = client("s3", endpoint)
    for bucket in (CONFIG_BUCKET, INPUT_BUCKET):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    for path in sorted(pathlib.Path(fixtures).glob("*.yaml")):
        s3.put_object(Bucket=CONFIG_BUCKET, Key=f"emr/cyi/{path.name}", Body=path.read_bytes())
    for part in range(3):
        s3.put_object(Bucket=INPUT_BUCKET, Key=f"cyi/{day}/part-{part:05}.json.gz", Body=b"x" * (1000 + part))


def seed_secret(endpoint):
    client("secretsmanager", endpoint).create_secret(
        Name="metadata-store-cyi-writer",
        SecretString=json.dumps({"password": secrets.token_urlsafe(18)}),
    )


def launch(emr, name, tags, **extra):
    return emr.run_job_flow(
        Name=name,
        ReleaseLabel="emr-6.3.0",
        Instances={"InstanceCount": 1, "MasterInstanceType": "m5.xlarge", "KeepJobFlowAliveWhenNoSteps": True},
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        JobFlowRole="cyi_emr_instance_profile",
        ServiceRole="cyi_emr_service_role",
        **extra,
    )["JobFlowId"]


def seed_step_log(endpoint, emr, cluster, day):
    """The failed step's stderr, gzip-compressed where EMR would have copied it."""
    s3 = client("s3", endpoint)
    s3.create_bucket(Bucket=LOG_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
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


def seed_world(endpoint, today):
    emr = client("emr", endpoint)
    running = launch(emr, "cyi", {"Correlation_Id": "cyi-2026-11-23-a", "export_date": str(today - datetime.timedelta(days=1))})
    launch(emr, "legacyimport", {})
    launch(emr, "aws-ucfs-claimant", {})
    steps = [{"Name": n, "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["true"]}} for n in STEPS]
    old = launch(emr, "cyi", {"Correlation_Id": "cyi-2026-11-20-a"}, LogUri=LOG_URI, Steps=steps)
    seed_step_log(endpoint, emr, old, today - datetime.timedelta(days=4))
    emr.terminate_job_flows(JobFlowIds=[old])

    ddb = client("dynamodb", endpoint)
    ddb.create_table(
        TableName=TABLE,
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
    ttl = str(int((time.time() + 7 * 86400) * 1000))
    rows = [
        ("cyi-2026-11-23-a", 1, "IN_PROGRESS", "run-cyi", running, 1),
        ("cyi-2026-11-20-a", 2, "FAILED", "run-cyi", old, 4),
        ("cyi-2026-11-18-a", 1, "COMPLETED", "flush-pushgateway", "j-1K48XXXXXXHCB", 6),
    ]
    s3 = client("s3", endpoint)
    for correlation_id, run_id, status, step, cluster_id, days_ago in rows:
        day = today - datetime.timedelta(days=days_ago)
        if status == "FAILED":
            # So `cyi restart` of the failed run finds its day's input.
            s3.put_object(Bucket=INPUT_BUCKET, Key=f"cyi/{day}/part-00000.json.gz", Body=b"x" * 900)
        ddb.put_item(
            TableName=TABLE,
            Item={
                "Correlation_Id": {"S": correlation_id},
                "DataProduct": {"S": "CYI"},
                "Date": {"S": str(day)},
                "Run_Id": {"N": str(run_id)},
                "Status": {"S": status},
                "CurrentStep": {"S": step},
                "Cluster_Id": {"S": cluster_id},
                "S3_Prefix_Snapshots": {"S": f"cyi/{day}"},
                "S3_Prefix_Analytical_DataSet": {"S": "data/uc_cyi"},
                "Snapshot_Type": {"S": "incremental"},
                "TimeToExist": {"N": ttl},
            },
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--config-file", required=True)
    args = parser.parse_args()
    today = datetime.date.today()
    seed_s3(args.endpoint, args.fixtures, today - datetime.timedelta(days=1))
    seed_secret(args.endpoint)
    seed_world(args.endpoint, today)
    pathlib.Path(args.config_file).write_text(
        "default_env = \"sandbox\"\n\n"
        "# A local moto server started by scripts/sandbox; stop it with `scripts/sandbox stop`.\n"
        "[env.sandbox]\n"
        f"region = \"{REGION}\"\n"
        f"endpoint_url = \"{args.endpoint}\"\n"
        f"input_bucket = \"{INPUT_BUCKET}\"\n"
        f"cluster_config = \"s3://{CONFIG_BUCKET}/emr/cyi\"\n"
    )


if __name__ == "__main__":
    main()
