"""Tests that can fail: no `assert` in the suite tests something that is always true.

`assert "Pour l’administration du LMS"  # ... in page` once asserted a non-empty string; so would
`assert (a, "message")` (a tuple) or an f-string. This walks every test module's syntax tree.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _always_true(node: ast.expr) -> bool:
    """A test expression whose truth does not depend on anything the test did."""
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, ast.JoinedStr | ast.Lambda):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    return False


def test_no_assertion_is_always_true() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert) and _always_true(node.test):
                found.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert found == [], "assertions that cannot fail: " + ", ".join(found)
