"""The architecture rules are import-linter contracts (pyproject.toml, `[tool.importlinter]`).

The package keeps them, and each contract is proved able to fail: a violation of it is planted in
a copy of the package (relative imports, imports of a whole package, `flask.request` through an
alias: the ways an earlier, hand-written check was fooled) and `lint-imports` must report that
contract broken, and only the contracts the planted import really breaks.

The types are checked the same way (`[tool.mypy]`): an untyped function planted in every kind of
module held to the strict flags must fail mypy, and the same plant in modules it only reads
(views, models, the rest of the protocol) must not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lti_tool import paths

ROOT = paths.PROJECT_ROOT
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))

# (contract ids the plant must break, file under lti_tool/, the lines appended to it)
PLANTS = {
    "services import their views (relative)": (
        {"layers", "acyclic"},  # the views import the services: a cycle too
        "grades/services/delivery.py",
        "from .. import views as _planted",
    ),
    "domain imports Flask": (
        {"pure-domain"},
        "mentoring_web/domain/score.py",
        "import flask as _planted",
    ),
    "domain imports an extension by package": (
        {"pure-domain"},
        "learning_modules/domain/progress.py",
        "from lti_tool import extensions as _planted",
    ),
    "a service reads flask.request through an alias": (
        {"request-globals"},
        "mentoring_web/services/web.py",
        "import flask as _web\n\n\ndef _planted():\n    return _web.request.args",
    ),
    "a model imports session from flask": (
        {"request-globals"},
        "grades/models.py",
        "from flask import session as _planted",
    ),
    "a feature reads another's models": (
        {"through-services-learning_modules"},
        "grades/services/delivery.py",
        "from lti_tool.learning_modules import models as _planted",
    ),
    "a feature imports another feature's whole package": (
        {"tiers"},  # features of one tier are independent of each other
        "course_progress/services.py",
        "from lti_tool import mentoring_web as _planted",
    ),
    "two sibling services import each other": (
        {"acyclic"},
        "learning_modules/services/progress.py",
        "from lti_tool.learning_modules.services import files as _planted",
    ),
    "the protocol imports the people above it": (
        {"tiers", "acyclic"},
        "lti/keys.py",
        "from lti_tool.people import models as _planted",
    ),
}


def _lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess:
    selected = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo", *selected, str(root / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _contract_ids() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [contract["id"] for contract in config["tool"]["importlinter"]["contracts"]]


def test_the_package_keeps_every_contract() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(_contract_ids())} kept, 0 broken." in result.stdout


def test_every_contract_is_proved_able_to_fail() -> None:
    planted = {contract for broken, _file, _lines in PLANTS.values() for contract in broken}
    protected = {c for c in _contract_ids() if c.startswith("through-services-")}
    # one protected contract stands for them all: they are generated alike from one template
    assert set(_contract_ids()) - protected <= planted
    assert protected & planted


@pytest.fixture(scope="module")
def pristine_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("architecture")
    shutil.copytree(
        ROOT / "lti_tool",
        copy / "lti_tool",
        ignore=shutil.ignore_patterns("__pycache__", "translations", "content"),
    )
    (copy / "tests").mkdir()
    for name in ("__init__.py", "architecture.py"):
        shutil.copy(ROOT / "tests" / name, copy / "tests" / name)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_a_planted_violation_breaks_its_contract(
    plant: str, pristine_copy: Path, tmp_path: Path
) -> None:
    broken, relative, lines = PLANTS[plant]
    copy = tmp_path / "copy"
    shutil.copytree(pristine_copy, copy)
    target = copy / "lti_tool" / relative
    target.write_text(target.read_text(encoding="utf-8") + "\n" + lines + "\n", encoding="utf-8")

    for contract in broken:
        result = _lint_imports(copy, contract)
        assert result.returncode == 1, f"{contract} kept with {plant}:\n{result.stdout}"
    everything = _lint_imports(copy)
    assert everything.returncode == 1
    kept = len(_contract_ids()) - len(broken)
    assert f"Contracts: {kept} kept, {len(broken)} broken." in everything.stdout, everything.stdout


UNTYPED = "def planted(x):\n    return x"
# (file under lti_tool/, whether mypy must reject the untyped function planted in it)
TYPE_PLANTS = {
    "grades/domain.py": True,  # a domain module
    "mentoring_web/domain/score.py": True,  # a module of a domain package
    "admin/services.py": True,  # a services module
    "rosters/services/sync.py": True,  # a module of a services package
    "lti/launch.py": True,  # the pure protocol modules
    "lti/roles.py": True,
    "lti/names.py": True,
    "grades/views.py": False,
    "mentoring_web/views/web.py": False,
    "grades/models.py": False,
    "lti/keys.py": False,
}


def test_strict_types_fail_on_an_untyped_function_only_where_they_apply(
    pristine_copy: Path, tmp_path: Path
) -> None:
    """One mypy run over a copy with every plant: exactly the strict modules' plants fail."""
    copy = tmp_path / "copy"
    shutil.copytree(pristine_copy, copy)
    for relative in TYPE_PLANTS:
        target = copy / "lti_tool" / relative
        text = target.read_text(encoding="utf-8")
        target.write_text(text + "\n\n" + UNTYPED + "\n", encoding="utf-8")

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--config-file",
            "pyproject.toml",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 1, report
    rejected = {
        line.split(":", 1)[0]
        for line in result.stdout.splitlines()
        if ": error: Function is missing a type annotation  [no-untyped-def]" in line
    }
    strict = {f"lti_tool/{relative}" for relative, fails in TYPE_PLANTS.items() if fails}
    assert rejected == strict, report
    assert f"Found {len(strict)} errors in {len(strict)} files" in result.stdout, report


def test_claim_urls_only_in_the_launch_module() -> None:
    """Raw LTI claim URLs appear only in lti/launch.py (the development platform, a fake LMS,
    spells them out on its own so that a typo in ours fails the tests)."""
    for path in paths.PACKAGE_ROOT.rglob("*.py"):
        if "devplatform" in path.parts or path.name == "launch.py":
            continue
        assert "purl.imsglobal.org/spec/lti" not in path.read_text(encoding="utf-8"), path


def test_the_readme_code_layout_names_every_package_and_only_those() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Code layout", 1)[1].split("```", 2)[1]
    listed = {
        line.split()[0].rstrip("/")
        for line in section.splitlines()
        if line.startswith("  ") and line.split()[0].endswith("/")
    }
    packages = {
        path.name
        for path in paths.PACKAGE_ROOT.iterdir()
        if path.is_dir() and ((path / "__init__.py").exists() or path.name == "migrations")
    }
    assert listed == packages
