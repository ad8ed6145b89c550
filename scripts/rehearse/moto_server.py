#!/usr/bin/python3
"""The AWS emulator of the deploy rehearsal: moto in server mode on 127.0.0.1, extended with
Proximate's shims (scripts/rehearse/moto_shims/), each reproducing one AWS behaviour moto lacks.

    /usr/bin/python3 scripts/rehearse/moto_server.py [--port 0] [--ready-file FILE] [--no-install]

Finds moto: an importable one first (a user with internet: `pip install 'moto[server]'`), else
the vendored copy (with its newer botocore first on sys.path) from $PROXIMATE_VENDOR_DIR,
<project>/../shared/vendor or /work/shared/vendor. Installs the Debian packages it needs when
missing (install-deps.sh), turns Lambda's Docker use off (no Docker here: `aws_lambda_invocation`
then returns without running the code) and loads AWS-managed IAM policies (attachments of them
must resolve). Binds 127.0.0.1 only, on a free port unless told one; prints one JSON line
`{"endpoint": ..., "moto": ..., "shims": [...]}` when it serves (and writes it to --ready-file).
Requests are handled one at a time: moto's backends are not thread-safe (a security-group rule
revoke raced under the threaded server).
"""
import argparse
import importlib.util
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent


def vendor_candidates():
    """Where a vendored moto may be, in order (see the vendor README)."""
    found = []
    if os.environ.get("PROXIMATE_VENDOR_DIR"):
        found.append(Path(os.environ["PROXIMATE_VENDOR_DIR"]))
    found.append(PROJECT.parent / "shared" / "vendor")
    found.append(Path("/work/shared/vendor"))
    return found


def locate_moto():
    """Makes moto importable and says where it comes from."""
    if importlib.util.find_spec("moto") is not None:
        return "importable"
    for vendor in vendor_candidates():
        python = vendor / "python"
        if (python / "moto" / "__init__.py").is_file():
            # The vendored botocore must win over Debian's older one (its models lack operations the
            # AWS provider calls), so the directory goes first.
            sys.path.insert(0, str(python))
            os.environ["PYTHONPATH"] = os.pathsep.join([str(python), *filter(None, [os.environ.get("PYTHONPATH")])])
            return str(python)
    raise SystemExit(
        "moto_server: no moto found: `pip install 'moto[server]'`, or set PROXIMATE_VENDOR_DIR to a directory "
        "holding python/moto and python/botocore (tried: " + ", ".join(str(v) for v in vendor_candidates()) + ")"
    )


def action_of(environ, body):
    """The AWS operation a request names (JSON target header, query or form `Action`), for the log."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target
    for source in (environ.get("QUERY_STRING", ""), body.decode("utf-8", "replace") if body else ""):
        for pair in source.split("&"):
            if pair.startswith("Action="):
                return pair[len("Action="):]
    return f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"


class OneRequestAtATime:
    """WSGI middleware: runs moto for one request at a time, buffers its response inside the lock,
    and logs every server-side failure (5xx: an operation moto lacks or fails at) with its operation."""

    def __init__(self, app, log):
        self.app = app
        self.lock = threading.Lock()
        self.log = log

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(request)
        with self.lock:
            captured = {}

            def capture(status, headers, exc_info=None):
                captured["args"] = (status, headers, exc_info)
                return lambda data: None

            try:
                iterable = self.app(environ, capture)
                try:
                    body = b"".join(iterable)
                finally:
                    if hasattr(iterable, "close"):
                        iterable.close()
            except Exception as error:
                self.record("500 INTERNAL SERVER ERROR", environ, request, f"{type(error).__name__}: {error}".encode())
                raise
        status, headers, exc_info = captured["args"]
        if status[:1] == "5":
            self.record(status, environ, request, body)
        start_response(status, headers, exc_info)
        return [body]

    def record(self, status, environ, request, body):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        service = auth.split("/")[3] if auth.count("/") >= 4 else "?"
        self.log.write(json.dumps({"status": status, "service": service, "action": action_of(environ, request), "body": body[:400].decode("utf-8", "replace")}) + "\n")
        self.log.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--ready-file", help="also write the ready line to this file")
    parser.add_argument("--no-install", action="store_true", help="do not install missing Debian packages")
    parser.add_argument("--failures", help="append one JSON line per failed (5xx) request to this file (default: stderr)")
    args = parser.parse_args(argv)

    if not args.no_install:
        subprocess.run(["bash", str(HERE / "install-deps.sh")], check=True, stdout=sys.stderr)
    origin = locate_moto()
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

    import moto
    from moto.core.config import default_user_config
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    sys.path.insert(0, str(HERE))
    import moto_shims

    installed = moto_shims.install_all()
    default_user_config["lambda"]["use_docker"] = False
    default_user_config["iam"]["load_aws_managed_policies"] = True

    app = DomainDispatcherApplication(create_backend_app)
    failures = open(args.failures, "a") if args.failures else sys.stderr
    server = make_server("127.0.0.1", args.port, OneRequestAtATime(app, failures), threaded=True)
    os.environ["MOTO_PORT"] = str(server.port)
    ready = {
        "endpoint": f"http://127.0.0.1:{server.port}",
        "pid": os.getpid(),
        "moto": f"{moto.__version__} ({origin})",
        "shims": installed,
    }
    line = json.dumps(ready)
    if args.ready_file:
        Path(args.ready_file).write_text(line + "\n")
    print(line, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
