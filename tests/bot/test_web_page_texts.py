"""The web page speaks its reader's language: every text on it comes from the catalogs.

The page (bot/web/static/index.html, app.js) names its texts by their ``page-*`` codes and reads
their raw patterns from ``GET /api/texts``; here the files are read as text: every code they name
is in both catalogs (with the variables the page passes), every ``page-*`` code is used, and no
word of the page is left in the files themselves. The server's own choice of language (the page's
switch, then Accept-Language, then Korean) is checked through the routes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.inference import InferenceClient
from bot.web.app import create_app
from bot.web.page import patterns
from bot.web.requests import LANG_COOKIE, accepted_language
from contract.emotions import EMOTIONS
from contract.settings import Settings
from storage.connection import Redis
from tests.bot.test_texts import KO, messages, variables

Client = TestClient[web.Request, web.Application]

STATIC = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"
HTML = (STATIC / "index.html").read_text(encoding="utf-8")
SCRIPT = (STATIC / "app.js").read_text(encoding="utf-8")

BRAND = "norae 노래"
SWITCH_LABELS = ("한국어", "English")  # the language switch names each language in itself
PAGE_CODES = sorted(code for code in KO if code.startswith("page-"))
TEXT_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


# --- the files ---------------------------------------------------------------------------------


class _Page(HTMLParser):
    """index.html's text nodes, attributes and ``data-t*`` codes."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[tuple[str, str]] = []  # (the element it is in, the text)
        self.attributes: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.codes: set[str] = set()
        self.vars: dict[str, set[str]] = {}  # code: the variables its data-t-vars gives
        self.open: list[tuple[str, bool]] = []  # (tag, whether data-t names its text)
        self.filled_with_children: list[str] = []  # data-t elements that hold elements
        self.filled_with_text: list[str] = []  # data-t elements that hold text too

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "source", "wbr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if self.open and self.open[-1][1]:
            self.filled_with_children.append(f"<{tag}> in {self.open[-1][0]}")
        for name, value in found.items():
            if name.startswith("data-t") and name != "data-t-vars":
                self.codes.add(value)
                given = json.loads(found.get("data-t-vars", "{}"))
                self.vars[value] = self.vars.get(value, set()) | set(given)
            if name in TEXT_ATTRIBUTES:
                self.attributes.append((tag, name, value))
        if tag not in self.VOID:
            self.open.append((tag, "data-t" in found))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        where = self.open[-1][0] if self.open else ""
        if data.strip():
            self.texts.append((where, data.strip()))
            if self.open and self.open[-1][1]:
                self.filled_with_text.append(f"{data.strip()!r} in <{where}>")


PAGE = _Page()
PAGE.feed(HTML)


def _script_code() -> str:
    """app.js without its comments (a line comment starts at the line or after a space)."""
    without_blocks = re.sub(r"/\*.*?\*/", "", SCRIPT, flags=re.S)
    return re.sub(r"(^|\s)//.*$", r"\1", without_blocks, flags=re.M)


CODE = _script_code()
STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`")


def script_strings() -> list[str]:
    """Every string literal in app.js (a template's ``${…}`` parts left out)."""
    return [re.sub(r"\$\{[^}]*\}", "", s[1:-1]) for s in STRING.findall(CODE)]


def script_codes() -> set[str]:
    return {s for s in script_strings() if re.fullmatch(r"page-[a-z0-9-]+", s)}


def _object_keys(source: str) -> set[str]:
    """The top-level keys of a JavaScript object literal (``{ name: e.by, title }``)."""
    keys: set[str] = set()
    depth, part = 0, ""
    for ch in source[1:-1] + ",":
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        if ch == "," and depth == 0:
            key = part.split(":")[0].strip()
            if key:
                keys.add(key)
            part = ""
        else:
            part += ch
    return keys


# T("page-…", { … }) or t(…), the code maybe chosen by a condition (``a ? "page-x" : "page-y"``)
CALL = re.compile(
    r"\b[tT]\(\s*((?:[^,()\"]*\?\s*)?\"page-[a-z0-9-]+\"(?:\s*:\s*\"page-[a-z0-9-]+\")?)\s*(,\s*)?"
)


def script_calls() -> list[tuple[str, set[str]]]:
    """Each text app.js shows by code: the code and the variables it passes."""
    found: list[tuple[str, set[str]]] = []
    for match in CALL.finditer(CODE):
        keys: set[str] = set()
        if match.group(2) and CODE[match.end()] == "{":
            depth, end = 0, match.end()
            for end in range(match.end(), len(CODE)):
                depth += {"{": 1, "}": -1}.get(CODE[end], 0)
                if depth == 0:
                    break
            keys = _object_keys(CODE[match.end() : end + 1])
        found += [(code, keys) for code in re.findall(r"page-[a-z0-9-]+", match.group(1))]
    return found


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in text)


# --- every code the page names is in both catalogs, with its variables -----------------------


def test_the_page_names_its_texts_by_code() -> None:
    assert len(PAGE.codes) > 60 and len(script_codes()) > 60
    assert len(script_calls()) > 50


@pytest.mark.parametrize("code", sorted(PAGE.codes | script_codes()))
def test_every_code_the_page_names_is_in_both_catalogs(code: str) -> None:
    assert code.startswith("page-"), f"{code}: the page reads only page-* codes"
    for lang in texts.LANGUAGES:
        assert code in patterns(lang), f"{code} is not in the {lang} catalog"


def test_every_page_code_in_the_catalogs_is_used() -> None:
    used = PAGE.codes | script_codes()
    assert [code for code in PAGE_CODES if code not in used] == []


def test_the_page_passes_every_variable_its_texts_read() -> None:
    """A variable left out would show as a hole in the sentence."""
    for code, given in [*script_calls(), *PAGE.vars.items()]:
        needed = variables(KO[code])
        assert needed <= given, f"{code} reads {sorted(needed)}, the page gives {sorted(given)}"
    assert {code for code, _ in script_calls()} | set(PAGE.vars) >= {
        code for code in PAGE_CODES if variables(KO[code])
    }, "a text with variables is shown without them somewhere"


def test_the_page_builds_no_code_from_parts() -> None:
    # a code put together at run time (`page-${name}`) could not be checked here
    assert "page-${" not in CODE and '"page-" +' not in CODE


def test_every_emotion_has_its_name_on_the_page() -> None:
    assert {f"page-emotion-{e}" for e in EMOTIONS} <= script_codes()


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_a_page_text_holds_only_text_and_variables(lang: texts.Lang) -> None:
    """The page fills ``{ $name }`` and nothing else: no selector, no other message."""
    found = patterns(lang)
    assert sorted(found) == PAGE_CODES
    for code, pattern in found.items():
        assert pattern.strip(), code
        rest = re.sub(r"\{ \$[A-Za-z][\w-]* \}", "", pattern)
        assert "{" not in rest and "}" not in rest, f"{code} in {lang}: {pattern!r}"
        assert set(re.findall(r"\{ \$([A-Za-z][\w-]*) \}", pattern)) == variables(
            messages(lang)[code]
        )


# --- no text is left in the files ---------------------------------------------------------------


def test_no_visible_text_is_left_in_the_html() -> None:
    allowed = {BRAND, *SWITCH_LABELS}
    left = [
        (where, text) for where, text in PAGE.texts if text not in allowed and _has_letters(text)
    ]
    assert left == []
    literal = [(tag, name, value) for tag, name, value in PAGE.attributes if _has_letters(value)]
    assert literal == [], "an attribute a person reads is named with data-t-<attribute>"


def test_an_element_whose_text_is_named_holds_nothing_else() -> None:
    """Filling in its text would wipe out what else it holds (an input in a label…)."""
    assert PAGE.filled_with_children == [] and PAGE.filled_with_text == []


def test_the_language_switch_names_each_language_in_itself() -> None:
    for lang, label in zip(texts.LANGUAGES, SWITCH_LABELS, strict=True):
        assert f'<button type="button" data-lang="{lang}" lang="{lang}">{label}</button>' in HTML


# Literals of app.js that hold words but no text: class lists, link types, a header's name, the
# strict mode.
NOT_TEXT = {
    "use strict",
    "noopener noreferrer",
    "stack wide command-form",
    "tag emotion",
    "Content-Type",
}
WORDS = re.compile(r"[A-Za-z]{2,}[,:]?\s+[A-Za-z]{2,}")


def test_no_text_is_left_in_the_script() -> None:
    hangul = [s for s in script_strings() if re.search(r"[\uac00-\ud7a3]", s.replace(BRAND, ""))]
    assert hangul == []
    sentences = [
        s
        for s in script_strings()
        if s not in NOT_TEXT
        and not s.startswith(("#", ".", "/", "["))  # selectors and paths
        and (WORDS.search(s) or re.search(r"^[A-Z][a-z]+|[A-Za-z][.…!?]$", s))
    ]
    # a console message is for developers, never shown on the page
    shown = [s for s in sentences if f"console.error(`{s}" not in CODE.replace("${code}", "")]
    assert shown == []


# --- the server's choice of language ----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("", "ko"),
        ("ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
        ("en-US,en;q=0.9", "en"),
        ("EN", "en"),
        ("fr-FR", "ko"),  # neither: Korean
        ("fr-FR, en;q=0.5", "en"),  # the first supported one
        ("fr, en;q=0.8, ko;q=0.9", "ko"),  # by weight, not by place
        ("en;q=0.5, ko;q=0.5", "en"),  # equal weights: the header's order
        ("ko;q=0, en", "en"),  # q=0: not acceptable
        ("en;q=abc, ko", "ko"),
        ("*", "ko"),
        ("english, korean", "ko"),  # not language tags
    ],
)
def test_accept_language_picks_the_first_supported_language(header: str, lang: str) -> None:
    assert accepted_language(header) == lang


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[Client]:
    app = create_app(redis, InferenceClient(redis), settings=Settings())
    async with TestClient(TestServer(app)) as c:
        yield c


async def _texts(client: Client, query: str = "", **headers: str) -> dict[str, Any]:
    resp = await client.get(f"/api/texts{query}", headers=headers)
    assert resp.status == 200 and resp.content_type == "application/json"
    data: dict[str, Any] = await resp.json()
    return data


async def test_the_texts_are_the_raw_patterns_in_the_readers_language(client: Client) -> None:
    korean = await _texts(client)  # no language asked for: Korean
    assert korean["lang"] == "ko" and korean["texts"] == patterns("ko")
    assert korean["texts"]["page-line-count"] == "{ $count }줄"
    english = await _texts(client, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert english["lang"] == "en" and english["texts"] == patterns("en")
    assert english["texts"]["page-join"] == "Join"
    asked = await _texts(client, "?lang=en", **{"Accept-Language": "ko"})
    assert asked["lang"] == "en"  # the page's own choice wins
    unknown = await _texts(client, "?lang=fr", **{"Accept-Language": "en"})
    assert unknown["lang"] == "en"  # a language the page cannot have: the browser's
    # only the page's codes go to the page
    assert all(code.startswith("page-") for code in korean["texts"])


async def test_the_page_is_told_its_language(client: Client) -> None:
    config = await (await client.get("/api/config")).json()
    assert config["language"] == "ko"
    english = await client.get("/api/config", headers={"Accept-Language": "en"})
    assert (await english.json())["language"] == "en"


async def test_the_switchs_cookie_wins_over_accept_language(client: Client) -> None:
    client.session.cookie_jar.update_cookies({LANG_COOKIE: "en"})
    korean_browser = {"Accept-Language": "ko-KR"}
    assert (await _texts(client, **korean_browser))["lang"] == "en"
    config = await (await client.get("/api/config", headers=korean_browser)).json()
    assert config["language"] == "en"
    refused = await client.get("/api/rooms/no%20spaces", headers=korean_browser)
    assert (await refused.json())["error"] == texts.text("web-bad-room", "en")
    status = await client.get("/status", headers=korean_browser)
    assert "Redis: up" in await status.text()

    client.session.cookie_jar.update_cookies({LANG_COOKIE: "ko"})
    refused = await client.get("/api/rooms/no%20spaces", headers={"Accept-Language": "en"})
    assert (await refused.json())["error"] == texts.text("web-bad-room", "ko")
    client.session.cookie_jar.update_cookies({LANG_COOKIE: "fr"})  # not one of ours: ignored
    assert (await _texts(client, **{"Accept-Language": "en"}))["lang"] == "en"


async def test_aiohttps_own_refusals_are_in_the_readers_language(client: Client) -> None:
    missing = await client.get("/api/nothing-here")
    data = await missing.json()
    assert missing.status == 404 and data["code"] == "web-not-found"
    assert data["error"] == texts.text("web-not-found", "ko")
    assert data["messages"] == {lang: texts.text("web-not-found", lang) for lang in ("ko", "en")}
    wrong = await client.post("/api/texts", headers={"Accept-Language": "en"})
    data = await wrong.json()
    assert wrong.status == 405 and data["error"] == texts.text("web-method-not-allowed", "en")


async def test_the_reader_page_is_in_the_readers_language(client: Client) -> None:
    await client.get("/")  # a browser loads the page (and gets its id cookie) first
    started = await client.post(
        "/api/rooms/room1/start", json={"nick": "Ann", "title": "봄밤", "language": "ko"}
    )
    story = (await started.json())["story"]["id"]
    korean = await (await client.get(f"/stories/{story}")).text()
    assert '<html lang="ko">' in korean and '<article lang="ko">' in korean
    assert "0줄 (모델이 쓰고 투표로 고른 줄 0개) · Ann 님이 시작 · 쓰는 중" in korean
    assert texts.text("web-reader-no-lines", "ko") in korean and "내려받기:" in korean
    english = await client.get(f"/stories/{story}", headers={"Accept-Language": "en"})
    page = await english.text()
    assert english.headers["Vary"] == "Accept-Language, Cookie"
    assert '<html lang="en">' in page and '<article lang="ko">' in page  # the story's own
    assert "0 lines (0 by the model, chosen by vote) · started by Ann · in progress" in page
    assert "봄밤" in page and "Download:" in page
    missing = await client.get("/stories/nosuchstory", headers={"Accept-Language": "en"})
    assert missing.status == 404 and await missing.text() == "There is no such story."
