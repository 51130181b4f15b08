"""Every import points down the stack: app → flows → warehouse → nlp → settings.

Read from the source with `ast`, so a wrong import fails here before it tangles the layers
(the CLI package `fieldvoice` sits beside app, on top: it may import anything)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from samples import REPO

# A layer may import only the layers below it (and third-party code it is allowed).
FORBIDDEN = {
    "settings": {"fieldvoice", "app", "flows", "warehouse", "nlp", "bench"},
    "nlp": {"fieldvoice", "app", "flows", "warehouse", "bench", "duckdb", "streamlit", "prefect"},
    "warehouse": {"fieldvoice", "app", "flows", "bench", "streamlit", "prefect"},
    "flows": {"fieldvoice", "app", "bench", "streamlit"},
    "app": {"bench"},
}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_down_the_stack(layer: str) -> None:
    files = sorted((REPO / layer).rglob("*.py"))
    assert files, f"{layer}/ has no Python files"
    wrong = [
        f"{path.relative_to(REPO)} imports {module}"
        for path in files
        for module in sorted(imported_modules(path))
        if module.split(".")[0] in FORBIDDEN[layer]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from warehouse import queries\nimport streamlit as st\n", encoding="utf-8")
    assert imported_modules(module) == {"warehouse", "streamlit"}
