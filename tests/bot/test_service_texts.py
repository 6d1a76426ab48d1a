"""No text a person reads is written into the services' code: each is a catalog code.

The services (relay, lyrics, the mood companion, the simple commands, the song catalog, the limits
and the inference client) hand their readers texts from ``bot/locales/<lang>/*.ftl`` through
:mod:`bot.texts`, so every one exists in Korean and English. This scans their modules with ``ast``
for string literals, and the constant parts of f-strings, that hold Hangul or two or more English
words in a row, and fails listing each one it finds.

Not texts, and left out: docstrings and other bare strings; what a log call writes; the texts of
internal exceptions (any exception that is not a :class:`~bot.errors.UserError`: a reader only
ever sees its catalog code's text); dict keys; regular expressions (the arguments of ``re.*``);
and the data in :data:`ALLOWED`, by name, each with the reason it is not a text.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
SCANNED = (
    "bot/relay",
    "bot/lyrics",
    "bot/mood",
    "bot/commands",
    "bot/catalog.py",
    "bot/limits.py",
    "bot/inference.py",
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")  # syllables: a table of jamo or fillers is no text
ENGLISH_WORDS = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)? +[A-Za-z]+")
LOG_CALLS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
LOGGERS = frozenset({"log", "logger", "logging"})

ALLOWED_MODULES = {
    "bot/mood/crisis_rules.py": "what the crisis detector looks for: rules and example phrases",
}

# (module, name) -> why the strings under that name are not texts. A name is a function or class
# (qualified: ``Class.method``), an assignment's target or a keyword argument's name.
ALLOWED: dict[tuple[str, str], str] = {
    ("bot/relay/text.py", "HEADER_LABELS"): (
        "the labels a model writes back as headers (제목:, Keyword:); candidates are cleaned of them"
    ),
    ("bot/mood/service.py", "_EN_STOPWORD_TEXT"): "English stop words, left out of word overlap",
    ("bot/mood/service.py", "MoodService._prompt"): (
        "the chat model's prompt: its framing sentence and speakers, which only the model reads"
    ),
    ("bot/mood/service.py", "MoodService._generated"): (
        "the prompt's speaker labels, where the model's answer is cut"
    ),
    ("bot/mood/crisis.py", "_CHAT"): "chat shorthand spelled out for the rules (idk: i dont know)",
    ("bot/mood/crisis.py", "CrisisDetector"): (
        "rule names and a verdict's why (which rules fired, what was not counted): an audit trail "
        "for the log and for the operator's norae mood check, never shown to the writer"
    ),
    ("bot/mood/reading.py", "MoodReader"): (
        "a reading's why, the same audit trail (norae mood check prints it as JSON)"
    ),
    ("bot/mood/feeling.py", "classify"): (
        "a verdict's reason, an id for the log and the feeling benchmark (like empty, greeting)"
    ),
    ("bot/mood/crisis_training.py", "main"): (
        "the developer's training script: its report and the model file's metadata"
    ),
    ("bot/inference.py", "detail"): (
        "a failure's detail for the log; the reader gets its error's catalog code"
    ),
}


@dataclass(frozen=True)
class Found:
    where: str  # path:line
    text: str
    allowed: tuple[str, str] | None = None  # the ALLOWED entry that covers it

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r}"


def is_text(value: str) -> bool:
    """Holds Hangul, or two or more English words in a row."""
    return bool(HANGUL.search(value) or ENGLISH_WORDS.search(value))


class Scanner:
    """The text-like string literals of one module, each with the allowance that covers it."""

    def __init__(self, path: str, namespace: Mapping[str, Any]) -> None:
        self.path = path
        self.namespace = namespace
        self.found: list[Found] = []

    def scan(self, source: str) -> list[Found]:
        self._walk(ast.parse(source), frozenset(), "")
        return self.found

    def _walk(self, node: ast.AST, names: frozenset[str], scope: str) -> None:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring, or a bare string used as a comment
        if isinstance(node, ast.Call) and (
            self._is_log(node) or self._is_regex(node) or self._internal(node.func)
        ):
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if isinstance(node, ast.ClassDef) and self._internal(ast.Name(node.name)):
                return  # an internal exception's own texts
            scope = f"{scope}.{node.name}" if scope else node.name
            names = names | {scope}
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = names | {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.keyword) and node.arg is not None:
            names = names | {node.arg}
        elif isinstance(node, ast.Dict):
            for value in node.values:  # the keys are not texts
                self._walk(value, names, scope)
            return
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, str) and is_text(node.value):
                where = f"{self.path}:{node.lineno}"
                self.found.append(Found(where, node.value, self._allowance(names)))
            return
        for child in ast.iter_child_nodes(node):
            self._walk(child, names, scope)

    def _allowance(self, names: frozenset[str]) -> tuple[str, str] | None:
        return next(((self.path, n) for n in sorted(names) if (self.path, n) in ALLOWED), None)

    @staticmethod
    def _is_log(call: ast.Call) -> bool:
        func = call.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr in LOG_CALLS
            and isinstance(func.value, ast.Name)
            and func.value.id in LOGGERS
        )

    @staticmethod
    def _is_regex(call: ast.Call) -> bool:
        func = call.func
        return (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and (func.value.id == "re")
        )

    def _internal(self, func: ast.expr) -> bool:
        """``func`` names an exception class that is not a UserError."""
        found = self._resolve(func)
        return (
            isinstance(found, type)
            and issubclass(found, BaseException)
            and not issubclass(found, UserError)
        )

    def _resolve(self, node: ast.expr) -> object:
        if isinstance(node, ast.Name):
            return self.namespace.get(node.id, getattr(builtins, node.id, None))
        if isinstance(node, ast.Attribute):
            return getattr(self._resolve(node.value), node.attr, None)
        return None


def modules() -> Iterator[Path]:
    for name in SCANNED:
        path = ROOT / name
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def scan(path: Path) -> list[Found]:
    relative = path.relative_to(ROOT)
    parts = relative.with_suffix("").parts
    module = importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    scanner = Scanner(relative.as_posix(), vars(module))
    return scanner.scan(path.read_text(encoding="utf-8"))


SCANNED_MODULES = [p for p in modules() if p.relative_to(ROOT).as_posix() not in ALLOWED_MODULES]
FOUND = [found for path in SCANNED_MODULES for found in scan(path)]


def test_the_services_hold_no_text_of_their_own() -> None:
    texts = [str(found) for found in FOUND if found.allowed is None]
    assert not texts, "texts a person reads belong in bot/locales/*/*.ftl:\n" + "\n".join(texts)


def test_every_allowance_is_still_needed() -> None:
    used = {found.allowed for found in FOUND}
    assert set(ALLOWED) - used == set(), "allowed, yet nothing there looks like a text"
    for module in ALLOWED_MODULES:
        assert (ROOT / module).is_file(), module


def test_the_scan_reads_the_services() -> None:
    scanned = {p.relative_to(ROOT).as_posix() for p in SCANNED_MODULES}
    for module in ("bot/relay/service.py", "bot/mood/service.py", "bot/lyrics/importing.py"):
        assert module in scanned
    assert "bot/mood/crisis_rules.py" not in scanned
    assert len(FOUND) >= len(ALLOWED)  # the allowed data is seen, so the scan reads strings


SAMPLE = '''
"""A module docstring with many English words and 한국어."""
import logging
import re

log = logging.getLogger(__name__)
PATTERN = re.compile(r"(?:no story|이야기)")
CODES = {"no story here": "relay-no-story"}


class Oops(ValueError):
    def __init__(self) -> None:
        super().__init__("an internal message")


def run(story: str) -> str:
    """What run does, in words."""
    log.info("story %s went wrong here", story)
    if not story:
        raise RuntimeError("the story is empty")
    if story == "x":
        raise UserError("relay-no-story", name="a literal name")
    detail = "kept for the log only"
    return f"Started a new story: {story}" + "이야기를 시작했어요" + "relay-started"
'''


def test_the_scanner_finds_texts_and_leaves_the_rest() -> None:
    oops = type("Oops", (ValueError,), {})
    scanner = Scanner("sample.py", {"UserError": UserError, "Oops": oops})
    found = {f.text: f.allowed for f in scanner.scan(SAMPLE)}
    assert list(found) == [
        "a literal name",  # a UserError's variables are read: a literal there is a text
        "kept for the log only",
        "Started a new story: ",
        "이야기를 시작했어요",
    ]
    assert set(found.values()) == {None}  # nothing in ALLOWED covers sample.py


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Nothing was added.", True),
        ("투표", True),
        ("relay-note-no-votes", False),
        ("Verse 1", False),
        ("%s: %s", False),
        ("it's ok", True),
    ],
)
def test_what_counts_as_a_text(value: str, text: bool) -> None:
    assert is_text(value) is text
