"""EMR as it behaves on AWS, and a network with AWS-like round trips, for moto_harness.py.

moto's EMR never leaves WAITING on its own, never fails a step, never ends a cluster
TERMINATED_WITH_ERRORS, goes from WAITING straight to TERMINATED, accepts a
TerminateJobFlows naming a protected cluster (terminating the others) and never
throttles. EmrWorld rewrites moto's answers the way real EMR would answer, from a script
the test posts to /_harness/emr. Nothing is rewritten until a script asks for it, so
tests that post none see plain moto.
"""

import io
import json
import threading
import time

_START = time.monotonic()

ACTIVE = ("STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING")
USER_REQUEST = {"Code": "USER_REQUEST", "Message": "Terminated by user request"}


def clock():
    """Seconds since the harness started (monotonic): the time base of every record."""
    return time.monotonic() - _START


def milliseconds(text):
    """`50ms`, `0.05s` or `50` (milliseconds) as a number of milliseconds."""
    text = str(text).strip()
    if text.endswith("ms"):
        return float(text[:-2])
    if text.endswith("s"):
        return float(text[:-1]) * 1000
    return float(text)


class Network:
    """What the wire adds to each AWS call (not to the /_harness/ endpoints).

    latency_ms: added to every call, half before it reaches moto and half after its
                answer is ready: one round trip to AWS.
    throttle_every: answer every N-th call with the service's throttling error (0: none).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = 0.0
        self.every = 0
        self.count = 0

    def set(self, spec):
        with self.lock:
            self.latency = max(0.0, float(spec.get("latency_ms", 0))) / 1000
            self.every = max(0, int(spec.get("throttle_every", 0)))
            self.count = 0

    def delay(self):
        return self.latency

    def throttles(self):
        with self.lock:
            if not self.every:
                return False
            self.count += 1
            return self.count % self.every == 0


class Lifecycle:
    """One cluster's states over time: phases [{"state", "seconds", "reason"}]; the last
    phase lasts for ever. `reason` is its StateChangeReason ({"Code", "Message"})."""

    def __init__(self, phases, since):
        self.phases = [dict(p) for p in phases]
        self.since = since

    def at(self, now):
        elapsed = now - self.since
        for phase in self.phases[:-1]:
            elapsed -= float(phase.get("seconds", 0))
            if elapsed < 0:
                return phase
        return self.phases[-1]


class EmrWorld:
    """The script (every key optional; each POST replaces the whole script):

    new_clusters: phases (see Lifecycle) for every cluster RunJobFlow creates from now on.
    clusters: {cluster id: phases} for existing clusters, timed from this POST.
    terminating_seconds: after a TerminateJobFlows, its clusters show TERMINATING for
        this long, then TERMINATED (-1: TERMINATING for ever).
    refuse_protected: a TerminateJobFlows naming a termination-protected cluster is
        refused as a whole (ValidationException, nothing terminated), as EMR does.
    describe_cluster_rate: {"per_second": r, "burst": b}: DescribeCluster calls above
        this rate (a token bucket) answer ThrottlingException.
    stale_lists: ListClusters also returns clusters TERMINATING (not only those in the
        ClusterStates asked for), as a list read from a lagging replica may.
    steps: [{"cluster": id or "*", "step": name or id, "state": "FAILED",
        "FailureDetails": {"Reason", "Message", "LogFile"}}]: ListSteps and DescribeStep
        show these steps in that state (with the failure details).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.script({})

    def script(self, spec):
        now = clock()
        with self.lock:
            self.spec = spec
            self.new_clusters = spec.get("new_clusters")
            self.lifecycles = {
                cid: Lifecycle(phases, now) for cid, phases in spec.get("clusters", {}).items()
            }
            self.terminating = spec.get("terminating_seconds")
            self.terminated_at = {}
            self.refuse_protected = bool(spec.get("refuse_protected"))
            self.stale_lists = bool(spec.get("stale_lists"))
            self.steps = list(spec.get("steps", []))
            rate = spec.get("describe_cluster_rate")
            self.rate = float(rate["per_second"]) if rate else None
            self.burst = float(rate.get("burst", rate["per_second"])) if rate else 0.0
            self.tokens = self.burst
            self.refilled = now

    def scripted(self):
        return bool(self.spec)

    def handle(self, app, call, environ, start_response):
        operation = call["operation"]
        params = call["params"]
        if operation == "DescribeCluster" and not self.take_token():
            call["fault"] = "rate"
            return error(start_response, "ThrottlingException", "Rate exceeded")
        if operation == "RunJobFlow":
            status, headers, body = run(app, environ)
            if status.startswith("2") and self.new_clusters:
                cid = json.loads(body).get("JobFlowId")
                with self.lock:
                    self.lifecycles[cid] = Lifecycle(self.new_clusters, clock())
            return send(start_response, status, headers, body)
        if operation == "DescribeCluster":
            return self.rewrite(app, environ, start_response, self.describe_cluster)
        if operation == "ListClusters":
            return self.list_clusters(app, environ, start_response, params)
        if operation == "TerminateJobFlows":
            return self.terminate(app, environ, start_response, params)
        if operation in ("ListSteps", "DescribeStep") and self.steps:
            return self.list_steps(app, environ, start_response, params, operation)
        return app(environ, start_response)

    def take_token(self):
        if self.rate is None:
            return True
        with self.lock:
            now = clock()
            self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.rate)
            self.refilled = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True

    def status(self, cid, status):
        """The Status EMR would show for cluster `cid`, given moto's."""
        now = clock()
        with self.lock:
            ended = self.terminated_at.get(cid)
            life = self.lifecycles.get(cid)
        if ended is not None:
            hold = float(self.terminating)
            state = "TERMINATING" if hold < 0 or now - ended < hold else "TERMINATED"
            return dict(status, State=state, StateChangeReason=USER_REQUEST)
        if status.get("State", "").startswith("TERMINAT") or life is None:
            return status
        phase = life.at(now)
        changed = dict(status, State=phase["state"], StateChangeReason=phase.get("reason", {}))
        if phase["state"].startswith("TERMINATED"):
            timeline = dict(changed.get("Timeline", {}))
            timeline.setdefault("EndDateTime", time.time())
            changed["Timeline"] = timeline
        return changed

    def describe_cluster(self, answer):
        cluster = answer.get("Cluster", {})
        cluster["Status"] = self.status(cluster.get("Id"), cluster.get("Status", {}))
        return answer

    def rewrite(self, app, environ, start_response, change):
        status, headers, body = run(app, environ)
        if status.startswith("2"):
            body = json.dumps(change(json.loads(body))).encode()
        return send(start_response, status, headers, body)

    def list_clusters(self, app, environ, start_response, params):
        """moto filters by its own states; ask it for every state, then filter by ours."""
        wanted = params.get("ClusterStates") or []
        asked = {k: v for k, v in params.items() if k != "ClusterStates"}
        replace_body(environ, asked)

        def change(answer):
            kept = []
            for summary in answer.get("Clusters", []):
                summary["Status"] = self.status(summary.get("Id"), summary.get("Status", {}))
                state = summary["Status"].get("State")
                if not wanted or state in wanted or (self.stale_lists and state == "TERMINATING"):
                    kept.append(summary)
            answer["Clusters"] = kept
            return answer

        return self.rewrite(app, environ, start_response, change)

    def terminate(self, app, environ, start_response, params):
        ids = params.get("JobFlowIds") or []
        if self.refuse_protected:
            protected = [cid for cid in ids if self.protected(app, environ, cid)]
            if protected:
                return error(
                    start_response,
                    "ValidationException",
                    "Could not shut down one or more job flows since they are termination protected.",
                )
        status, headers, body = run(app, environ)
        if status.startswith("2") and self.terminating is not None:
            now = clock()
            with self.lock:
                for cid in ids:
                    self.terminated_at.setdefault(cid, now)
        return send(start_response, status, headers, body)

    def protected(self, app, environ, cid):
        ask = dict(environ)
        ask["HTTP_X_AMZ_TARGET"] = "ElasticMapReduce.DescribeCluster"
        replace_body(ask, {"ClusterId": cid})
        status, _, body = run(app, ask)
        return status.startswith("2") and bool(json.loads(body)["Cluster"].get("TerminationProtected"))

    def list_steps(self, app, environ, start_response, params, operation):
        cid = params.get("ClusterId")
        wanted = params.get("StepStates") or []
        if operation == "ListSteps":
            replace_body(environ, {k: v for k, v in params.items() if k != "StepStates"})

        def scripted(step):
            for rule in self.steps:
                if rule.get("cluster", "*") in ("*", cid) and rule["step"] in (step.get("Id"), step.get("Name")):
                    status = dict(step.get("Status", {}), State=rule.get("state", "FAILED"))
                    if "FailureDetails" in rule:
                        status["FailureDetails"] = rule["FailureDetails"]
                    if status["State"] in ("COMPLETED", "FAILED", "CANCELLED", "INTERRUPTED"):
                        timeline = dict(status.get("Timeline", {}))
                        timeline.setdefault("StartDateTime", timeline.get("CreationDateTime", time.time()))
                        timeline.setdefault("EndDateTime", time.time())
                        status["Timeline"] = timeline
                    return dict(step, Status=status)
            return step

        def change(answer):
            if operation == "DescribeStep":
                answer["Step"] = scripted(answer.get("Step", {}))
                return answer
            steps = [scripted(s) for s in answer.get("Steps", [])]
            answer["Steps"] = [s for s in steps if not wanted or s["Status"].get("State") in wanted]
            return answer

        return self.rewrite(app, environ, start_response, change)


def run(app, environ):
    """moto's whole answer: (status, headers, body)."""
    got = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: got.append((status, headers))))
    status, headers = got[0] if got else ("500 Internal Server Error", [])
    return status, headers, body


def send(start_response, status, headers, body):
    head = [(k, v) for k, v in headers if k.lower() != "content-length"]
    start_response(status, head + [("Content-Length", str(len(body)))])
    return [body]


def error(start_response, code, message):
    """An error in EMR's JSON protocol (awsJson1_1): HTTP 400, `__type` and `message`."""
    data = json.dumps({"__type": code, "message": message}).encode()
    start_response("400 Bad Request", [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("Content-Length", str(len(data))),
        ("x-amzn-ErrorType", code),
    ])
    return [data]


def replace_body(environ, params):
    body = json.dumps(params).encode()
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input"] = io.BytesIO(body)
