"""The project's dependency rules, checked by walking every module's imports.

- Pure modules (each feature's domain and its `domain_*` siblings, the mentoring web's vocabulary
  and facts, and the LTI role and claim parsing) import only the standard library and other pure
  modules: they are unit-testable without Flask or a database.
- `lti` is the bottom feature: it imports no other feature.
- Nothing below the views touches `request`, `session`, `g`, `abort` or `url_for`.
- Raw LTI claim URLs appear only in `lti/launch.py` (the development platform, a fake LMS,
  spells them out on its own so a typo in ours fails the tests).
"""

from __future__ import annotations

import ast
import sys

import pytest

from lti_tool import paths

PACKAGE = paths.PACKAGE_ROOT
PURE_MODULES = {
    "lti_tool.lti.roles",
    "lti_tool.lti.names",
    "lti_tool.lti.launch",
    "lti_tool.mentoring_web.domain.vocabulary",
    "lti_tool.mentoring_web.domain.facts",
    "lti_tool.mentoring_web.domain.layout",
    "lti_tool.mentoring_web.domain.legend",
    "lti_tool.mentoring_web.domain.web_style",
    "lti_tool.mentoring_web.domain.render_cohort_svg",
}
REQUEST_GLOBALS = {"request", "session", "g", "abort", "url_for"}
BELOW_VIEWS = ("services", "domain", "models", "registrations", "keys", "state_store", "jwks_cache")
FEATURES = (
    "home",
    "devplatform",
    "learning_modules",
    "mentoring_web",
    "grades",
    "rosters",
    "course_progress",
)
# Which features each feature may import (lti ← learning_modules ← mentoring_web,
# grades). Upward news travels by signal (learning_modules.events), never by import.
MAY_IMPORT = {
    "lti": set(),
    "learning_modules": {"lti"},
    "mentoring_web": {"lti", "learning_modules"},
    "grades": {"lti", "learning_modules"},
    "rosters": {"lti"},
    "course_progress": {"lti", "learning_modules", "mentoring_web", "rosters"},
}


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        modules[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return modules


MODULES = _modules()


def _imports(tree: ast.Module) -> list[tuple[str, list[str]]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _is_pure(name: str) -> bool:
    """A domain module, a sibling split out of one (`domain_score`), or a listed pure module."""
    last = name.rsplit(".", 1)[-1]
    in_domain_package = ".domain." in name
    return name in PURE_MODULES or last == "domain" or last.startswith("domain_") or in_domain_package


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _is_pure(n)))
def test_pure_modules_import_only_the_standard_library(name):
    for module, _names in _imports(MODULES[name]):
        top = module.split(".")[0]
        if top == "lti_tool":
            assert _is_pure(module), f"{name} imports {module}, which is not pure"
        else:
            assert top in sys.stdlib_module_names or top == "__future__", f"{name} imports {module}"


def test_lti_imports_no_other_feature():
    for name, tree in MODULES.items():
        if not name.startswith("lti_tool.lti"):
            continue
        for module, _names in _imports(tree):
            for feature in FEATURES:
                assert not module.startswith(f"lti_tool.{feature}"), f"{name} imports {module}"


@pytest.mark.parametrize("feature", sorted(MAY_IMPORT))
def test_features_import_only_the_features_below_them(feature):
    others = {"lti", *FEATURES} - MAY_IMPORT[feature] - {feature}
    for name, tree in MODULES.items():
        if not name.startswith(f"lti_tool.{feature}"):
            continue
        for module, _names in _imports(tree):
            for other in others:
                assert not module.startswith(f"lti_tool.{other}."), f"{name} imports {module}"
                assert module != f"lti_tool.{other}", f"{name} imports {module}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.rsplit(".", 1)[-1] in BELOW_VIEWS))
def test_nothing_below_the_views_touches_the_request(name):
    for module, names in _imports(MODULES[name]):
        if module == "flask":
            assert not REQUEST_GLOBALS & set(names), (
                f"{name} imports {REQUEST_GLOBALS & set(names)} from flask"
            )


def test_claim_urls_only_in_launch_module():
    for path in PACKAGE.rglob("*.py"):
        if "devplatform" in path.parts or path.name == "launch.py":
            continue
        assert "purl.imsglobal.org/spec/lti" not in path.read_text(encoding="utf-8"), path


def test_the_layer_walk_sees_the_package():
    """Guard against the checks above passing because nothing was found."""
    assert "lti_tool.lti.validation" in MODULES
    assert any(_is_pure(name) for name in MODULES)
