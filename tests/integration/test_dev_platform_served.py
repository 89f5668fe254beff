"""The newcomer's path, in real processes: the development platform under two gunicorn workers on a
port that is not 5000, and the CLI without any environment.

Each worker process holds its own copy of the development platform; launches worked only when one
worker served the whole launch (4–7 of 10 failed) until the platform's secret came from its key
file. Port 5000 is taken on many Macs, so the platform's URLs must follow PORT.
"""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from bench.harness import listen_on_free_port
from lti_tool import paths
from lti_tool.devplatform.autopost import AutoPostForm

LAUNCHES = 10
USERS = ("priya", "zoe", "jean-francois", "amelie", "marc")
TIMEOUT = 15


def _environment(tmp_path: Path, port: int) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LTI_TOOL_") and k not in ("DATABASE_URL", "REDIS_URL", "FLASK_APP")
    }
    return {
        **inherited,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "LTI_TOOL_ENV": "development",
        "LTI_TOOL_INSTANCE_PATH": str(tmp_path / "instance"),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "PYTHONUNBUFFERED": "1",
    }


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "lti_tool", *args],
        cwd=paths.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _launch(base_url: str, user: str) -> str | None:
    """One launch from the development platform's course page; None when it worked."""
    with requests.Session() as browser:
        step = browser.post(f"{base_url}/dev-platform/launch/{user}", allow_redirects=False)
        login = step.headers.get("Location", "")
        if step.status_code != 302 or "/lti/login" not in login:
            return f"start: {step.status_code}"
        step = browser.get(login + "&lti1p3_new_window=1", allow_redirects=False, timeout=TIMEOUT)
        auth = step.headers.get("Location", "")
        if step.status_code != 302 or "/dev-platform/auth" not in auth:
            return f"login: {step.status_code}"
        step = browser.get(urljoin(base_url, auth), allow_redirects=False, timeout=TIMEOUT)
        form = AutoPostForm()
        form.feed(step.text)
        if step.status_code != 200 or "id_token" not in form.fields:
            return f"auth: {step.status_code}"
        step = browser.post(
            urljoin(base_url, form.action), data=form.fields, allow_redirects=False, timeout=TIMEOUT
        )
        if step.status_code != 200 or "Content-Location" not in step.headers:
            return f"launch: {step.status_code} {html.unescape(step.text)[:200]}"
        page = browser.get(urljoin(base_url, step.headers["Content-Location"]), timeout=TIMEOUT)
        return None if page.status_code == 200 else f"page: {page.status_code}"


@pytest.mark.slow
def test_the_development_platform_launches_through_two_workers_on_any_port(tmp_path: Path):
    listener = listen_on_free_port()
    port = listener.getsockname()[1]
    listener.close()
    env = _environment(tmp_path, port)
    for command in (("db", "upgrade"), ("dev-platform", "init")):
        done = _flask(env, *command)
        assert done.returncode == 0, done.stdout + done.stderr
    base_url = f"http://localhost:{port}"
    output = tmp_path / "web.log"
    with output.open("wb") as log:
        web = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                "config/gunicorn.py",
                "lti_tool.wsgi:create_served_app()",
            ],
            cwd=paths.PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base_url + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert web.poll() is None, output.read_text()[-3000:]
            assert time.monotonic() < deadline, output.read_text()[-3000:]
            time.sleep(0.2)
        course = requests.get(base_url + "/dev-platform/", timeout=TIMEOUT)
        assert course.status_code == 200
        failures = [
            (n, error)
            for n in range(LAUNCHES)
            if (error := _launch(base_url, USERS[n % len(USERS)])) is not None
        ]
        assert failures == [], f"{failures}\n{output.read_text()[-3000:]}"
        assert requests.get(base_url + "/favicon.ico", timeout=TIMEOUT).status_code == 204
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)
            web.wait()


def test_the_cli_without_any_environment_prints_one_line_not_a_traceback(tmp_path: Path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LTI_TOOL_") and k not in ("DATABASE_URL", "SECRET_KEY", "FLASK_APP")
    }
    env["LTI_TOOL_INSTANCE_PATH"] = str(tmp_path / "instance")
    for args in (("lti", "--help"), ("grades", "list"), ("lti", "platform", "list")):
        done = _flask(env, *args)
        assert "Traceback" not in done.stderr + done.stdout, args
        assert "Production configuration is missing SECRET_KEY and DATABASE_URL" in done.stderr
        assert "LTI_TOOL_ENV=development" in done.stderr
    helped = _flask({**env, "LTI_TOOL_ENV": "development"}, "lti", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "Manage LTI platform registrations" in helped.stdout
