"""Shared fixtures: an app per test on a clean schema, its client and CLI runner.

The database is a SQLite file in the test's temporary folder unless DATABASE_URL points elsewhere
(CI runs the suite again on PostgreSQL): then each test process makes a throwaway database of its
own on that server and drops it at the end (tests/databases.py), so pytest-xdist workers never
share tables. REDIS_URL, when set, puts launch state in Redis instead of the database, under a key
prefix of this process's own. Every app gets an instance folder of its own under a temporary
folder, and the run fails if it wrote any file into the checkout.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing.rules import Rule

from lti_tool import create_app, paths
from lti_tool.extensions import db
from tests import databases
from tests.fake_platform import fake_platform, platform_key  # noqa: F401 - fixture

WORKER = databases.worker_name()
# Each test process has its own Redis namespace, so xdist workers and runs sharing one Redis never
# wipe each other's keys.
REDIS_PREFIX = f"mentoring-web-test-{WORKER}-{uuid.uuid4().hex[:8]}:"


class _TemplatesCompiledOnce(BytecodeCache):
    """Jinja's compiled templates, kept in memory for every tool app of this test process.

    Each test's app has a Jinja environment of its own, which compiled every template it rendered
    again: parsing and code generation were a sixth of the suite's time. Jinja checks each cached
    template against a checksum of its source, so an edited template is compiled afresh. Only the
    tool's apps share it: they are configured alike (the same extensions and gettext), which the
    compiled code depends on; the development platform's own app keeps compiling for itself.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _TemplatesCompiledOnce()


def make_app(overrides: dict | None = None) -> Flask:
    settings = {
        "ENV_NAME": "test",
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "REDIS_KEY_PREFIX": REDIS_PREFIX,
    }
    settings.update(overrides or {})
    if not settings.get("INSTANCE_PATH"):  # never the repository's own instance folder
        settings["INSTANCE_PATH"] = tempfile.mkdtemp(prefix="mentoring-web-instance-")
    app = create_app(settings)
    app.jinja_env.bytecode_cache = _TEMPLATES
    return app


# -- one PostgreSQL database per test process ---------------------------------------------------

_CONFIGURED_DATABASE_URL = pytest.StashKey[str]()


def _runs_no_tests(config: pytest.Config) -> bool:
    """The pytest-xdist controller: its workers run the tests, each with a database of its own."""
    return not os.environ.get("PYTEST_XDIST_WORKER") and bool(
        getattr(config.option, "numprocesses", None)
    )


def pytest_configure(config: pytest.Config) -> None:
    """Point DATABASE_URL at a throwaway database before any test module is imported.

    Set in the environment, not only in the apps' settings, because the tests that start real
    processes (gunicorn, the Procfile's lines) and the browser tests read DATABASE_URL themselves.
    """
    url = os.environ.get("DATABASE_URL")
    if not databases.is_postgres(url) or _runs_no_tests(config):
        return
    config.stash[_CONFIGURED_DATABASE_URL] = url
    os.environ["DATABASE_URL"] = databases.create_throwaway_postgres(url, WORKER)


def pytest_unconfigure(config: pytest.Config) -> None:
    configured = config.stash.get(_CONFIGURED_DATABASE_URL, None)
    if configured is None:
        return
    throwaway = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = configured
    databases.drop_throwaway_postgres(throwaway)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start real processes first (a stable sort: the rest keep their order).

    They take several seconds each; run last, one of them kept a worker busy while the other had
    nothing left to do. Every test is independent of the order, so this changes only the wall time.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# -- the checkout stays clean -------------------------------------------------------------------


def _files_outside_temporary_folders() -> dict[str, float]:
    """Files a test run could leave in the checkout (not the venv, caches or compiled catalogues)."""
    root = paths.PROJECT_ROOT
    found = {}
    for folder in (root, root / "instance", root / "lti_tool", root / "tests", root / "bench"):
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file():
                    found[str(path)] = path.stat().st_mtime
    return found


@pytest.fixture(autouse=True, scope="session")
def _the_suite_writes_nothing_outside_temporary_folders() -> Iterator[None]:
    """Per test process: under pytest-xdist each worker checks from its first test to its last."""
    before = _files_outside_temporary_folders()
    yield
    after = _files_outside_temporary_folders()
    changed = sorted(p for p in after.keys() | before.keys() if before.get(p) != after.get(p))
    assert not changed, f"the test run wrote files in the checkout: {changed}"


# -- keys: made once, parsed once ---------------------------------------------------------------

_generate_rsa_key = rsa.generate_private_key
_RSA_KEYS: dict[tuple[int, int], list[rsa.RSAPrivateKey]] = {}


@pytest.fixture(autouse=True)
def _rsa_keys_made_once_per_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real RSA keys, generated once per test session and handed out again to each test.

    Generating a 2048-bit key takes about 80 ms, and every app made two (the tool's, and the
    development platform's in its fresh instance folder). Within one test each call still gets a
    different key, so rotation and "another key" cases are real; a key never serves two tests'
    databases at once because each test has its own. A key kept beyond its test (a cached helper)
    must be made outside any test, as the platform key is here: drawn inside two tests, two such
    keys would be the same (tests/integration/devplatform/conftest.py makes its own that way).
    """
    platform_key()  # the session's platform key is made by the real generator, never pooled
    handed_out: dict[tuple[int, int], int] = {}

    def pooled(public_exponent: int, key_size: int, backend: object = None) -> rsa.RSAPrivateKey:
        kind = (public_exponent, key_size)
        pool = _RSA_KEYS.setdefault(kind, [])
        index = handed_out.get(kind, 0)
        handed_out[kind] = index + 1
        while len(pool) <= index:
            pool.append(_generate_rsa_key(public_exponent=public_exponent, key_size=key_size))
        return pool[index]

    monkeypatch.setattr(rsa, "generate_private_key", pooled)


@pytest.fixture(autouse=True, scope="session")
def _private_keys_parsed_once_per_session() -> Iterator[None]:
    """The same PEM bytes give back the same (immutable) key object, without parsing them again.

    Loading a 2048-bit private key from PEM costs about 30 ms: cryptography checks the key's
    consistency each time. The pooled keys above reach every test's database and instance folder as
    the same few PEMs, which the tool, the development platform, PyJWT and jwcrypto then parsed
    over and over (a sixth of the suite's time). PEMs never seen before are parsed for real, and
    errors are never remembered, so a broken key still fails as it would.

    PyJWT imports the function by name, so every module holding a reference to it gets the cached
    one; modules imported later take it from the patched `serialization`.
    """
    import jwcrypto.jwk  # noqa: F401 - imported now, so their references are replaced below
    import jwt.algorithms  # noqa: F401

    load: Callable[..., Any] = serialization.load_pem_private_key
    parsed: dict[tuple[bytes, bytes | None, tuple[tuple[str, Any], ...]], Any] = {}

    def cached(data: bytes, password: bytes | None = None, **options: Any) -> Any:
        key = (bytes(data), password, tuple(sorted(options.items())))
        if key not in parsed:
            parsed[key] = load(data, password, **options)
        return parsed[key]

    with pytest.MonkeyPatch.context() as patch:
        for module in list(sys.modules.values()):
            for name, value in list(getattr(module, "__dict__", {}).items()):
                if value is load:
                    patch.setattr(module, name, cached)
        yield


# -- URL rules compiled once -------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _url_builders_compiled_once_per_session() -> Iterator[None]:
    """Each URL rule's builder function is generated once per test process, not once per app.

    For every rule of every app Werkzeug writes two small Python functions (building the URL, with
    and without unknown arguments) and compiles them: half of the 45 ms that making an app takes,
    and every test makes one with the same rules. For a rule without defaults the function depends
    only on the rule's text, its parsed parts and append_unknown (converters are looked up on the
    rule when the function runs, and it is bound to each rule as before), so those are the key.
    Rules with defaults are compiled as before.
    """
    compile_builder = Rule._compile_builder
    compiled: dict[tuple[str, tuple[tuple[bool, str], ...], bool], Callable[..., Any]] = {}

    def cached(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        if self.defaults:
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", cached)
        yield


# -- the app -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This process's SQLite schema, created once; each test's database starts as a copy of it."""
    folder = tmp_path_factory.mktemp("schema")
    return databases.create_sqlite_template(
        make_app(
            {
                "INSTANCE_PATH": str(folder / "instance"),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'schema.sqlite3'}",
            }
        )
    )


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change configuration for its app."""
    return {}


@pytest.fixture
def app(app_overrides: dict, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    settings: dict = {"INSTANCE_PATH": str(tmp_path / "instance")}
    sqlite_file = None
    if not os.environ.get("DATABASE_URL") and "SQLALCHEMY_DATABASE_URI" not in app_overrides:
        # A file, not :memory:, so that two connections (two "workers") share it as in production.
        sqlite_file = tmp_path / "tool.sqlite3"
        databases.copy_sqlite_template(request.getfixturevalue("_sqlite_schema"), sqlite_file)
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{sqlite_file}"
    app = make_app({**settings, **app_overrides})
    if sqlite_file is None:
        _fresh_schema(app)
    _flush_redis(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _flush_redis(app)


def _fresh_schema(app: Flask) -> None:
    """An empty schema in a database that is not this test's own SQLite copy."""
    if databases.is_postgres(app.config["SQLALCHEMY_DATABASE_URI"]):
        databases.reset_postgres_schema(app)
        return
    with app.app_context():
        db.drop_all()
        db.create_all()


def _flush_redis(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if url:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(REDIS_PREFIX + "*"):
            client.delete(key)
        client.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
