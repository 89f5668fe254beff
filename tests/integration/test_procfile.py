"""The Procfile runs as a hosting platform runs it: each line through `sh -c`, in production
configuration, on a PostgreSQL database of its own, with TLS everywhere.

`release:` must exit 0 (the migrations); an administrator then makes the tool key and registers an
https LMS with the documented `flask lti` commands; `web:` must serve `/healthz` and a full launch
(OIDC login, the LMS's auth, the id_token POST, the first page) over https. The LMS is the
development platform behind a self-signed certificate the tool is told to trust
(REQUESTS_CA_BUNDLE), as a board's own CA would be. Once, the `web:` line exited 2 before gunicorn
started (`pybabel compile -q`) and no test noticed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
import shlex
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from bench.harness import (
    HttpBrowser,
    complete_module,
    fresh_database,
    launch,
    listen_on_free_port,
    postgres_answers,
    serve_platform,
)
from lti_tool import paths
from lti_tool.learning_modules.services.catalogue import CONTENT_DIR, load_catalogue

COMPLETED = "scaling-questions"

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
START_SECONDS = 60


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL") or ""
    url = url if url.startswith("postgres") else DEFAULT_POSTGRES
    return url if postgres_answers(url) else None


def procfile_lines() -> dict[str, str]:
    lines = {}
    for raw in (paths.PROJECT_ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.lstrip().startswith("#"):
            name, _, command = raw.partition(":")
            lines[name.strip()] = command.strip()
    return lines


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _environment(database_url: str, port: int, cert: Path, key: Path, workdir: Path) -> dict:
    """What a hosting platform sets: the venv on PATH, production, secrets from the environment."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LTI_TOOL_") and k not in ("DATABASE_URL", "REDIS_URL", "FLASK_APP")
    }
    return {
        **inherited,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "LTI_TOOL_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "LTI_TOOL_TOOL_BASE_URL": f"https://127.0.0.1:{port}",
        "LTI_TOOL_TRUST_PROXY_HOPS": "0",  # gunicorn terminates TLS itself here
        "LTI_TOOL_UPLOAD_FOLDER": str(workdir / "uploads"),
        "GUNICORN_CMD_ARGS": f"--certfile {cert} --keyfile {key}",
        "REQUESTS_CA_BUNDLE": str(cert),  # the tool trusts the LMS's certificate
        "PYTHONUNBUFFERED": "1",
        "LTI_TOOL_INSTANCE_PATH": str(workdir / "instance"),  # the job queue's file, if no Redis
        **_shared_redis(),
    }


def _shared_redis() -> dict[str, str]:
    """Production's shared store, when this machine runs Redis: the queue web and worker share."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return {}  # no Redis: the queue is a SQLite file in the instance folder, on this host
    return {"REDIS_URL": url, "LTI_TOOL_REDIS_KEY_PREFIX": f"mw-procfile-{secrets.token_hex(4)}:"}


def _run(command: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", "-c", command],
        cwd=paths.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _wait_for_health(url: str, cert: Path, process: subprocess.Popen, output: Path) -> dict:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"web: exited {process.returncode}\n{output.read_text()[-3000:]}")
        try:
            response = requests.get(url + "/healthz", verify=str(cert), timeout=5)
            if response.status_code == 200:
                return response.json()
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"web: /healthz never answered\n{output.read_text()[-3000:]}")


@pytest.mark.slow
def test_each_procfile_line_runs_in_production_and_serves_a_launch(tmp_path: Path) -> None:
    postgres = _postgres_url()
    if postgres is None:
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    lines = procfile_lines()
    assert set(lines) == {"release", "web", "worker"}
    cert, key = _certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = listen_on_free_port()
    port = listener.getsockname()[1]
    listener.close()  # the web line binds the port itself, as on a platform
    base_url = f"https://127.0.0.1:{port}"

    with (
        fresh_database("postgres", tmp_path, postgres) as database_url,
        serve_platform(
            base_url,
            ssl_context=context,
            # The LMS fetches the tool's keys (to check its token requests) trusting its certificate.
            tool_jwks_fetcher=lambda: requests.get(
                base_url + "/lti/jwks", verify=str(cert), timeout=10
            ).json(),
        ) as platform,
    ):
        env = _environment(database_url, port, cert, key, tmp_path)
        release = _run(lines["release"], env)
        assert release.returncode == 0, release.stdout + release.stderr

        settings = platform.settings
        admin = [
            "flask --app lti_tool lti keys generate",
            "flask --app lti_tool lti platform add "
            + shlex.join(
                [
                    "--issuer", settings.issuer,
                    "--client-id", settings.client_id,
                    "--auth-login-url", settings.url("/auth"),
                    "--token-url", settings.url("/token"),
                    "--jwks-url", settings.url("/jwks"),
                    "--deployment", settings.deployment_id,
                ]
            ),
        ]  # fmt: skip
        for command in admin:
            done = _run(command, env)
            assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"

        output = tmp_path / "web.log"
        with output.open("wb") as log:
            web, worker = (
                subprocess.Popen(
                    ["sh", "-c", lines[name]],
                    cwd=paths.PROJECT_ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # the platform stops the whole process group
                )
                for name in ("web", "worker")
            )
        try:
            health = _wait_for_health(base_url, cert, web, output)
            assert health == {"status": "ok", "database": "ok"}
            jwks = requests.get(base_url + "/lti/jwks", verify=str(cert), timeout=10)
            assert jwks.status_code == 200
            assert jwks.json()["keys"]
            with requests.Session() as session:
                session.trust_env = False  # else requests prefers a CA bundle from the env
                session.verify = str(cert)
                result = launch(HttpBrowser(session), platform, base_url, "priya", "procfile")
                assert result.ok, f"{result.error}\n{output.read_text()[-3000:]}"
                cookie = next(c for c in session.cookies if c.name == "mentoring_web_session")
                assert cookie.secure  # production cookies, over https
                # The learner completes a module; the `worker:` line delivers the score.
                module = load_catalogue(CONTENT_DIR / "en").get(COMPLETED)
                complete_module(
                    HttpBrowser(session),
                    urljoin(base_url, result.launch_path),
                    COMPLETED,
                    [prompt.id for prompt in module.prompts],
                    [section.id for section in module.sections],
                )
            gradebook = platform.app.extensions["dev_platform_state"]
            deadline = time.monotonic() + START_SECONDS
            while not gradebook.scores and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.2)
            assert [score.user_id for score in gradebook.scores] == [
                platform.settings.course.member("priya").sub
            ], output.read_text()[-3000:]
            # What the access log must not keep: a login's hints, the Referer's state and nonce.
            requests.get(
                base_url + "/lti/login",
                params={"iss": settings.issuer, "login_hint": "HintThatIsPrivate"},
                verify=str(cert),
                timeout=10,
            )
            requests.post(
                base_url + "/lti/launch",
                data={"state": "x"},
                headers={"Referer": settings.url("/auth?state=StateInReferer&nonce=NonceInRef")},
                verify=str(cert),
                timeout=10,
            )
        finally:
            for process in (web, worker):
                os.killpg(process.pid, signal.SIGTERM)
            for process in (web, worker):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        logged = output.read_text()
        assert "Traceback" not in logged, logged[-3000:]
        for secret in ("HintThatIsPrivate", "StateInReferer", "NonceInRef", result.state):
            assert secret not in logged
