"""No English sentence is written into the Discord front door: every text a person reads there
comes from the catalogs (``bot/locales/*/discord.ftl`` and the services' codes).

The source of ``cogs/*.py`` and ``bot/discord_bot.py`` is read with :mod:`ast`; a string literal
(or an f-string, its values left as gaps) with two or more English words in a row, or only a value
between them, is a text someone would read in English only. Left out: docstrings, log calls, a button's ``custom_id`` and
``template``, a command's ``extras``, and the message of an internal exception that is never
shown (``raise AssertionError(...)``). A single word (``"untitled"``) is not caught here; the cog
tests check those texts.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (*sorted((ROOT / "cogs").glob("*.py")), ROOT / "bot" / "discord_bot.py")
GAP = "{…}"  # a value an f-string fills in
WORD = r"[A-Za-z][A-Za-z'’]*"
ENGLISH = re.compile(rf"\b{WORD}(?:\s+|\s*{re.escape(GAP)}\s*)+{WORD}\b")  # "synced {…} commands"
LOGGERS = {"log", "logger", "logging"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
NOT_READ = {"custom_id", "template", "extras"}  # keyword arguments no person reads
INTERNAL_ERRORS = {"AssertionError", "NotImplementedError", "RuntimeError", "TypeError"}

# Names whose values no person reads, and why. Keep it short.
ALLOWED_NAMES: dict[str, str] = {
    "COMMAND_ACTIONS": "commands by their qualified English names, as discord.py matches them; "
    "people read the catalog names",
}
# (file, literal): why a person never reads it, or reads it rightly in English. Keep it short.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Literal:
    where: str  # path:line
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r}"


def _is_docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_log_call(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    owner = func.value
    while isinstance(owner, ast.Attribute | ast.Call):
        owner = owner.func if isinstance(owner, ast.Call) else owner.value
    return isinstance(owner, ast.Name) and owner.id in LOGGERS


def _is_internal_raise(node: ast.Raise) -> bool:
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return isinstance(exc, ast.Name) and exc.id in INTERNAL_ERRORS


def _skipped(tree: ast.AST) -> set[int]:
    """The ids of the nodes whose strings no person reads (docstrings, logs, ids, …)."""
    skipped: set[int] = set()

    def skip(node: ast.AST) -> None:
        skipped.update(id(inner) for inner in ast.walk(node))

    for node in ast.walk(tree):
        if _is_docstring(node):
            skip(node)
        elif isinstance(node, ast.Call):
            if _is_log_call(node):
                skip(node)
            for keyword in node.keywords:
                if keyword.arg in NOT_READ:
                    skip(keyword.value)
        elif isinstance(node, ast.Raise) and _is_internal_raise(node):
            skip(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in ALLOWED_NAMES for t in targets):
                skip(node)
    return skipped


def english_literals(source: str, name: str) -> Iterator[Literal]:
    """The string literals and f-string parts of ``source`` with two English words in a row."""
    tree = ast.parse(source)
    skipped = _skipped(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else GAP
                for v in node.values
            )
            skipped.update(id(v) for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if ENGLISH.search(text):
            yield Literal(f"{name}:{getattr(node, 'lineno', '?')}", text)


def found_in_the_front_door() -> list[Literal]:
    found = []
    for path in SOURCES:
        name = str(path.relative_to(ROOT))
        for literal in english_literals(path.read_text(encoding="utf-8"), name):
            if (name, literal.text) not in ALLOWED:
                found.append(literal)
    return found


def test_the_discord_front_door_writes_no_english_text() -> None:
    found = found_in_the_front_door()
    assert not found, "English texts in the Discord front door; use a discord.ftl code:\n" + (
        "\n".join(f"  {literal}" for literal in found)
    )


def test_the_scan_reads_every_cog_and_the_bot() -> None:
    names = {path.name for path in SOURCES}
    assert {"relay.py", "lyrics.py", "mood.py", "common.py", "commands.py"} <= names
    assert "discord_bot.py" in names
    assert all(path.is_file() for path in SOURCES)


def test_the_allowlist_names_only_what_is_still_there() -> None:
    sources = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in SOURCES}
    for (name, text), why in ALLOWED.items():
        assert why and name in sources and text in sources[name], (name, text)
    for constant, why in ALLOWED_NAMES.items():
        assert why and any(f"{constant}:" in s or f"{constant} =" in s for s in sources.values())


SAMPLE = '''
"""A module docstring says many words."""
import logging

log = logging.getLogger(__name__)


class Cog:
    """A class docstring, too."""

    async def answer(self, ctx, round_id, n):
        """And a method's."""
        log.warning("could not answer in %s", ctx)
        logging.getLogger("x").info("no one reads this")
        await ctx.reply(f"Round {round_id}: vote with the buttons")
        await ctx.reply("synced all commands")
        await ctx.reply(f"synced {n} command(s)")
        await ctx.reply(f"{n} records")
        await ctx.reply(f"{round_id} {n}: {n}")
        await ctx.send(texts.text("discord-synced", "ko"), custom_id=f"relay:vote:{round_id}")
        Button(template=r"relay:vote:(?P<round>[0-9a-f]+)", extras={"why": "rate limit bucket"})
        raise AssertionError("unreachable: the form always fits")


COMMAND_ACTIONS = {"relay start": "start"}
'''


def test_the_scan_finds_english_sentences_and_leaves_the_rest() -> None:
    found = [literal.text for literal in english_literals(SAMPLE, "sample.py")]
    assert found == [
        "Round {…}: vote with the buttons",
        "synced all commands",
        "synced {…} command(s)",
    ]
