"""An import-linter contract type for what import graphs cannot see: use of Flask's request globals.

import-linter records an import of `flask` as one node, so `from flask import request` and
`from flask import current_app` look the same to it. This contract reads the source of every
module it is given and refuses `request`, `session` and `g` however they are reached:
`from flask import request`, `from flask.globals import session`, `import flask` then
`flask.request`, under any alias. Configured in pyproject.toml (`request-globals`); run by
`lint-imports` and by tests/test_architecture.py.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck
from importlinter.domain.helpers import module_expressions_to_modules

FLASK_MODULES = {"flask", "flask.globals"}


def request_globals_used(tree: ast.Module, names: set[str]) -> list[tuple[int, str]]:
    """(line, what) for each way `tree` reaches one of Flask's `names`."""
    found: list[tuple[int, str]] = []
    flask_aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in FLASK_MODULES:
            found.extend(
                (node.lineno, f"from {node.module} import {alias.name}")
                for alias in node.names
                if alias.name in names or alias.name == "*"
            )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in FLASK_MODULES:
                    flask_aliases.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in names
            and isinstance(node.value, ast.Name | ast.Attribute)
            and ast.unparse(node.value).split(".")[0] in flask_aliases
        ):
            found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


def _source_path(module: str) -> Path:
    root, *rest = module.split(".")
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"cannot find the package {root}")
    base = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest)
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


class RequestGlobalsContract(Contract):
    """Modules (and their descendants) that must not touch Flask's request-bound globals."""

    type_name = "request_globals"

    source_modules = fields.ListField(subfield=fields.ModuleExpressionField())
    forbidden_names = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        names = set(self.forbidden_names or ["request", "session", "g"])  # type: ignore[arg-type]
        modules = module_expressions_to_modules(
            graph,
            self.source_modules,  # type: ignore[arg-type]
            as_packages=True,
        )
        uses = []
        for module in sorted(modules, key=lambda m: m.name):
            path = _source_path(module.name)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            uses.extend(
                {"module": module.name, "line": line, "what": what}
                for line, what in request_globals_used(tree, names)
            )
        return ContractCheck(kept=not uses, metadata={"uses": uses})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for use in check.metadata["uses"]:
            output.print_error(f"{use['module']}:{use['line']} uses {use['what']}")
            output.new_line()
