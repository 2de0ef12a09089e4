"""The house's size and shape rules (README, "Architecture"), checked on the code itself:
modules a reader takes in at one sitting, short functions, thin Celery tasks, and a
docstring on every public service, selector and purge."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "config",
    "core",
    "cookies",
    "staff_auth",
    "clients",
    "trainees",
    "consent",
    "training",
    "campaigns",
    "retention",
    "dpo_requests",
    "backups",
]
MODULE_LINES, FUNCTION_LINES, TASK_LINES = 400, 60, 15
DOCUMENTED = {"services.py", "selectors.py", "purges.py"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text())


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_module_is_longer_than_a_sitting():
    long = {
        _name(path): lines
        for path, _tree in _modules()
        if (lines := len(path.read_text().splitlines())) > MODULE_LINES
    }
    assert not long, f"Modules over {MODULE_LINES} lines: {long}"


def test_no_function_is_longer_than_a_screen():
    long = {
        f"{_name(path)}::{node.name}": lines
        for path, tree in _modules()
        for node in _functions(tree)
        if (lines := node.end_lineno - node.lineno + 1) > FUNCTION_LINES
    }
    assert not long, f"Functions over {FUNCTION_LINES} lines: {long}"


def test_every_celery_task_is_a_few_lines_that_call_a_service():
    long = {}
    for path, tree in _modules():
        if path.name != "tasks.py":
            continue
        for node in _functions(tree):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            lines = body[-1].end_lineno - body[0].lineno + 1 if body else 0
            if lines > TASK_LINES or not ast.get_docstring(node):
                long[f"{_name(path)}::{node.name}"] = lines
    assert not long, f"Tasks over {TASK_LINES} lines or without a docstring: {long}"


def test_every_public_service_selector_and_purge_says_what_it_does():
    undocumented = [
        f"{_name(path)}::{node.name}"
        for path, tree in _modules()
        if path.name in DOCUMENTED
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and not ast.get_docstring(node)
    ]
    assert not undocumented, f"Public functions without a docstring: {undocumented}"
