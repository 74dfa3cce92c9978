"""The measurement behind scripts/bench-logs (see there)."""

import gzip
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3

MB = int(os.environ.get("CYI_BENCH_LOG_MB", "200"))
REGION = "eu-west-2"
BUCKET = "bench-logs"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port, log):
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from moto.server import main; main(sys.argv[1:])",
         "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json")
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("moto did not start")


def big_log(path, megabytes):
    """Java-ish log lines, varied enough that gzip does not shrink them to nothing."""
    target = megabytes * 1024 * 1024
    written = n = 0
    with gzip.open(path, "wb", compresslevel=6) as out:
        while written < target:
            chunk = "".join(
                f"26/11/25 09:{(n + i) // 60 % 60:02d}:{(n + i) % 60:02d} INFO TaskSetManager: "
                f"Finished task {n + i}.0 in stage {(n + i) // 977}.0 (TID {(n + i) * 7919 % 1000003}) "
                f"in {(n + i) * 31 % 9973} ms on ip-10-0-{(n + i) % 255}-{(n + i) * 13 % 255}.eu-west-2.compute.internal\n"
                for i in range(10000)).encode()
            out.write(chunk)
            written += len(chunk)
            n += 10000
    return written, n


def run(label, argv, env):
    """Runs one command under GNU time: a child forked from this python would carry the
    python's own peak RSS across exec, so the measuring parent must be small."""
    with tempfile.NamedTemporaryFile() as report, open(os.devnull, "wb") as devnull:
        proc = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%e %M"] + argv,
                              env=env, stdout=devnull, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            sys.exit(f"{label} failed: {proc.stderr.decode()}")
        elapsed, peak_kib = open(report.name).read().split()[-2:]
    print(f"{label:<28} {float(elapsed):6.1f} s   peak RSS {int(peak_kib) / 1024:7.1f} MiB")


def main():
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        moto = start_moto(port, open(os.path.join(tmp, "moto.log"), "wb"))
        try:
            session = boto3.Session(aws_access_key_id="bench", aws_secret_access_key="bench",
                                    region_name=REGION)
            s3 = session.client("s3", endpoint_url=endpoint)
            emr = session.client("emr", endpoint_url=endpoint)
            s3.create_bucket(Bucket=BUCKET,
                             CreateBucketConfiguration={"LocationConstraint": REGION})
            cluster = emr.run_job_flow(
                Name="cyi", ReleaseLabel="emr-6.3.0", LogUri=f"s3://{BUCKET}/emr/",
                Instances={"InstanceCount": 1, "MasterInstanceType": "m5.xlarge",
                           "KeepJobFlowAliveWhenNoSteps": True},
                Steps=[{"Name": "run-cyi", "HadoopJarStep": {"Jar": "command-runner.jar",
                                                             "Args": ["true"]}}],
            )["JobFlowId"]
            step = emr.list_steps(ClusterId=cluster)["Steps"][0]["Id"]
            path = os.path.join(tmp, "stderr.gz")
            raw, lines = big_log(path, MB)
            key = f"emr/{cluster}/steps/{step}/stderr.gz"
            s3.upload_file(path, BUCKET, key)
            print(f"log: {raw / 2**20:.0f} MiB of text, {lines} lines, "
                  f"{os.path.getsize(path) / 2**20:.1f} MiB gzip at s3://{BUCKET}/{key}")
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("AWS_", "CYI_"))}
            env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                       AWS_REGION=REGION, AWS_ENDPOINT_URL=endpoint,
                       AWS_CONFIG_FILE=os.path.join(tmp, "none"),
                       AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "none"),
                       HOME=tmp)
            cyi = [os.environ["CYI_BIN"], "logs", "--cluster-id", cluster, "--step", "run-cyi"]
            run("cyi clusters (baseline)", [os.environ["CYI_BIN"], "clusters"], env)
            run("cyi logs --lines 10", cyi + ["--lines", "10"], env)
            run("cyi logs (last 100 lines)", cyi, env)
            run("cyi logs --all > /dev/null", cyi + ["--all"], env)
        finally:
            moto.kill()
            moto.wait()


if __name__ == "__main__":
    main()
