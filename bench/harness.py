"""A real deployment on loopback: the tool under gunicorn, the development platform, a fresh database.

Shared by `tests/integration/test_two_workers.py` and `python -m bench.launches`, so the test and the
benchmark launch through exactly the same setup. `launch_stack()` brings up, in order:

1. a listening socket on 127.0.0.1:<free port> that gunicorn inherits (`--bind fd://N`), so the
   tool's address is known before anything else and no other process can take the port meanwhile;
2. the development platform (`create_platform_app`) on a werkzeug thread server in this process,
   registered with the tool's URLs;
3. a throwaway database (a SQLite file in the work directory, or a new PostgreSQL database dropped
   afterwards) holding the schema, the platform registration and a tool key;
4. `gunicorn --workers N "lti_tool.wsgi:create_served_app()"` (as the Procfile serves it) with
   `LTI_TOOL_ENV=test`: plain-http cookies, no built-in platform. Its access log records the worker
   pid and the `X-Harness-Step` header of every request, so callers can see which worker served what.

`launch()` is one browser's full LTI 1.3 launch: POST /lti/login (with `lti1p3_new_window=1`, as
the cookie-check page's second step sends) → the platform's /auth → its auto-post form → POST
/lti/launch → the first course page. Everything stops itself; nothing listens beyond loopback.
"""

from __future__ import annotations

import html
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from urllib.parse import urljoin

import requests
from flask import Flask
from sqlalchemy import create_engine, make_url, text
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from lti_tool import create_app, paths
from lti_tool.devplatform.autopost import AutoPostForm
from lti_tool.devplatform.platform_app import PlatformSettings, create_platform_app
from lti_tool.devplatform.signer import RESOURCE_LINK_REQUEST, PlatformKey

CLIENT_ID = "mentoring-web-bench"
DEPLOYMENT_ID = "bench-deployment-1"
STEP_HEADER = "X-Harness-Step"
# <pid> step-tag method path status microseconds (gunicorn's %(p)s is the serving worker's pid).
ACCESS_LOG_FORMAT = "%(p)s %({x-harness-step}i)s %(m)s %(U)s %(s)s %(D)s"
HTTP_TIMEOUT = 30
START_TIMEOUT = 30
# The launch POST answers with the course home itself (lti_tool/launches/views.py): no page step.
STEPS = ("login", "auth", "launch")
TOOL_STEPS = ("login", "launch")  # served by the tool; "auth" is the fake LMS


# -- databases ----------------------------------------------------------------------------------


RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def configured_postgres_url() -> str:
    """The PostgreSQL server to create throwaway databases on: DATABASE_URL when it names one."""
    configured = os.environ.get("DATABASE_URL") or ""
    return configured if configured.startswith("postgres") else DEFAULT_POSTGRES_URL


def databases_to_run(choice: str | None, postgres_url: str) -> list[str] | None:
    """`--database sqlite|postgres|both`, or both when PostgreSQL answers and SQLite otherwise;
    None (after saying why) when PostgreSQL was asked for and does not answer."""
    postgres_up = postgres_answers(postgres_url)
    if choice is None:
        choice = "both" if postgres_up else "sqlite"
        if not postgres_up:
            print(f"PostgreSQL does not answer at {postgres_url}: SQLite only.")
    databases = ["sqlite", "postgres"] if choice == "both" else [choice]
    if "postgres" in databases and not postgres_up:
        print(f"PostgreSQL does not answer at {postgres_url}.", file=sys.stderr)
        return None
    return databases


def postgres_answers(url: str, timeout: int = 2) -> bool:
    import psycopg

    try:
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, connect_timeout=timeout):
            return True
    except psycopg.Error:
        return False


@contextmanager
def fresh_database(kind: str, workdir: Path, postgres_url: str | None = None) -> Iterator[str]:
    """A brand-new empty database URL: a SQLite file in `workdir`, or a throwaway PostgreSQL
    database created on `postgres_url`'s server and dropped (WITH FORCE) afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir.resolve() / 'tool.sqlite3'}"
        return
    if kind != "postgres" or not postgres_url:
        raise ValueError(f"unknown database kind {kind!r} (or no PostgreSQL URL)")
    server = make_url(postgres_url).set(drivername="postgresql+psycopg")
    name = f"mw_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        # Said on stderr, so an interrupted run leaves no database nobody knows about.
        print(f"created PostgreSQL database {name} (dropped at the end)", file=sys.stderr)
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"dropped PostgreSQL database {name}", file=sys.stderr)
    finally:
        admin.dispose()


# Keys of one run, apart from any other user of the same Redis (they expire on their own).
REDIS_PREFIX = f"mentoring-web-bench-{uuid.uuid4().hex[:8]}:"


def tool_app(database_url: str, workdir: Path, redis_url: str | None = None) -> Flask:
    """The tool in this process, configured like the gunicorn workers (test env, no dev platform)."""
    return create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(workdir / "instance"),
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": REDIS_PREFIX,
            "DEV_PLATFORM": False,
        }
    )


def prepare_database(database_url: str, settings: PlatformSettings, workdir: Path) -> None:
    """Schema, a tool key and the platform's registration, committed as an administrator would."""
    from lti_tool.extensions import db
    from lti_tool.lti.keys import generate_key
    from lti_tool.lti.registrations import PlatformValues, add_platform

    app = tool_app(database_url, workdir)
    with app.app_context():
        db.create_all()
        generate_key(db.session)
        values = PlatformValues(
            issuer=settings.issuer,
            client_id=settings.client_id,
            auth_login_url=settings.url("/auth"),
            auth_token_url=settings.url("/token"),
            key_set_url=settings.url("/jwks"),
            name="Benchmark platform",
        )
        add_platform(db.session, values, [settings.deployment_id], allow_http=True)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


# -- the development platform -------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _DeferredApp:
    """Lets the server bind (and learn its port) before the platform app, which needs its URL."""

    def __init__(self) -> None:
        self.app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.app is None:
            raise RuntimeError("platform app not ready")
        return self.app(environ, start_response)


@dataclass
class Platform:
    settings: PlatformSettings
    app: Flask

    def url(self, path: str) -> str:
        return self.settings.url(path)

    @property
    def course_title(self) -> str:
        return self.settings.course.title

    @property
    def user_keys(self) -> tuple[str, ...]:
        return tuple(member.key for member in self.settings.course.members)

    def login_params(self, user_key: str) -> dict[str, str]:
        """The third-party-initiated login the LMS sends when `user_key` opens the placement."""
        launches = self.app.extensions["dev_platform"].launches
        member = self.settings.course.member(user_key)
        if member is None:
            raise ValueError(f"no member {user_key!r} in the demo course")
        return launches.login_params(member, launches.default_link(RESOURCE_LINK_REQUEST))


@contextmanager
def serve_platform(
    tool_base_url: str, *, ssl_context: Any = None, **settings_overrides: Any
) -> Iterator[Platform]:
    """The development platform on 127.0.0.1:<free port>, its tool URLs under `tool_base_url`;
    `settings_overrides` are PlatformSettings fields (e.g. nrps_page_size). With `ssl_context`
    (an ssl.SSLContext) it answers https, as a production tool requires of an LMS."""
    deferred = _DeferredApp()
    server: BaseWSGIServer = make_server(
        "127.0.0.1",
        0,
        deferred,
        threaded=True,
        request_handler=_QuietHandler,
        ssl_context=ssl_context,
    )
    scheme = "https" if ssl_context is not None else "http"
    try:
        settings = PlatformSettings(
            issuer=f"{scheme}://127.0.0.1:{server.server_port}",
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            tool_login_url=tool_base_url + "/lti/login",
            tool_launch_url=tool_base_url + "/lti/launch",
            tool_jwks_url=tool_base_url + "/lti/jwks",
            key=PlatformKey.generate(),
            **settings_overrides,
        )
        platform = Platform(settings, create_platform_app(settings))
        deferred.app = platform.app
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="bench-platform",
            daemon=True,
        )
        thread.start()
        try:
            yield platform
        finally:
            server.shutdown()
            thread.join(timeout=5)
    finally:
        server.server_close()


# -- the tool under gunicorn --------------------------------------------------------------------


class AccessEntry(NamedTuple):
    pid: int
    tag: str  # the X-Harness-Step header, "-" when absent
    method: str
    path: str
    status: int
    micros: int


@dataclass
class ToolServer:
    base_url: str
    process: subprocess.Popen[bytes]
    access_log: Path
    output_log: Path

    def access_entries(self) -> list[AccessEntry]:
        """Parsed access log. Complete only after `stop()`: a worker logs after it has responded."""
        entries = []
        for line in self.access_log.read_text(encoding="utf-8").splitlines():
            pid, tag, method, path, status, micros = line.split(" ")
            entries.append(
                AccessEntry(int(pid.strip("<>")), tag, method, path, int(status), int(micros))
            )
        return entries

    def output_tail(self, lines: int = 40) -> str:
        if not self.output_log.exists():
            return ""
        return "\n".join(self.output_log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM (gunicorn's graceful shutdown), then wait; SIGKILL only if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def listen_on_free_port() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    return listener


def server_environment(database_url: str, redis_url: str | None, log_level: str) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("LTI_TOOL_")
        and name not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "GUNICORN_CMD_ARGS")
    }
    env = {
        **inherited,
        "LTI_TOOL_ENV": "test",  # plain-http cookies; `production` would insist on https
        "LTI_TOOL_DEV_PLATFORM": "false",  # JSON, parsed by from_prefixed_env
        "LTI_TOOL_LOG_LEVEL": log_level,
        # Every launch comes from 127.0.0.1, as fast as the tool answers (up to 10,000 of them):
        # the per-address limits stay on, so their cost is measured, but out of reach.
        "LTI_TOOL_RATE_LIMIT_LTI_LOGIN": "1000000 per minute",
        "LTI_TOOL_RATE_LIMIT_LTI_LAUNCH": "1000000 per minute",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["LTI_TOOL_REDIS_KEY_PREFIX"] = REDIS_PREFIX  # this run's own namespace
    return env


@contextmanager
def serve_tool(
    listener: socket.socket,
    *,
    database_url: str,
    workdir: Path,
    redis_url: str | None = None,
    workers: int = 2,
    log_level: str = "WARNING",
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[ToolServer]:
    """gunicorn serving the tool on `listener` (closed here once gunicorn holds it); `extra_env`
    adds settings (LTI_TOOL_…) to its environment."""
    env = {**server_environment(database_url, redis_url, log_level), **(extra_env or {})}
    with serve_gunicorn(
        listener, "lti_tool.wsgi:create_served_app()", env=env, workdir=workdir, workers=workers
    ) as server:
        yield server


@contextmanager
def serve_gunicorn(
    listener: socket.socket,
    app_spec: str,
    *,
    env: Mapping[str, str],
    workdir: Path,
    workers: int = 2,
) -> Iterator[ToolServer]:
    """`gunicorn --workers N app_spec` (sync workers, the Procfile's) on `listener`, with the
    access log the benchmarks read; stopped on exit."""
    host, port = listener.getsockname()[:2]
    access_log = workdir / "gunicorn-access.log"
    output_log = workdir / "gunicorn-output.log"
    access_log.touch()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"fd://{listener.fileno()}",
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--no-control-socket",  # gunicorn 25+ opens ~/.gunicorn/gunicorn.ctl, shared by every run
        app_spec,
    ]
    with output_log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=paths.PROJECT_ROOT,
            env=dict(env),
            pass_fds=(listener.fileno(),),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    server = ToolServer(f"http://{host}:{port}", process, access_log, output_log)
    try:
        _wait_for_workers(server, workers)
        yield server
    finally:
        server.stop()


def _wait_for_workers(server: ToolServer, workers: int) -> None:
    """Until /healthz answers, and (best effort) until every worker has served one: a worker only
    accepts once it has loaded the app, so this keeps the first measured launches off boot time."""
    deadline = time.monotonic() + START_TIMEOUT
    healthy = False
    with requests.Session() as http:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {server.process.returncode}:\n{server.output_tail()}"
                )
            try:
                response = http.get(
                    server.base_url + "/healthz", headers={STEP_HEADER: "healthz"}, timeout=5
                )
                healthy = healthy or response.status_code == 200
            except requests.RequestException:  # refused, reset, or a read timeout while loading
                pass
            if healthy:
                pids = {e.pid for e in server.access_entries() if e.tag == "healthz"}
                if len(pids) >= workers:
                    return
            time.sleep(0.05)
    if not healthy:
        raise RuntimeError(f"gunicorn did not answer /healthz:\n{server.output_tail()}")


@dataclass
class Stack:
    tool: ToolServer
    platform: Platform
    database_url: str
    redis_url: str | None


@contextmanager
def launch_stack(
    workdir: Path,
    *,
    database: str = "sqlite",
    postgres_url: str | None = None,
    redis_url: str | None = None,
    workers: int = 2,
    log_level: str = "WARNING",
    extra_env: Mapping[str, str] | None = None,
    platform_overrides: Mapping[str, Any] | None = None,
) -> Iterator[Stack]:
    """Tool (gunicorn) + platform + fresh database, torn down in reverse order."""
    workdir.mkdir(parents=True, exist_ok=True)
    listener = listen_on_free_port()
    try:
        tool_base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with (
            fresh_database(database, workdir, postgres_url) as database_url,
            serve_platform(tool_base_url, **(platform_overrides or {})) as platform,
        ):
            prepare_database(database_url, platform.settings, workdir)
            with serve_tool(
                listener,
                database_url=database_url,
                workdir=workdir,
                redis_url=redis_url,
                workers=workers,
                log_level=log_level,
                extra_env=extra_env,
            ) as tool:
                yield Stack(tool, platform, database_url, redis_url)
    finally:
        listener.close()  # no-op once serve_tool has handed it over


# -- one browser's launch -----------------------------------------------------------------------


class FormReader(HTMLParser):
    """The successful controls of the form whose action ends with `action`, as a browser posts."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = not self.found and attributes.get("action", "").endswith(self.action)
            self.found = self.found or self.inside
            return
        if not self.inside or "name" not in attributes:
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "file", "reset", "image"}:
                return
            if kind in {"radio", "checkbox"} and "checked" not in attributes:
                return
            self.values[name] = attributes.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self.inside and self._textarea is not None:
            text = self.values[self._textarea] + data
            # Browsers drop one newline right after <textarea>.
            self.values[self._textarea] = (
                text[1:] if text.startswith("\n") and not self.values[self._textarea] else text
            )


class Page(NamedTuple):
    status: int
    location: str
    text: str
    address: str = ""  # Content-Location: where a page answering a POST lives


class Browser(Protocol):
    """What a launch needs from a browser: GET and POST without following redirects, cookies kept."""

    def get(self, url: str, headers: Mapping[str, str]) -> Page: ...

    def post(self, url: str, data: Mapping[str, str], headers: Mapping[str, str]) -> Page: ...


class HttpBrowser:
    """A `requests.Session` (which keeps cookies) as the browser."""

    def __init__(self, session: requests.Session) -> None:
        self.session = session

    def get(self, url: str, headers: Mapping[str, str]) -> Page:
        response = self.session.get(
            url, headers=dict(headers), allow_redirects=False, timeout=HTTP_TIMEOUT
        )
        return _page(response)

    def post(self, url: str, data: Mapping[str, str], headers: Mapping[str, str]) -> Page:
        response = self.session.post(
            url, data=dict(data), headers=dict(headers), allow_redirects=False, timeout=HTTP_TIMEOUT
        )
        return _page(response)


def _page(response: requests.Response) -> Page:
    headers = response.headers
    return Page(
        response.status_code,
        headers.get("Location", ""),
        response.text,
        headers.get("Content-Location", ""),
    )


class StepFailedError(Exception):
    def __init__(self, step: str, page: Page, expected: str) -> None:
        # The tool's error pages name their error code (templates/lti/launch_error.html).
        code = re.search(r'class="error-code">[^<]*<code>([^<]+)</code>', page.text)
        detail = code.group(1) if code else " ".join(page.text.split())[:300]
        super().__init__(f"{step}: expected {expected}, got {page.status} {page.location} {detail}")


@dataclass
class LaunchResult:
    tag: str
    user_key: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, and "total"
    error: str | None = None
    launch_path: str = ""
    launch_url: str = ""
    id_token: str = ""
    state: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def launch(
    browser: Browser,
    platform: Platform,
    tool_base_url: str,
    user_key: str,
    tag: str,
    *,
    page_in_launch_response: bool = False,
) -> LaunchResult:
    """One full launch; failures are recorded in the result (the benchmark counts them).

    Both this tool and pylti1p3's example answer the id_token POST with the first page (200 with
    the course title). This tool also says where the page lives (`Content-Location:
    /l/<launch_id>/`); `page_in_launch_response` is for a tool that does not (the example)."""
    result = LaunchResult(tag, user_key)
    started = time.perf_counter()
    try:
        _launch_steps(browser, platform, tool_base_url, result, page_in_launch_response)
    except (StepFailedError, requests.RequestException) as error:
        result.error = str(error)
    result.timings["total"] = time.perf_counter() - started
    return result


def _timed(result: LaunchResult, step: str, call: Callable[[], Page]) -> Page:
    started = time.perf_counter()
    page = call()
    result.timings[step] = time.perf_counter() - started
    return page


def _launch_steps(
    browser: Browser,
    platform: Platform,
    tool_base_url: str,
    result: LaunchResult,
    page_in_launch_response: bool = False,
) -> None:
    def step(name: str) -> dict[str, str]:
        return {STEP_HEADER: f"{result.tag}:{name}"}

    login_url = tool_base_url + "/lti/login"
    params = {**platform.login_params(result.user_key), "lti1p3_new_window": "1"}
    page = _timed(result, "login", lambda: browser.post(login_url, params, step("login")))
    if page.status != 302 or not page.location.startswith(platform.url("/auth")):
        raise StepFailedError("login", page, "302 to the platform's /auth")

    auth_url = page.location
    page = _timed(result, "auth", lambda: browser.get(auth_url, step("auth")))
    form = AutoPostForm()
    form.feed(page.text)
    if page.status != 200 or not form.action or not form.fields.get("id_token"):
        raise StepFailedError("auth", page, "200 with the auto-post form")
    result.launch_url = urljoin(auth_url, form.action)
    result.id_token, result.state = form.fields["id_token"], form.fields.get("state", "")

    fields = {"id_token": result.id_token, "state": result.state}
    page = _timed(result, "launch", lambda: browser.post(result.launch_url, fields, step("launch")))
    if page.status != 200 or html.escape(platform.course_title) not in page.text:
        raise StepFailedError("launch", page, "200 with the course title")
    if not page_in_launch_response:
        if not re.fullmatch(r"/l/[^/]+/", page.address):
            raise StepFailedError("launch", page, "Content-Location: /l/<launch_id>/")
        result.launch_path = page.address


def run_launches(
    stack: Stack,
    count: int,
    *,
    concurrency: int,
    tag_prefix: str = "launch",
    page_in_launch_response: bool = False,
) -> tuple[list[LaunchResult], float]:
    """`count` launches from `concurrency` threads, each launch in a new browser (cookie jar), the
    users taking turns. Returns the results in order and the wall-clock seconds they took."""
    users = itertools.cycle(stack.platform.user_keys)
    jobs = [(f"{tag_prefix}-{n}", next(users)) for n in range(count)]

    def one(job: tuple[str, str]) -> LaunchResult:
        tag, user_key = job
        with requests.Session() as session:
            return launch(
                HttpBrowser(session),
                stack.platform,
                stack.tool.base_url,
                user_key,
                tag,
                page_in_launch_response=page_in_launch_response,
            )

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="browser") as pool:
        results = list(pool.map(one, jobs))
    return results, time.perf_counter() - started


def complete_module(
    browser: Browser, page_url: str, slug: str, prompts: list[str], sections: list[str]
) -> None:
    """What a learner does to complete module `slug` from the launch's page at `page_url`: submit
    each prompt's reflection, then see each section. Raises StepFailedError if a page refuses.
    Posts carry the Referer a browser sends (Flask-WTF checks it over https)."""
    player = urljoin(page_url, f"modules/{slug}")
    for prompt in prompts:
        page = browser.get(player + "?section=reflection", {})
        reader = FormReader(f"/modules/{slug}/reflection")
        reader.feed(page.text)
        if page.status != 200 or not reader.found:
            raise StepFailedError("reflection page", page, "200 with the reflection form")
        values = {
            **reader.values,
            f"answer-{prompt}": f"What I noticed about {prompt}.",
            f"visibility-{prompt}": "private",
            "action": f"submit:{prompt}",
        }
        answered = browser.post(player + "/reflection", values, {"Referer": player})
        if answered.status not in (200, 303):
            raise StepFailedError("submit", answered, "200 or 303")
    for section in sections:
        page = browser.get(f"{player}?section={section}", {})
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status != 200 or token is None:
            raise StepFailedError("section", page, "200 with a CSRF token")
        seen = browser.post(
            f"{player}/sections/{section}/seen", {"csrf_token": token.group(1)}, {"Referer": player}
        )
        if seen.status not in (200, 303):
            raise StepFailedError("section seen", seen, "200 or 303")
