"""moto on loopback for cyi's integration tests, behind a recording, fault-injecting layer.

Started by tests/it/support/mod.rs, one process per test. It prints the port it listens on,
then serves until its stdin closes, so it dies with the test process that started it.
scripts/sandbox starts it with `--port N --until-killed` instead (binding the port itself,
so a port already taken is an error here, never someone else's server used).

Every AWS call that reaches it is recorded (service, operation, parameters) before it is
handed to moto, and can be answered with a fault instead. Control endpoints, never
reached by cyi itself:
  GET  /_harness/calls         the recorded calls, in arrival order
  POST /_harness/calls/clear   forget them
  POST /_harness/faults        replace the fault rules (a JSON list, see Rule)
  POST /_harness/emr           replace the EMR behaviour script (a JSON object, see EmrWorld)
  POST /_harness/network       set the injected latency and 1-in-N throttling (see Network)
  GET  /_harness/pid           this process's id, so a script can tell its own server
  POST /_harness/seed          seed the CYI world (scripts/sandbox_seed.py) as of
                               {"today": "YYYY-MM-DD"}; answers what was seeded. The
                               seeding calls are not kept in the recorded calls.

Each recorded call also carries `arrived`, `completed` and `sent`: seconds (monotonic,
since the harness started) at which its request line reached the server, at which its whole
answer was ready to go back (after any injected latency), and at which the server had
written that answer; `status` is the HTTP status answered.

Command line: `moto_harness.py [--port N] [--until-killed] [--latency 50ms] [--throttle-every N]`;
latency and throttling set the network from the start (see Network), for a benchmark
that runs the binary against it.
"""

import argparse
import datetime
import io
import os
import pathlib
import json
import socket
import sys
import threading
import time
import urllib.parse

from emr_behaviour import EmrWorld, Network, clock, milliseconds
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
import sandbox_seed  # noqa: E402  (the one seeding module of the CYI world)

# S3 has no operation name on the wire; these cover what cyi and its tests do.
S3_OPERATIONS = {
    ("GET", False, "list-type"): "ListObjectsV2",
    ("GET", False, None): "ListObjects",
    ("PUT", False, None): "CreateBucket",
    ("GET", True, None): "GetObject",
    ("HEAD", True, None): "HeadObject",
    ("PUT", True, None): "PutObject",
    ("DELETE", True, None): "DeleteObject",
}


def service_of(environ):
    """The signing scope names the service: Credential=KEY/DATE/REGION/SERVICE/aws4_request."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    marker = "Credential="
    if marker in auth:
        scope = auth.split(marker, 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 4:
            return scope[3]
    return "unknown"


def signer_of(environ):
    """The access key id that signed the call (Credential=KEY/...), so a test can tell
    which credentials a hop of a role chain used."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    marker = "Credential="
    if marker in auth:
        return auth.split(marker, 1)[1].split("/", 1)[0]
    return None


def describe(environ, body):
    service = service_of(environ)
    target = environ.get("HTTP_X_AMZ_TARGET")
    params = {}
    if target:
        operation = target.rsplit(".", 1)[-1]
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = {"_raw": body.decode("utf-8", "replace")}
    elif service == "s3":
        path = environ.get("PATH_INFO", "/").lstrip("/")
        bucket, _, key = path.partition("/")
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        flag = "list-type" if "list-type" in query else None
        operation = S3_OPERATIONS.get((environ["REQUEST_METHOD"], bool(key), flag), environ["REQUEST_METHOD"])
        params = {"Bucket": bucket, "Key": urllib.parse.unquote(key), "Query": query}
    else:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        operation = form.pop("Action", ["unknown"])[0]
        params = {k: v[0] if len(v) == 1 else v for k, v in form.items()}
    return {"service": service, "operation": operation, "params": params, "signer": signer_of(environ)}


class Rule:
    """One fault rule, from JSON.

    operation: the operation name to match, or "*" for every call.
    kind: "throttle" (400 ThrottlingException), "mfa_denied" (403 AccessDenied, as STS
          answers AssumeRole for a wrong MFA code), "500", "503", "drop" (close the
          connection without an answer), "lose" (let moto apply the call, then close
          the connection without its answer), "hang" (never answer), or "before" (send
          `request` to moto first, then handle the call normally).
    skip: let this many matching calls through first (default 0).
    times: fault this many matching calls after that (default 1; -1 for all).
    every: fault only every n-th matching call (default 1).
    naming: match only calls whose parameters name this value (e.g. a cluster id), so a
          fault can pick one of several concurrent calls whatever their arrival order.
    request: for "before": {"target": "DynamoDB_20120810.UpdateItem", "body": {...}}.
    """

    def __init__(self, spec):
        self.operation = spec["operation"]
        self.kind = spec["kind"]
        self.skip = int(spec.get("skip", 0))
        self.times = int(spec.get("times", 1))
        self.every = max(1, int(spec.get("every", 1)))
        self.request = spec.get("request")
        self.naming = spec.get("naming")
        self.seen = 0

    def take(self, operation, params):
        if self.operation not in ("*", operation) or self.times == 0:
            return False
        if self.naming is not None and self.naming not in json.dumps(params):
            return False
        self.seen += 1
        if self.seen <= self.skip or (self.seen - self.skip - 1) % self.every:
            return False
        if self.times > 0:
            self.times -= 1
        return True


class Harness:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.seed_lock = threading.Lock()
        self.dynamodb_lock = threading.Lock()
        self.calls = []
        self.rules = []
        self.emr = EmrWorld()
        self.network = Network()
        self.endpoint = None

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_harness/"):
            return self.control(path, environ, start_response)
        arrived = environ.get("harness.received", clock())
        body = read_body(environ)
        call = describe(environ, body)
        call["arrived"] = arrived
        with self.lock:
            call["seq"] = len(self.calls)
            self.calls.append(call)
            rule = next((r for r in self.rules if r.take(call["operation"], call["params"])), None)
            # Counted in arrival order, like `seq`, so "1 call in N" is exact.
            throttle = self.network.throttles()
        delay = self.network.delay()
        time.sleep(delay / 2)

        def answer(status, headers, exc_info=None):
            call["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        if rule is not None:
            call["fault"] = rule.kind
        if rule is not None and rule.kind == "before":
            # The extra request goes first; the call itself is then handled as any
            # other, through the EMR behaviour layer too.
            self.forward(environ, rule.request)
            environ["wsgi.input"].seek(0)
            rule = None
        if rule is not None:
            result = self.fault(rule, environ, answer)
        elif throttle:
            call["fault"] = "throttle"
            result = throttled(environ, answer)
        elif call["service"] == "elasticmapreduce" and self.emr.scripted():
            result = self.emr.handle(self.app, call, environ, answer)
        else:
            result = self.moto(call["service"], environ, answer)
        data = b"".join(result)
        time.sleep(delay / 2)
        call["completed"] = clock()
        return Answer(data, call)

    def moto(self, service, environ, start_response):
        """moto's answer, whole. DynamoDB calls are answered one at a time: moto checks a
        condition and then writes without a lock, so two conditional deletes of one item
        on two threads could both pass, where DynamoDB applies writes to an item one after
        another."""
        if service != "dynamodb":
            return [b"".join(self.app(environ, start_response))]
        with self.dynamodb_lock:
            return [b"".join(self.app(environ, start_response))]

    def fault(self, rule, environ, start_response):
        if rule.kind == "lose":
            # moto applies the call, then the answer is lost on the way back: what a
            # client sees when a connection breaks after the server has acted.
            self.moto(service_of(environ), environ, lambda status, headers, exc_info=None: None)
            conn = environ.get("werkzeug.socket")
            if conn is not None:
                conn.shutdown(socket.SHUT_RDWR)
            return []
        if rule.kind in ("drop", "hang"):
            conn = environ.get("werkzeug.socket")
            if rule.kind == "hang":
                threading.Event().wait(3600)
            if conn is not None:
                conn.shutdown(socket.SHUT_RDWR)
            return []
        if rule.kind == "throttle":
            return throttled(environ, start_response)
        if rule.kind == "mfa_denied":
            xml = ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                   "<Message>MultiFactorAuthentication failed with invalid MFA one time pass code. (injected)</Message>"
                   "</Error><RequestId>injected</RequestId></ErrorResponse>")
            return respond_xml(start_response, "403 Forbidden", xml)
        status = {"500": "500 Internal Server Error", "503": "503 Service Unavailable"}[rule.kind]
        payload = {"__type": "InternalFailure", "message": "injected " + rule.kind}
        return respond(start_response, status, payload, {})

    def forward(self, environ, request):
        """Send one extra JSON-protocol request to moto, signed like the call it precedes."""
        body = json.dumps(request["body"]).encode()
        extra = dict(environ)
        extra["HTTP_X_AMZ_TARGET"] = request["target"]
        extra["CONTENT_LENGTH"] = str(len(body))
        extra["wsgi.input"] = io.BytesIO(body)
        statuses = []
        answer = b"".join(self.moto(service_of(extra), extra, lambda status, headers, exc_info=None: statuses.append(status)))
        if not statuses or not statuses[0].startswith("2"):
            print("harness: injected request failed:", statuses, answer[:500], file=sys.stderr, flush=True)

    def control(self, path, environ, start_response):
        body = read_body(environ)
        if path == "/_harness/pid":
            return respond(start_response, "200 OK", {"pid": os.getpid()}, {})
        if path == "/_harness/seed":
            return self.seed(json.loads(body or b"{}"), start_response)
        with self.lock:
            if path == "/_harness/calls":
                return respond(start_response, "200 OK", self.calls, {})
            if path == "/_harness/calls/clear":
                self.calls = []
                return respond(start_response, "200 OK", {}, {})
            if path == "/_harness/faults":
                self.rules = [Rule(spec) for spec in json.loads(body or b"[]")]
                return respond(start_response, "200 OK", {}, {})
            if path == "/_harness/emr":
                self.emr.script(json.loads(body or b"{}"))
                return respond(start_response, "200 OK", {}, {})
            if path == "/_harness/network":
                self.network.set(json.loads(body or b"{}"))
                return respond(start_response, "200 OK", {}, {})
        return respond(start_response, "404 Not Found", {"error": path}, {})

    def seed(self, spec, start_response):
        """Seeds through this server's own endpoint (the calls go through moto as any
        client's would), then forgets the calls the seeding made."""
        today = datetime.date.fromisoformat(spec["today"]) if spec.get("today") else datetime.date.today()
        with self.seed_lock:
            with self.lock:
                before = len(self.calls)
            facts = sandbox_seed.seed(self.endpoint, ROOT / "tests/fixtures/cluster-config", today)
            with self.lock:
                del self.calls[before:]
        facts["config"] = sandbox_seed.config_toml(self.endpoint)
        return respond(start_response, "200 OK", facts, {})


def throttled(environ, start_response):
    """A throttling answer, as the service of this call spells it: each protocol has its
    own way, and a JSON body on an XML service would be an unparseable error, which the
    SDK rightly does not retry."""
    service = service_of(environ)
    if service == "s3":
        xml = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate. (injected)</Message></Error>"
        return respond_xml(start_response, "503 Slow Down", xml)
    if service == "sts":
        xml = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
               "<Message>Rate exceeded (injected)</Message></Error><RequestId>injected</RequestId></ErrorResponse>")
        return respond_xml(start_response, "400 Bad Request", xml)
    payload = {"__type": "ThrottlingException", "message": "Rate exceeded (injected)"}
    return respond(start_response, "400 Bad Request", payload, {"x-amzn-ErrorType": "ThrottlingException"})


def read_body(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    body = stream.read(length) if length else stream.read() if environ.get("wsgi.input_terminated") else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def respond(start_response, status, payload, headers):
    data = json.dumps(payload).encode()
    head = [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))]
    start_response(status, head + list(headers.items()))
    return [data]


def respond_xml(start_response, status, xml):
    data = xml.encode()
    start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(data)))])
    return [data]


class Dispatcher(DomainDispatcherApplication):
    """moto's dispatcher, with the host-to-service lookup remembered.

    moto resolves the service of every request under one global lock, and that lookup
    lists moto's package folder (some 200 `stat` calls) and tries every service's URL
    patterns, each time: it made a busy harness answer one request at a time, so a
    client's concurrency showed up as queueing in the stand-in, not as AWS would answer.
    The answer for a host never changes while the server runs, so it is kept.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.backends_by_host = {}

    def get_backend_for_host(self, host):
        try:
            return self.backends_by_host[host]
        except KeyError:
            backend = super().get_backend_for_host(host)
            self.backends_by_host[host] = backend
            return backend


class Answer:
    """The body of an answer; the server closes it once every byte is written, which is
    when the call's `sent` is stamped."""

    def __init__(self, data, call):
        self.data = data
        self.call = call

    def __iter__(self):
        return iter([self.data])

    def close(self):
        self.call["sent"] = clock()


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass

    def parse_request(self):
        # The request line has just been read: the call has reached the server, before
        # werkzeug's own parsing, which is the stand-in's time, not the client's.
        self.received = clock()
        return super().parse_request()

    def make_environ(self):
        environ = super().make_environ()
        environ["harness.received"] = self.received
        return environ


def main():
    parser = argparse.ArgumentParser(description="moto behind cyi's recording layer")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--until-killed", action="store_true", help="serve until killed, not until stdin closes")
    parser.add_argument("--latency", default="0ms", help="added to every AWS call, e.g. 50ms or 0.05s")
    parser.add_argument("--throttle-every", type=int, default=0, help="throttle 1 call in N (0: never)")
    args = parser.parse_args()
    app = Harness(Dispatcher(create_backend_app))
    app.network.set({"latency_ms": milliseconds(args.latency), "throttle_every": args.throttle_every})
    try:
        server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=QuietHandler)
    except OSError as e:
        print(f"moto_harness: cannot listen on 127.0.0.1:{args.port}: {e.strerror}", file=sys.stderr, flush=True)
        sys.exit(3)
    app.endpoint = f"http://127.0.0.1:{server.server_port}"
    print(server.server_port, flush=True)
    if args.until_killed:
        server.serve_forever()
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
