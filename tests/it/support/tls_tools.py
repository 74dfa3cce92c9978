"""TLS and proxy stand-ins for cyi's credential and network tests (tests/it/credentials.rs).

  certs DIR              write a test CA (ca.pem) and a leaf for localhost/127.0.0.1
                         signed by it (leaf.pem, leaf.key) into DIR
  front CERT KEY PORT    terminate TLS with CERT/KEY and pass the bytes on to 127.0.0.1:PORT
                         (the moto harness), so the harness still records every call
  proxy LOG              an HTTP CONNECT proxy that appends each tunnel's target to LOG
  botocore-key ARGS      print botocore's cache key for the AssumeRole ARGS (a JSON object)
  botocore-assume ARGS   assume a role the way the aws CLI does, caching the session in
                         ~/.aws/cli/cache (ARGS: {"profile": .., "code": ..}); the
                         session's access key id on stdout

front and proxy print the port they listen on, then serve until stdin closes.
"""

import datetime
import json
import os
import socket
import ssl
import sys
import threading


def certs(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    now = datetime.datetime.now(datetime.timezone.utc)
    later = now + datetime.timedelta(days=2)
    earlier = now - datetime.timedelta(days=1)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cyi test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(earlier)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(earlier)
        .not_valid_after(later)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    with open(os.path.join(directory, "ca.pem"), "wb") as f:
        f.write(ca.public_bytes(pem))
    with open(os.path.join(directory, "leaf.pem"), "wb") as f:
        f.write(leaf.public_bytes(pem))
    with open(os.path.join(directory, "leaf.key"), "wb") as f:
        f.write(
            leaf_key.private_bytes(
                pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


def pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def splice(a, b):
    threading.Thread(target=pipe, args=(a, b), daemon=True).start()
    threading.Thread(target=pipe, args=(b, a), daemon=True).start()


def serve(handle):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)

    def accept():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    sys.stdin.read()


def front(cert, key, port):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def handle(conn):
        try:
            tls = context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            conn.close()  # a client that does not trust the CA hangs up here
            return
        upstream = socket.create_connection(("127.0.0.1", int(port)))
        splice(tls, upstream)

    serve(handle)


def proxy(log):
    lock = threading.Lock()

    def handle(conn):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                conn.close()
                return
            head += chunk
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method, target, _ = request_line.split(" ", 2)
        with lock, open(log, "a") as f:
            f.write(f"{method} {target}\n")
        if method != "CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        host, _, port = target.rpartition(":")
        upstream = socket.create_connection((host, int(port)))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        splice(conn, upstream)

    serve(handle)


def botocore_key(args):
    from botocore.credentials import AssumeRoleCredentialFetcher

    args = json.loads(args)
    role_arn = args.pop("RoleArn")
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=None, source_credentials=None, role_arn=role_arn, extra_args=args
    )
    print(fetcher._cache_key)


def botocore_assume(args):
    """What awscli/customizations/assumerole.py does: the assume-role provider of the
    profile's session, with JSONFileCache(~/.aws/cli/cache) as its cache."""
    import botocore.session
    from botocore.utils import JSONFileCache

    args = json.loads(args)
    session = botocore.session.Session(profile=args["profile"])
    provider = session.get_component("credential_provider").get_provider("assume-role")
    provider.cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
    code = args.get("code")

    def prompter(prompt):
        if code is None:
            raise SystemExit("botocore asked for an MFA code: the cache was not used")
        return code

    provider._prompter = prompter
    print(session.get_credentials().get_frozen_credentials().access_key)


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    {
        "certs": certs,
        "front": front,
        "proxy": proxy,
        "botocore-key": botocore_key,
        "botocore-assume": botocore_assume,
    }[mode](*rest)
