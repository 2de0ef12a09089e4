"""The README's table "where each promise of the policy is kept" leads a newcomer from a
promise to its code and its test by names alone: every name in it must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION = "### Where each promise of the policy is kept"


def _table_rows() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index(SECTION) :]
    return [line for line in section.splitlines() if line.startswith("| ") and "`" in line]


def _defines(path: Path, name: str) -> bool:
    tree = ast.parse(path.read_text())
    return any(
        getattr(node, "name", None) == name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    )


def test_the_promise_table_names_code_and_tests_that_exist():
    rows = _table_rows()
    assert len(rows) >= 20
    missing = []
    for row in rows:
        for reference in re.findall(r"`([^`]+)`", row):
            path, _, name = reference.partition("::")
            if not (ROOT / path).exists() or name and not _defines(ROOT / path, name):
                missing.append(reference)
    assert not missing, f"The README's promise table names what does not exist: {missing}"


def test_each_test_file_of_the_table_proves_a_promise():
    for row in _table_rows():
        tests = [r for r in re.findall(r"`(tests/[^`]+)`", row)]
        for test_file in tests:
            assert "pytest.mark.policy" in (ROOT / test_file).read_text(), test_file
