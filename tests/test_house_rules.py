"""The house's rules, read from the code with ast: layers import downwards, Streamlit stays in the app's pages and parts,
and every module and function stays short enough to read at once (README, Layout)."""

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("i18n", "model", "training", "classroom", "views", "harness")
BELOW = {  # what each layer may import of the project: the words in the reader's language are under them all
    "i18n": {"i18n"},
    "model": {"i18n", "model"},
    "training": {"i18n", "model", "training"},
    "classroom": {"i18n", "model", "classroom"},
    "views": {"i18n", "model", "training", "classroom", "views"},
    "harness": {"i18n", "model", "training", "classroom", "views", "harness"},
}
STREAMLIT_AT = ("app.py", "views", "harness")  # the app's pages and parts, and the harness that drives the app
MAX_FUNCTION_LINES, MAX_MODULE_LINES, MAX_VIEWS_TOP = 60, 500, 6


def product_files() -> list[Path]:
    return [REPO_ROOT / "app.py", *(path for package in PACKAGES for path in sorted((REPO_ROOT / package).rglob("*.py")))]


def imported(path: Path) -> set[str]:
    """The top-level names of every module the file imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def where(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


@pytest.mark.parametrize("package", PACKAGES)
def test_layers_import_downwards_only(package):
    project = set(BELOW) | {"app", "tests", "bench", "docs"}
    upward = {where(path): sorted((imported(path) & project) - BELOW[package]) for path in (REPO_ROOT / package).rglob("*.py")}
    assert not {file: names for file, names in upward.items() if names}


def test_streamlit_is_imported_only_by_the_app_its_pages_and_parts_and_the_harness():
    outside = [
        where(path)
        for path in product_files()
        if not where(path).startswith(STREAMLIT_AT) and any(name.startswith("streamlit") for name in imported(path))
    ]
    assert not outside


def test_no_module_or_function_is_too_long_to_read_at_once():
    too_long = []
    for path in product_files():
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{where(path)}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                too_long.append(f"{where(path)}: {node.name}() {node.end_lineno - node.lineno + 1} lines")
    assert not too_long


def test_views_top_level_holds_only_what_every_folder_below_it_shares():
    assert len(list((REPO_ROOT / "views").glob("*.py"))) <= MAX_VIEWS_TOP
