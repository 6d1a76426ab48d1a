"""Which package may import which, read from the source with ``ast`` (nothing is imported here).

The arrows run one way: ``bot`` and ``cogs`` (the bot process) and ``models`` (the workers) both
stand on ``contract`` and ``storage``; ``models`` never reaches into the bot, ``storage`` into
neither, and ``contract`` into nothing of the project's but itself, nor into the model libraries.
The bot process imports the model side only inside the commands that need it, never at a module's
top level, so starting it loads no torch, numpy, librosa, annoy or scikit-learn.

Every import counts: at the top, inside a function, under ``TYPE_CHECKING``, and a package named
by string to ``importlib.import_module`` or ``importlib.resources.files`` (a package's data is
reached by importing it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL_LIBRARIES = ("torch", "numpy", "librosa", "annoy", "sklearn")
BY_NAME = ("import_module", "files", "__import__")


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str
    top_level: bool  # runs when the module is imported (not in a function, not TYPE_CHECKING)

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line} imports {self.module}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, path: Path) -> str:
    if node.level == 0:
        return node.module or ""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def visit(node: ast.AST, top_level: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name, top_level)
        elif isinstance(node, ast.ImportFrom):
            yield Import(path, node.lineno, _absolute(node, path), top_level)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0] if node.args else None
            if name in BY_NAME and isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield Import(path, node.lineno, first.value, top_level)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            top_level = False
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for statement in node.body:
                yield from visit(statement, False)
            for statement in node.orelse:
                yield from visit(statement, top_level)
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child, top_level)

    yield from visit(tree, True)


def package_imports(package: str) -> list[Import]:
    found = [i for path in sorted((ROOT / package).rglob("*.py")) for i in imports(path)]
    assert found, f"no imports read under {package}/"
    return found


def names(imp: Import, packages: tuple[str, ...]) -> bool:
    return any(imp.module == p or imp.module.startswith(p + ".") for p in packages)


def offending(
    package: str, forbidden: tuple[str, ...], *, top_level_only: bool = False
) -> list[str]:
    return [
        str(i)
        for i in package_imports(package)
        if names(i, forbidden) and (i.top_level or not top_level_only)
    ]


def test_the_model_side_never_imports_the_bot() -> None:
    assert offending("models", ("bot", "cogs")) == []


def test_the_contract_stands_alone() -> None:
    assert offending("contract", ("bot", "cogs", "models", "storage", *MODEL_LIBRARIES)) == []


def test_storage_knows_neither_the_bot_nor_the_models() -> None:
    assert offending("storage", ("bot", "cogs", "models")) == []


@pytest.mark.parametrize("package", ["bot", "cogs"])
def test_the_bot_process_loads_the_model_side_only_on_demand(package: str) -> None:
    assert offending(package, ("models", *MODEL_LIBRARIES), top_level_only=True) == []


def test_the_scanner_sees_every_kind_of_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks above are only as good as this reader: it must see each way in."""
    package = tmp_path / "models" / "sub"
    package.mkdir(parents=True)
    source = package / "mod.py"
    source.write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "import numpy\n"
        "from .. import helpers\n"
        "if TYPE_CHECKING:\n"
        "    from bot.inference import InferenceClient\n"
        "def f() -> None:\n"
        "    import bot.cli.redis_url\n"
        "    from importlib import resources\n"
        "    resources.files('bot.data')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    found = {(i.module, i.top_level) for i in imports(source)}
    assert ("numpy", True) in found
    assert ("models", True) in found  # relative, resolved against its package
    assert ("bot.inference", False) in found  # under TYPE_CHECKING: not run, still an arrow
    assert ("bot.cli.redis_url", False) in found
    assert ("bot.data", False) in found
    assert len(offending("models", ("bot",))) == 3
    assert offending("models", ("bot",), top_level_only=True) == []
