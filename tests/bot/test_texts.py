"""The catalogs every person-facing text comes from, checked against each other and the code.

Both languages hold the same codes; every Korean text is Korean; no Korean text tells a person a
command of another platform; and every place that raises a refusal with a code names a code the
catalogs have, passing exactly the variables its texts use.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fluent.syntax import ast as fluent
from fluent.syntax import parse
from fluent.syntax.visitor import Visitor

from bot import texts
from bot.errors import INTERNAL, UserError, message_for

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "cogs")  # where refusals are raised
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# "/relay start", "`match`": typed commands belong to one platform's help, never to a Korean text
COMMAND = re.compile(r"(?<![\w.])/[A-Za-z]|`")


def messages(lang: texts.Lang) -> dict[str, fluent.Message]:
    found: dict[str, fluent.Message] = {}
    for path in sorted((texts.LOCALES_DIR / lang).glob("*.ftl")):
        resource = parse(path.read_text(encoding="utf-8"))
        junk = [entry for entry in resource.body if isinstance(entry, fluent.Junk)]
        assert not junk, f"{path.name} does not parse: {[j.content for j in junk]}"
        for entry in resource.body:
            if isinstance(entry, fluent.Message):
                assert entry.id.name not in found, f"{entry.id.name} twice in {lang}"
                found[entry.id.name] = entry
    return found


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: fluent.VariableReference) -> None:
        self.names.add(node.id.name)


def variables(message: fluent.Message) -> set[str]:
    """The ``$variables`` a message reads, in its text and its selectors."""
    found = _Variables()
    found.visit(message)
    return found.names


def readings(pattern: fluent.Pattern) -> Iterator[str]:
    """The pattern's literal text (variables left out), then that of each variant of each of its
    selectors, on their own."""
    yield "".join(e.value for e in pattern.elements if isinstance(e, fluent.TextElement))
    for element in pattern.elements:
        if isinstance(element, fluent.Placeable) and isinstance(
            element.expression, fluent.SelectExpression
        ):
            for variant in element.expression.variants:
                yield from readings(variant.value)


KO = messages("ko")
EN = messages("en")


def test_both_languages_hold_the_same_codes() -> None:
    assert set(KO) - set(EN) == set(), "only in Korean"
    assert set(EN) - set(KO) == set(), "only in English"
    assert texts.codes("ko") == texts.codes("en") == frozenset(KO)


@pytest.mark.parametrize("code", sorted(KO))
def test_both_languages_read_the_same_variables(code: str) -> None:
    assert variables(KO[code]) == variables(EN[code])


@pytest.mark.parametrize("code", sorted(KO))
def test_every_korean_text_is_korean_and_names_no_command(code: str) -> None:
    pattern = KO[code].value
    assert pattern is not None
    for reading in readings(pattern):
        assert HANGUL.search(reading), f"{code}: no Korean in {reading!r}"
        assert not COMMAND.search(reading), f"{code}: a command in {reading!r}"


@pytest.mark.parametrize("code", sorted(KO))
def test_every_text_formats_with_its_variables(code: str) -> None:
    args = dict.fromkeys(variables(KO[code]), 2)
    for lang in texts.LANGUAGES:
        bundle = texts.bundle(lang)
        pattern = bundle.get_message(code).value
        formatted, errors = bundle.format_pattern(pattern, args)  # type: ignore[arg-type]
        assert not errors and isinstance(formatted, str), f"{code} in {lang}: {errors}"
        assert formatted.strip() and "{" not in formatted and "$" not in formatted


# --- the raise sites ------------------------------------------------------------------------


def _modules() -> Iterator[str]:
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__main__":  # runs the command line when imported
                continue
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _subclasses(cls: type[UserError]) -> Iterator[type[UserError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def refusal_classes() -> dict[str, type[UserError]]:
    """Every UserError subclass in the bot's code, by class name."""
    for module in _modules():
        importlib.import_module(module)
    found: dict[str, type[UserError]] = {"UserError": UserError}
    for cls in _subclasses(UserError):
        if cls.__module__.split(".")[0] in SOURCES:
            assert found.setdefault(cls.__name__, cls) is cls, f"two classes named {cls.__name__}"
    return found


def keeps(cls: type[UserError]) -> set[str]:
    """The keyword-only arguments the class keeps as attributes (``round_id``, ``detail``): a raise
    may pass them without its text reading them."""
    signature = inspect.signature(cls.__init__)
    return {p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY}


@dataclass(frozen=True)
class Raise:
    where: str
    cls: type[UserError]
    code: str
    keywords: frozenset[str]
    spread: bool  # passes **params: the variables are not known here

    def __str__(self) -> str:
        return f"{self.where}: {self.cls.__name__}({self.code!r})"


def raise_sites() -> list[Raise]:
    """Calls of a UserError class whose code is a string literal, or left to the class default."""
    classes = refusal_classes()
    found: list[Raise] = []
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                cls = classes.get(name or "")
                if cls is None:
                    continue
                if node.args:
                    first = node.args[0]
                    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                        continue  # a code passed on (exc.code), or not a code at all
                    code = first.value
                elif "code" in vars(cls) or cls is UserError:
                    code = cls.code
                else:
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                keywords = frozenset(k.arg for k in node.keywords if k.arg is not None)
                spread = any(k.arg is None for k in node.keywords)
                found.append(Raise(where, cls, code, keywords, spread))
    return found


RAISES = raise_sites()


def test_the_raise_sites_are_found() -> None:
    codes = {r.code for r in RAISES}
    # one of each family, so a scan that finds nothing cannot pass
    for code in ("relay-no-story", "lyrics-no-artist", "mood-empty", "slow-down", "model-offline"):
        assert code in codes
    assert len(RAISES) >= 60


@pytest.mark.parametrize("site", RAISES, ids=str)
def test_each_raise_names_a_code_with_the_variables_its_texts_read(site: Raise) -> None:
    assert site.code in KO and site.code in EN, f"{site}: no such code in the catalogs"
    if site.spread:
        return
    for lang, catalog in (("ko", KO), ("en", EN)):
        used = variables(catalog[site.code])
        passed = {k for k in site.keywords if k not in keeps(site.cls) or k in used}
        assert passed == used, f"{site} in {lang}: passes {sorted(passed)}, reads {sorted(used)}"


def test_each_class_default_code_is_in_the_catalogs() -> None:
    for cls in refusal_classes().values():
        assert texts.has(cls.code), f"{cls.__name__}.code = {cls.code!r}"


def test_anything_else_is_a_plain_something_went_wrong() -> None:
    assert message_for(RuntimeError("redis://secret@host"), "en") == texts.text(INTERNAL, "en")
    assert message_for(UserError("mood-empty"), "ko-KR") == texts.text("mood-empty", "ko")
    # a code missing from the catalogs is a bug, yet the reader still gets a plain text
    assert UserError("no-such-code").message("ko") == texts.text(INTERNAL, "ko")
