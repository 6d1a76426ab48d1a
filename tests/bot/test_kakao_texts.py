"""Every text a KakaoTalk user reads comes from the catalogs (``bot/locales/*/kakao.ftl``).

The modules under ``bot/kakao/`` are read with :mod:`ast`: a string literal (or an f-string's
constant part) with Hangul in it, or with two English words in a row, is a text a person reads,
and it belongs in the catalogs, unless it is one of these:

- a docstring, or what a log call (or the callback log helper) writes;
- command words and patterns the grammar reads: data, not texts, allowlisted here by name
  (:data:`GRAMMAR_NAMES`, the pattern of :func:`~bot.kakao.grammar.rule`);
- a JSON field name (a dict key, a subscript, a ``.get``);
- an answer to Open Builder rather than to a chat (:data:`NOT_FOR_THE_CHAT`), or a programming
  error raised as a built-in exception (never shown: the reader gets "something went wrong").

The catalog codes the room names are checked too: each is in both catalogs with the variables
its texts read, every Kakao code is used, the commands the texts quote are commands the grammar
reads, and each command's help usage, in Korean and in English, is that command. A service
result that carries English words (a closed round's note) is drawn from its fields instead.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
from fluent.syntax import ast as fluent
from fluent.syntax import parse

from bot import texts
from bot.kakao import registry
from bot.kakao.commands import Context
from bot.kakao.commands.relay import round_closed, voted
from bot.kakao.grammar import COMMAND_WORDS, Command, say
from bot.relay.service import RoundResult, VoteResult
from storage.stories import Line
from tests.bot.test_texts import EN, KO, variables

ROOT = Path(__file__).resolve().parents[2]
KAKAO = ROOT / "bot" / "kakao"

HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]+[’']?[A-Za-z]*[ ]+[A-Za-z]+")

# Command words and keyword patterns the grammar reads (bot/kakao/grammar.py): data, not texts.
GRAMMAR_NAMES = {"COMMAND_WORDS", "POLICY_WORDS", "RELAY", "NUMBER", "NUMBER_SUFFIX"}
GRAMMAR_CALLS = {"rule"}  # its first argument is a keyword pattern
# Answers to Open Builder, not to a chat: HTTP 4xx JSON for whoever sets the skill up (a Kakao user
# never sees them), as :class:`bot.kakao.payload.Refused` or the skill's ``_error``.
NOT_FOR_THE_CHAT = {"Refused", "_error"}
LOG_HELPERS = {"_failed"}  # CallbackPoster._failed: logs and counts a callback that failed
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
EXCEPTIONS = {name for name, value in vars(builtins).items() if isinstance(value, type)}
EXCEPTIONS = {name for name in EXCEPTIONS if issubclass(getattr(builtins, name), BaseException)}


@dataclass(frozen=True)
class Literal:
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r}"


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _docstrings(tree: ast.Module) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _allowed(node: ast.AST, parent: ast.AST) -> bool:
    """Whether ``node`` (a child of ``parent``) holds no text a person reads in a chat."""
    if isinstance(parent, ast.Dict) and any(node is key for key in parent.keys):
        return True  # a JSON field name
    if isinstance(parent, ast.Subscript) and node is parent.slice:
        return True
    if isinstance(parent, ast.Call):
        called = _name(parent.func)
        if called in NOT_FOR_THE_CHAT or called in LOG_HELPERS:
            return True
        if called in LOG_METHODS and _name(getattr(parent.func, "value", parent.func)) in {
            "log",
            "logger",
            "logging",
        }:
            return True
        if called in EXCEPTIONS:
            return True
        if called in GRAMMAR_CALLS and parent.args and node is parent.args[0]:
            return True
        if called in {"get", "pop"} and parent.args and node is parent.args[0]:
            return True
    if isinstance(parent, ast.Assign | ast.AnnAssign):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if any(_name(target) in GRAMMAR_NAMES for target in targets):
            return True
    return False


def is_text(value: str) -> bool:
    return bool(HANGUL.search(value) or ENGLISH_WORDS.search(value))


def literals(source: str, where: str) -> Iterator[Literal]:
    """The string literals (and f-string constant parts) in ``source`` that read as a text a
    person reads and are not allowed above."""
    tree = ast.parse(source)
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node

    def allowed(node: ast.AST) -> bool:
        """Whether ``node`` or one of the nodes around it is allowed."""
        while id(node) in parents:
            parent = parents[id(node)]
            if _allowed(node, parent):
                return True
            node = parent
        return False

    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in skip or not is_text(node.value) or allowed(node):
            continue
        yield Literal(f"{where}:{node.lineno}", node.value)


def kakao_modules() -> list[Path]:
    return sorted(KAKAO.rglob("*.py"))


def test_the_scan_reads_every_module_of_the_room() -> None:
    names = {path.relative_to(KAKAO).as_posix() for path in kakao_modules()}
    for name in ("skill.py", "late.py", "rendering.py", "commands/relay.py", "commands/mood.py"):
        assert name in names
    assert len(names) >= 15


def test_the_scan_finds_texts_and_leaves_data_alone() -> None:
    source = '''
"""A docstring with Korean: 도움말."""
import logging
log = logging.getLogger(__name__)
RELAY = r"(?:이어쓰기|relay)"
HELLO = "안녕하세요"
BUTTON = {"label": "Read the story", "action": "message"}
def f(n, rule, Refused):
    log.warning("kakao: the callback failed (%s)", n)
    rule(rf"^{RELAY}\\s+(?:시작|start)$")
    Refused("The request body is not valid JSON.", 400)
    if n:
        raise RuntimeError(f"declared twice: {n}")
    return f"{n}번에 투표했어요", {"이름": n}["이름"], "label", "simpleText"
'''
    found = sorted(literal.text for literal in literals(source, "sample"))
    assert found == sorted(["안녕하세요", "Read the story", "번에 투표했어요"])


def test_no_module_of_the_kakao_room_holds_a_text_a_person_reads() -> None:
    found = [
        literal
        for path in kakao_modules()
        for literal in literals(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    listing = "\n".join(str(literal) for literal in found)
    assert not found, f"texts a person reads belong in bot/locales/*/kakao.ftl:\n{listing}"


# --- the codes the room names ---------------------------------------------------------------


@dataclass(frozen=True)
class TextCall:
    where: str
    code: str
    params: frozenset[str]
    spread: bool


def text_calls() -> list[TextCall]:
    """Every ``text(code, …)`` / ``texts.text(code, …)`` call with a literal code."""
    found: list[TextCall] = []
    for path in kakao_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) == "text" and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                where = f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"
                params = frozenset(k.arg for k in node.keywords if k.arg is not None)
                spread = any(k.arg is None for k in node.keywords)
                found.append(TextCall(where, first.value, params, spread))
    return found


def named_codes() -> set[str]:
    """Every Kakao catalog code a module of the room names (in a call or a declaration); a
    background task's name (``spawn(work, "kakao-store")``) is not one."""
    found: set[str] = set()
    for path in kakao_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            id(arg)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _name(node.func) == "spawn"
            for arg in node.args
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in names
                and re.fullmatch(r"kakao(-[a-z0-9]+)+", node.value)
            ):
                found.add(node.value)
    return found


def kakao_catalog(lang: texts.Lang) -> dict[str, fluent.Message]:
    resource = parse((texts.LOCALES_DIR / lang / "kakao.ftl").read_text(encoding="utf-8"))
    return {e.id.name: e for e in resource.body if isinstance(e, fluent.Message)}


CALLS = text_calls()


def test_the_text_calls_are_found() -> None:
    codes = {call.code for call in CALLS}
    for code in ("kakao-not-understood", "kakao-still-writing", "kakao-relay-voted", "unavailable"):
        assert code in codes
    assert len(CALLS) >= 40


@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.where}:{c.code}")
def test_each_text_names_a_code_with_the_variables_its_texts_read(call: TextCall) -> None:
    assert texts.has(call.code), f"{call.where}: no {call.code!r} in the catalogs"
    if not call.spread:
        for catalog in (KO, EN):
            assert call.params == variables(catalog[call.code]), call.where


def test_every_kakao_code_is_used_and_every_used_code_is_there() -> None:
    named = named_codes()
    assert set(kakao_catalog("ko")) - named == set(), "Kakao texts nothing uses"
    assert named - set(kakao_catalog("ko")) == set(), "codes missing from kakao.ftl"
    assert set(kakao_catalog("ko")) == set(kakao_catalog("en"))


def _plain(message: fluent.Message) -> Iterator[str]:
    """A message's literal text, and each of its variants' (variables left out)."""
    pattern = message.value
    assert pattern is not None
    yield "".join(e.value for e in pattern.elements if isinstance(e, fluent.TextElement))
    for element in pattern.elements:
        if isinstance(element, fluent.Placeable) and isinstance(
            element.expression, fluent.SelectExpression
        ):
            for variant in element.expression.variants:
                yield "".join(
                    e.value for e in variant.value.elements if isinstance(e, fluent.TextElement)
                )


QUOTED = re.compile(r"(?<![A-Za-z])'([^']+)'(?![A-Za-z])")  # not the one in "I'm"


def _as_sent(usage: str) -> str:
    """A usage as a person would send it: ``<문장>`` and ``[제목]`` stand for their words."""
    return " ".join(re.sub(r"<[^>]*>|\[[^\]]*\]", " x ", usage).split())


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_every_quoted_command_is_one_the_grammar_reads(lang: texts.Lang) -> None:
    """«'이어쓰기 끝'으로 마친 뒤…»: what a text tells people to send is a command."""
    quoted = [
        (code, command)
        for code, message in kakao_catalog(lang).items()
        for reading in _plain(message)
        for command in QUOTED.findall(reading)
    ]
    assert len(quoted) >= 8
    for code, command in quoted:
        kind = registry.parse(_as_sent(command)).kind
        assert kind != registry.COMPANION, f"{code} ({lang}): {command!r} is not a command"


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_each_help_usage_is_its_command(lang: texts.Lang) -> None:
    """The help's usages, in Korean and in English, are commands the grammar reads as the very
    command they describe."""
    usages = [(c.kind, c.help.usage_in(lang)) for c in registry.commands()]
    usages = [(kind, usage) for kind, usage in usages if usage]
    assert len(usages) >= 14
    for kind, usage in usages:
        assert registry.parse(_as_sent(usage)).kind == kind, f"{kind} ({lang}): {usage!r}"


def test_command_words_name_their_commands() -> None:
    """A quick reply sends command words: each one parses back to its command."""
    arguments: dict[str, tuple[object, ...]] = {"relay.vote": (2,), "mood.policy": ("lift",)}
    for kind in COMMAND_WORDS:
        sent = say(kind, *arguments.get(kind, ()))
        assert registry.parse(sent).kind == kind, sent
    assert registry.parse(say("relay.vote", 2)).choice == 2
    assert registry.parse(say("mood.policy", "lift")).policy == "lift"


def test_the_english_kakao_texts_are_english() -> None:
    """The English catalog is the Korean one's twin: no Korean left in it (the commands it
    quotes are the English ones the grammar reads)."""
    for code, message in kakao_catalog("en").items():
        for reading in _plain(message):
            assert not HANGUL.search(reading), f"{code}: {reading!r}"


# --- results drawn from their fields ---------------------------------------------------------


def _closed(winner: int | None, line: Line | None) -> RoundResult:
    return RoundResult(
        "round-7f3a", "kakao:room", "story-1", ["가", "나"], [1, 2], winner, line, "quorum",
        note="The story has ended.",  # the service's own words: never shown in Kakao
    )  # fmt: skip


def test_a_closed_round_is_told_from_its_fields() -> None:
    line = Line(4, "비가 그쳤다.", "kakao:u1", "u1", "model", 0.0, round_id="round-7f3a")
    assert round_closed(_closed(2, line)) == texts.text("kakao-relay-round-won", "ko", winner=2)
    assert round_closed(_closed(None, None)) == texts.text("kakao-relay-round-no-votes", "ko")
    assert round_closed(_closed(2, None)) == texts.text(
        "kakao-relay-round-not-added", "ko", winner=2
    )
    # A vote that closed the round says so after the vote, in Korean only, with no round id.
    result = VoteResult(True, "round-7f3a", 2, previous=1, voters=2, closed=_closed(2, line))
    reply = voted(cast(Context, None), Command("relay.vote", choice=2), result).build()
    said = reply["template"]["outputs"][0]["simpleText"]["text"]
    vote = texts.text("kakao-relay-voted", "ko", choice=2)
    changed = texts.text("kakao-relay-vote-changed", "ko", previous=1)
    assert said == f"{vote} {changed}\n{round_closed(_closed(2, line))}"
    assert "round-7f3a" not in said and "story" not in said.lower()
