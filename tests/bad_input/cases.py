"""The bad-input corpus as tables: each case is one request (or one Discord move) and what must
happen to it. Generated from short lists so that every route meets every family of bad input.

Families: empty bodies, wrong JSON types (numbers as strings, lists, null, booleans), non-JSON
bodies and wrong content types, invalid UTF-8, deep nesting, huge bodies and fields, missing and
extra fields, invisible-only text (zero-width, bidi controls, U+FEFF, tags, Hangul fillers),
digits that are not ASCII (``²``, ``①``, ``٣``, ``３``), wrong languages and option words, bad
ids and room names, unknown routes and methods, bad secrets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot import texts
from bot.mood.service import language_of

# Each draws nothing; a line, keyword or message made only of them is empty.
INVISIBLE: dict[str, str] = {
    "zwsp": "\u200b\u200b",
    "zw-joiners": "\u200c\u200d\u200c",
    "bom": "\ufeff",
    "bidi-override": "\u202e\u202d",
    "bidi-isolates": "\u2066\u2069",
    "marks": "\u200e\u200f",
    "word-joiner": "\u2060",
    "soft-hyphen": "\u00ad",
    "tags": "\U000e0041\U000e0042",
    "hangul-filler": "\u3164",
    "mixed": " \u200b\u3000\u202e\ufeff\u3164 ",
}
# Numbers that are not 1-6 ASCII digits ("²".isdigit() is True, int("²") raises).
NOT_DIGITS: dict[str, str] = {
    "superscript": "²",
    "circled": "①",
    "arabic-indic": "٣",
    "fullwidth": "３",
    "negative": "-1",
    "zero": "0",
    "float": "1.5",
    "exponent": "1e3",
    "hex": "0x1",
    "seven-digits": "1234567",
    "word": "two",
    "empty": "",
    "space": " ",
    "nul": "\x00",
    "comma": "1,2",
}
DEEP = "[" * 1000 + "]" * 1000  # json.loads raises RecursionError on this


@dataclass(frozen=True)
class WebCase:
    """One HTTP request to the web app and the answer it must get.

    ``path`` may name ``{story}`` (the seeded active story), ``{archived}`` or ``{round}``.
    ``json`` is sent as a JSON body; ``body`` as raw bytes with ``content_type``.
    """

    id: str
    method: str
    path: str
    json: Any = None
    body: bytes | None = None
    content_type: str | None = "application/json"
    status: int = 400
    says: str = ""  # the answer contains this (case-insensitive): what happens, in its words


SEEDED = "/api/rooms/seeded"
QUIET = "/api/rooms/quiet"
FRESH = "/api/rooms/fresh"  # no story: a start there would create one
# A simple command the web corpus declares (tests/bot/test_web_commands.py): norae ships none yet.
COMMAND = "/api/commands/echo"

# route -> a valid body for it (each case breaks one thing); the seeded room has an open round,
# so even a body that slipped through could not open another one.
JSON_ROUTES: dict[str, dict[str, Any]] = {
    f"{SEEDED}/start": {"nick": "Ann"},
    f"{SEEDED}/write": {"nick": "Ann", "text": "좋은 줄."},
    f"{SEEDED}/continue": {"nick": "Ann"},
    f"{SEEDED}/reroll": {"nick": "Ann"},
    f"{SEEDED}/vote": {"round_id": "{round}", "choice": 1},
    f"{SEEDED}/propose": {"nick": "Ann", "kind": "keyword", "value": "바다"},
    f"{SEEDED}/proposals/vote": {"proposal_id": "1"},
    f"{SEEDED}/undo": {"nick": "Ann"},
    f"{SEEDED}/end": {"nick": "Ann"},
    "/api/mood/message": {"text": "오늘 좀 슬퍼"},
    "/api/mood/pick": {"choice": 1},
    "/api/mood/policy": {"policy": "lift"},
    "/api/lyrics/write": {"artist": "소월 테스트", "theme": "봄"},
    # Songs the world already has: even this valid body changes nothing (a 409).
    "/api/lyrics/import": {"artist": "김영랑", "text": "가을 노래\n\n낙엽\n"},
    COMMAND: {"text": "봄비", "room": "seeded"},
}
# The first required field of each route (sent with a wrong type below).
FIRST_FIELD = {
    "/api/mood/message": "text",
    "/api/mood/pick": "choice",
    "/api/mood/policy": "policy",
    "/api/lyrics/write": "artist",
    "/api/lyrics/import": "artist",
    f"{SEEDED}/vote": "round_id",
    f"{SEEDED}/proposals/vote": "proposal_id",
    COMMAND: "text",
}


def _short(route: str) -> str:
    return route.removeprefix("/api/").replace("rooms/seeded/", "relay-").replace("/", "-")


# A pad past each route's body limit (an import takes pasted songs: about 400 kB).
HUGE_PAD = {"/api/lyrics/import": 500_000}


def _body_families(route: str, valid: dict[str, Any]) -> list[WebCase]:
    """Every way to send a body that is not the route's JSON object."""
    name = _short(route)
    first = FIRST_FIELD.get(route, "nick")
    out = [
        WebCase(f"{name}/empty-body", "POST", route, body=b"", says=first),
        WebCase(f"{name}/json-null", "POST", route, body=b"null"),
        WebCase(f"{name}/json-list", "POST", route, json=[valid]),
        WebCase(f"{name}/json-string", "POST", route, json="nick=Ann"),
        WebCase(f"{name}/json-number", "POST", route, body=b"42"),
        WebCase(f"{name}/json-true", "POST", route, body=b"true"),
        WebCase(f"{name}/empty-object", "POST", route, json={}, says=first),
        WebCase(f"{name}/not-json", "POST", route, body=b"{nope", says="not valid JSON"),
        WebCase(f"{name}/nan", "POST", route, body=b'{"x": NaN}'),
        WebCase(f"{name}/invalid-utf8", "POST", route, body=b'{"nick": "\xff\xfe"}', says="JSON"),
        WebCase(f"{name}/deeply-nested", "POST", route, body=DEEP.encode()),
        WebCase(
            f"{name}/nested-field",
            "POST",
            route,
            body=json.dumps({**valid, first: None}).encode()[:-1]
            + b', "deep": '
            + DEEP.encode()
            + b"}",
        ),
        WebCase(
            f"{name}/form-body",
            "POST",
            route,
            body=b"nick=Ann&text=hi",
            content_type="application/x-www-form-urlencoded",
            status=415,
            says="application/json",
        ),
        WebCase(
            f"{name}/text-plain",
            "POST",
            route,
            body=json.dumps(valid).encode(),
            content_type="text/plain",
            status=415,
            says="application/json",
        ),
        WebCase(
            f"{name}/no-content-type",
            "POST",
            route,
            body=json.dumps(valid).encode(),
            content_type=None,
            status=415,
            says="application/json",
        ),
        WebCase(
            f"{name}/huge-body",
            "POST",
            route,
            json={**valid, "pad": "x" * HUGE_PAD.get(route, 20_000)},
            status=413,
            says="too large",
        ),
        WebCase(f"{name}/extra-field", "POST", route, json={**valid, "admin": True}, says="admin"),
        WebCase(f"{name}/first-field-null", "POST", route, json={**valid, first: None}, says=first),
        WebCase(f"{name}/first-field-list", "POST", route, json={**valid, first: [1]}, says=first),
        WebCase(f"{name}/first-field-object", "POST", route, json={**valid, first: {"a": 1}}),
        WebCase(f"{name}/wrong-method", "GET", route, status=405),
    ]
    return out


def _nick_families() -> list[WebCase]:
    out: list[WebCase] = []
    for route, valid in JSON_ROUTES.items():
        if "nick" not in valid:
            continue
        name = _short(route)
        for label, nick in (
            ("number", 7),
            ("empty", ""),
            ("spaces", "   "),
            ("too-long", "가" * 33),
            ("zwsp", "\u200b"),
            ("bidi", "\u202e\u2066"),
            ("controls", "\x00\x1b"),
        ):
            out.append(
                WebCase(
                    f"{name}/nick-{label}", "POST", route, json={**valid, "nick": nick}, says="nick"
                )
            )
    return out


def _relay_cases() -> list[WebCase]:
    out: list[WebCase] = []
    write = f"{SEEDED}/write"
    for label, text in INVISIBLE.items():
        out.append(
            WebCase(
                f"relay-write/invisible-{label}",
                "POST",
                write,
                json={"nick": "Ann", "text": text},
                says="empty",
            )
        )
        out.append(
            WebCase(
                f"relay-continue/keyword-invisible-{label}",
                "POST",
                f"{SEEDED}/continue",
                json={"nick": "Ann", "keyword": text},
                says="keyword is empty",
            )
        )
        out.append(
            WebCase(
                f"relay-propose/keyword-invisible-{label}",
                "POST",
                f"{SEEDED}/propose",
                json={"nick": "Ann", "kind": "keyword", "value": text},
                says="empty",
            )
        )
    for label, any_text in (
        ("empty", ""),
        ("spaces", "   \n\t  "),
        ("controls-only", "\x00\x07\x1b"),
        ("too-long-service", "가" * 501),
        ("too-long-body", "가" * 8001),
        ("number", 12),
        ("list", ["첫 줄"]),
        ("null", None),
        ("bool", True),
    ):
        out.append(
            WebCase(
                f"relay-write/text-{label}",
                "POST",
                write,
                json={"nick": "Ann", "text": any_text},
                status=413 if label == "too-long-body" else 400,  # 24 kB of UTF-8
                says={"too-long-service": "limit is 500", "empty": "empty"}.get(label, ""),
            )
        )
    for label, value in {**NOT_DIGITS, "huge": "9" * 40}.items():
        # An empty length is the default one (the page's empty field): the open round refuses.
        out.append(
            WebCase(
                f"relay-continue/length-{label}",
                "POST",
                f"{SEEDED}/continue",
                json={"nick": "Ann", "length": value},
                says="length" if value.strip() else "already open",
            )
        )
    for label, any_value in (
        ("int-0", 0),
        ("int-negative", -5),
        ("int-huge", 10**30),
        ("list", [60]),
    ):
        out.append(
            WebCase(
                f"relay-continue/length-{label}",
                "POST",
                f"{SEEDED}/continue",
                json={"nick": "Ann", "length": any_value},
                says="length",
            )
        )
    out.append(
        WebCase(
            "relay-continue/keyword-too-long",
            "POST",
            f"{SEEDED}/continue",
            json={"nick": "Ann", "keyword": "가" * 201},
            says="keyword",
        )
    )
    vote = f"{SEEDED}/vote"
    for label, choice in (
        ("string-number", "1"),
        ("superscript", "²"),
        ("bool", True),
        ("float", 1.5),
        ("zero", 0),
        ("negative", -1),
        ("too-big", 100),
        ("not-a-candidate", 7),
        ("null", None),
        ("list", [1]),
    ):
        out.append(
            WebCase(
                f"relay-vote/choice-{label}",
                "POST",
                vote,
                json={"round_id": "{round}", "choice": choice},
                says="",
            )
        )
    for label, round_id in (
        ("empty", ""),
        ("path", "../x"),
        ("unicode", "라운드"),
        ("number", 12),
        ("unknown", "ffffffffffff"),
        ("too-long", "a" * 65),
    ):
        out.append(
            WebCase(
                f"relay-vote/round-{label}", "POST", vote, json={"round_id": round_id, "choice": 1}
            )
        )
    out.append(
        WebCase(
            "relay-vote/round-of-another-room",
            "POST",
            f"{QUIET}/vote",
            json={"round_id": "{round}", "choice": 1},
            says="no such round",
        )
    )
    for label, body in (
        ("kind-unknown", {"nick": "Ann", "kind": "title", "value": "x"}),
        ("kind-number", {"nick": "Ann", "kind": 1, "value": "x"}),
        ("value-empty", {"nick": "Ann", "kind": "keyword", "value": ""}),
        ("value-too-long", {"nick": "Ann", "kind": "keyword", "value": "가" * 201}),
        ("length-superscript", {"nick": "Ann", "kind": "length", "value": "²"}),
        ("length-words", {"nick": "Ann", "kind": "length", "value": "very long"}),
    ):
        out.append(WebCase(f"relay-propose/{label}", "POST", f"{SEEDED}/propose", json=body))
    for label, pid in (("empty", ""), ("path", "../1"), ("unknown", "999"), ("number", 1)):
        out.append(
            WebCase(
                f"relay-proposals-vote/{label}",
                "POST",
                f"{SEEDED}/proposals/vote",
                json={"proposal_id": pid},
            )
        )
    # A start where no story is yet: each bad field is refused and no story is created.
    for label, start_body in (
        ("language-fr", {"nick": "Ann", "language": "fr"}),
        ("language-empty-list", {"nick": "Ann", "language": []}),
        ("language-number", {"nick": "Ann", "language": 1}),
        ("title-too-long", {"nick": "Ann", "title": "가" * 101}),
        ("title-too-long-body", {"nick": "Ann", "title": "가" * 501}),
        ("title-number", {"nick": "Ann", "title": 5}),
        ("genre-too-long", {"nick": "Ann", "genre": "가" * 41}),
        ("genre-list", {"nick": "Ann", "genre": ["동화"]}),
    ):
        out.append(WebCase(f"relay-start-fresh/{label}", "POST", f"{FRESH}/start", json=start_body))
    # Actions that need a story, where there is none.
    for action in ("write", "continue", "reroll", "undo", "end"):
        body = {"nick": "Ann", "text": "줄."} if action == "write" else {"nick": "Ann"}
        says = "no open round" if action == "reroll" else "no story"
        out.append(
            WebCase(f"relay-{action}/no-story", "POST", f"{FRESH}/{action}", json=body, says=says)
        )
    out.append(
        WebCase(
            "relay-undo/not-the-author",
            "POST",
            f"{SEEDED}/undo",
            json={"nick": "Ann"},
            says="author",
        )
    )
    out.append(
        WebCase(
            "relay-reroll/no-round", "POST", f"{QUIET}/reroll", json={"nick": "Ann"}, says="round"
        )
    )
    return out


def _query_cases() -> list[WebCase]:
    out: list[WebCase] = []
    for label, page in {**NOT_DIGITS, "too-big": "10001", "past-the-end": "99"}.items():
        for route in ("show", "stories"):
            says = "no page" if label == "past-the-end" else "page"
            out.append(
                WebCase(
                    f"relay-{route}/page-{label}",
                    "GET",
                    f"{SEEDED}/{route}?page={_q(page)}",
                    says=says,
                )
            )
    for label, story in (
        ("path", "..%2F..%2Fx"),
        ("too-long", "a" * 65),
        ("unicode", "%EC%9D%B4"),
        ("unknown", "nosuchstory"),
    ):
        out.append(
            WebCase(
                f"relay-show/story-{label}",
                "GET",
                f"{SEEDED}/show?story={story}",
                says="no such story",
            )
        )
        out.append(
            WebCase(
                f"relay-export/story-{label}",
                "GET",
                f"{SEEDED}/export?story={story}",
                says="no such story",
            )
        )
        out.append(
            WebCase(f"stories-json/{label}", "GET", f"/api/stories/{story}", says="no such story")
        )
        out.append(
            WebCase(
                f"stories-export/{label}",
                "GET",
                f"/api/stories/{story}/export",
                says="no such story",
            )
        )
        out.append(
            # a page, not JSON: in the browser's language only (none asked for: Korean)
            WebCase(
                f"reader/{label}", "GET", f"/stories/{story}", status=404, says="이야기가 없어요"
            )
        )
    for label, fmt in (("pdf", "pdf"), ("upper", "MD"), ("empty", ""), ("path", "..%2Fmd")):
        out.append(
            WebCase(
                f"relay-export/format-{label}",
                "GET",
                f"{SEEDED}/export?format={fmt}",
                says="format",
            )
        )
        out.append(
            WebCase(
                f"stories-export/format-{label}",
                "GET",
                "/api/stories/{archived}/export?format=" + fmt,
                says="format",
            )
        )
    for label, room in (
        ("space", "a%20b"),
        ("too-long", "r" * 41),
        ("nul", "%00"),
        ("slash", "a%2Fb"),
        ("emoji", "%F0%9F%98%80"),
        ("zwsp", "%E2%80%8B"),
    ):
        out.append(
            WebCase(f"room-name/{label}/state", "GET", f"/api/rooms/{room}", says="room name")
        )
        out.append(
            WebCase(f"room-name/{label}/show", "GET", f"/api/rooms/{room}/show", says="room name")
        )
        out.append(
            WebCase(
                f"room-name/{label}/events", "GET", f"/api/rooms/{room}/events", says="room name"
            )
        )
        out.append(
            WebCase(
                f"room-name/{label}/write",
                "POST",
                f"/api/rooms/{room}/write",
                json={"nick": "Ann", "text": "줄."},
                says="room name",
            )
        )
    for label, song in (
        ("path", "..%2F..%2Fetc%2Fpasswd"),
        ("unknown", "nosuchsong"),
        ("too-long", "a" * 200),
        ("nul", "%00"),
    ):
        out.append(
            WebCase(
                f"audio/{label}", "GET", f"/audio/{song}", status=404, says="재생할 수 있는 소리가"
            )
        )
    for label, path, method, status in (
        ("unknown-api", "/api/nope", "GET", 404),
        ("room-dots", "/api/rooms/..", "GET", 404),  # the path is normalised to /api
        ("room-dots-write", "/api/rooms/../write", "POST", 404),
        ("unknown-room-route", f"{SEEDED}/nope", "POST", 404),
        ("put-room", SEEDED, "PUT", 405),
        ("delete-room", SEEDED, "DELETE", 405),
        ("get-mood-message", "/api/mood/message", "GET", 405),
        ("get-mood-forget", "/api/mood/forget", "GET", 405),
        ("post-history", "/api/mood/history", "POST", 405),
        ("post-artists", "/api/lyrics/artists", "POST", 405),
        ("post-texts", "/api/texts", "POST", 405),
        ("post-config", "/api/config", "POST", 405),
        ("get-kakao", "/kakao/skill", "GET", 405),
    ):
        # under /api/ the page's JSON, in plain words (the Kakao skill is no page's)
        refusal = {404: "nothing at this address", 405: "that kind of request"}
        plain = refusal[status] if path.startswith("/api/") else ""
        out.append(WebCase(f"routes/{label}", method, path, status=status, says=plain))
    return out


def _mood_lyrics_cases() -> list[WebCase]:
    out: list[WebCase] = []
    for label, text in INVISIBLE.items():
        out.append(
            WebCase(
                f"mood-message/invisible-{label}",
                "POST",
                "/api/mood/message",
                json={"text": text},
                says="empty",
            )
        )
    for label, any_text in (
        ("empty", ""),
        ("spaces", "  \n "),
        ("controls", "\x00\x01"),
        ("number", 3),
    ):
        out.append(
            WebCase(
                f"mood-message/text-{label}", "POST", "/api/mood/message", json={"text": any_text}
            )
        )
    out.append(
        WebCase(
            "mood-message/text-too-long-body",
            "POST",
            "/api/mood/message",
            json={"text": "가" * 8001},  # 24 kB of UTF-8
            status=413,
        )
    )
    out.append(
        WebCase(
            "mood-message/too-long",
            "POST",
            "/api/mood/message",
            json={"text": "가" * 1001},
            says="1000",
        )
    )
    for label, choice in (
        ("bool", True),
        ("float", 1.0),
        ("null", None),
        ("list", [1]),
        ("empty", ""),
        ("superscript-nothing-listed", "²"),
        ("zero", 0),
    ):
        out.append(
            WebCase(f"mood-pick/choice-{label}", "POST", "/api/mood/pick", json={"choice": choice})
        )
    for label, policy in (
        ("sideways", "sideways"),
        ("korean-word", "옆으로"),
        ("empty", ""),
        ("number", 1),
        ("too-long", "l" * 21),
        ("invisible", "\u200b"),
    ):
        out.append(
            WebCase(f"mood-policy/{label}", "POST", "/api/mood/policy", json={"policy": policy})
        )
    for label, body in (
        ("artist-empty", {"artist": ""}),
        ("artist-invisible", {"artist": "\u200b\u202e"}),
        ("artist-unknown", {"artist": "없는 가수"}),
        ("artist-number", {"artist": 5}),
        ("artist-too-long", {"artist": "가" * 201}),
        ("theme-too-long", {"artist": "소월 테스트", "theme": "가" * 1001}),
        ("lines-string", {"artist": "소월 테스트", "lines": "12"}),
        ("lines-superscript", {"artist": "소월 테스트", "lines": "²"}),
        ("lines-bool", {"artist": "소월 테스트", "lines": True}),
        ("lines-zero", {"artist": "소월 테스트", "lines": 0}),
        ("lines-negative", {"artist": "소월 테스트", "lines": -3}),
        ("lines-too-many", {"artist": "소월 테스트", "lines": 999}),
        ("lines-huge", {"artist": "소월 테스트", "lines": 10**12}),
        ("language-xx", {"artist": "소월 테스트", "language": "xx"}),
        ("language-number", {"artist": "소월 테스트", "language": 1}),
    ):
        says = LYRICS_SAYS.get(label, "lines" if label.startswith("lines") else "")
        out.append(
            WebCase(f"lyrics-write/{label}", "POST", "/api/lyrics/write", json=body, says=says)
        )
    return out


def _import_cases() -> list[WebCase]:
    """Bad imports: each is refused in Korean and English (``says`` is from the English)."""
    route = "/api/lyrics/import"
    songs = "봄\n\n봄비가 내린다\n"
    out = [
        WebCase(
            f"lyrics-import/artist-invisible-{label}",
            "POST",
            route,
            json={"artist": text, "text": songs},
            says="artist's name",
        )
        for label, text in INVISIBLE.items()
    ]
    out += [
        WebCase(
            f"lyrics-import/text-invisible-{label}",
            "POST",
            route,
            json={"artist": "새 가수", "text": text},
            says="Nothing was pasted",
        )
        for label, text in INVISIBLE.items()
    ]
    for label, body, status, says in (
        ("artist-empty", {"artist": "", "text": songs}, 400, "artist's name"),
        ("artist-too-long", {"artist": "가" * 101, "text": songs}, 400, "100 characters"),
        ("artist-number", {"artist": 5, "text": songs}, 400, "artist"),
        ("text-empty", {"artist": "새 가수", "text": ""}, 400, "Nothing was pasted"),
        ("text-controls", {"artist": "새 가수", "text": "\x00\x1b\n\t"}, 400, "Nothing"),
        ("text-number", {"artist": "새 가수", "text": 12}, 400, "text"),
        ("text-list", {"artist": "새 가수", "text": [songs]}, 400, "text"),
        ("text-missing", {"artist": "새 가수"}, 400, "text"),
        ("text-too-long", {"artist": "새 가수", "text": "가" * 70_000}, 413, "200 KB"),
        ("too-many-songs", {"artist": "새 가수", "text": "가\n===\n" * 101}, 413, "100 songs"),
        ("only-separators", {"artist": "새 가수", "text": "===\n---\n\n\n==="}, 400, "No song"),
        ("only-headers", {"artist": "새 가수", "text": "[Chorus]\n[후렴]"}, 400, "No song"),
        (
            "all-duplicates",
            {"artist": "김영랑 ", "text": "가을 노래\n\n낙엽\n"},
            409,
            "already imported",
        ),
    ):
        out.append(
            WebCase(f"lyrics-import/{label}", "POST", route, json=body, status=status, says=says)
        )
    return out


LYRICS_SAYS = {
    "artist-empty": "Name an artist",
    "artist-invisible": "Name an artist",  # not echoed back with its bidi override
    "artist-unknown": "없는 가수",
    "theme-too-long": "theme",
    "language-xx": "language",
}


def _command_cases() -> list[WebCase]:
    """A simple command's text and room, and names that are no command."""
    out = [
        WebCase(
            f"commands/text-invisible-{label}",
            "POST",
            COMMAND,
            json={"text": text},
            says="write the text",
        )
        for label, text in INVISIBLE.items()
    ]
    for label, body, says in (
        ("text-empty", {"text": ""}, "write the text"),
        ("text-too-long", {"text": "가" * 21}, "at most 20"),
        ("text-number", {"text": 12}, "text"),
        ("text-bool", {"text": True}, "text"),
        ("room-spaces", {"text": "봄", "room": "no spaces"}, "room name"),
        ("room-empty", {"text": "봄", "room": ""}, "room name"),
        ("room-path", {"text": "봄", "room": "../seeded"}, "room name"),
        ("room-number", {"text": "봄", "room": 5}, "room"),
    ):
        out.append(WebCase(f"commands/{label}", "POST", COMMAND, json=body, says=says))
    for label, name in (
        ("unknown", "nope"),
        ("upper-case", "ECHO"),
        ("unicode", _q("거꾸로")),
        ("long", "a" * 300),
        ("space", _q("echo ")),
    ):
        out.append(
            WebCase(
                f"commands/name-{label}",
                "POST",
                f"/api/commands/{name}",
                json={"text": "봄"},
                status=404,
                says="no such command",
            )
        )
    out.append(WebCase("commands/list-post", "POST", "/api/commands", json={}, status=405))
    out.append(  # normalised to /api/commands/: no route at all
        WebCase("commands/name-dots", "POST", "/api/commands/..", json={"text": "봄"}, status=404)
    )
    return out


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def web_cases() -> list[WebCase]:
    cases: list[WebCase] = []
    for route, valid in JSON_ROUTES.items():
        cases += _body_families(route, valid)
    cases += _nick_families() + _relay_cases() + _query_cases() + _mood_lyrics_cases()
    cases += _import_cases() + _command_cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


@dataclass(frozen=True)
class KakaoCase:
    """One POST to the Kakao skill. ``raw`` bytes go as the body as they are; otherwise the
    body is a Kakao payload for ``utterance`` with ``params``, changed by ``patch``."""

    id: str
    utterance: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    patch: dict[str, Any] = field(default_factory=dict)  # dotted path -> value (None: delete)
    raw: bytes | None = None
    secret: bytes | None = None  # None: the right one
    path: str = "/kakao/skill"
    content_type: bytes = b"application/json"
    status: int = 200
    says: str = ""


def _kakao_transport_cases() -> list[KakaoCase]:
    out = [
        KakaoCase("secret/missing", "도움말", secret=b"", status=403, says="secret"),
        KakaoCase("secret/wrong", "도움말", secret=b"wrong", status=403, says="secret"),
        KakaoCase("secret/not-utf8", "도움말", secret=b"\xff\xfe\xe9", status=403, says="secret"),
        KakaoCase("secret/korean", "도움말", secret="비밀".encode(), status=403, says="secret"),
        # aiohttp's HTTP parser refuses a NUL in a header (plain text), before the app.
        KakaoCase("secret/nul", "도움말", secret=b"a\x00b", status=400, says="header"),
        KakaoCase("secret/right-plus-bytes", "도움말", secret=b"{secret}\xff", status=403),
        KakaoCase("secret/path-wrong", "도움말", secret=b"", path="/kakao/skill/nope", status=403),
        KakaoCase(
            "secret/path-not-utf8", "도움말", secret=b"", path="/kakao/skill/%FF%FE", status=403
        ),
        KakaoCase(
            "secret/path-korean", "도움말", secret=b"", path="/kakao/skill/%EB%B9%84", status=403
        ),
        KakaoCase("secret/path-extra-segment", "도움말", path="/kakao/skill/a/b", status=404),
        KakaoCase("bot/other", "도움말", patch={"bot.id": "otherbot"}, status=403, says="bot"),
        KakaoCase("bot/number", "도움말", patch={"bot.id": 5}, status=400),
        KakaoCase("bot/string", "도움말", patch={"bot": "x"}, status=400),
    ]
    for label, raw in (
        ("empty", b""),
        ("null", b"null"),
        ("list", b"[]"),
        ("string", b'"hi"'),
        ("number", b"42"),
        ("bool", b"true"),
        ("not-json", b"{nope"),
        ("form", b"utterance=hi"),
        ("not-utf8", b"\xff\xfe{}"),
        ("nan", b'{"userRequest": NaN}'),
        ("deep-list", DEEP.encode()),
        ("deep-object", b'{"a":' * 900 + b"1" + b"}" * 900),
    ):
        out.append(KakaoCase(f"body/{label}", raw=raw, status=400))
    out.append(KakaoCase("body/huge", raw=b'{"x": "' + b"a" * 40_000 + b'"}', status=413))
    # Lone surrogates: json.loads accepts them, nothing downstream can encode them.
    user = b'"user": {"id": "surrogate01"}'
    for label, raw in (
        ("utterance", b'{"userRequest": {"utterance": "\\ud800 hi", ' + user + b"}}"),
        ("user-id", b'{"userRequest": {"utterance": "hi", "user": {"id": "u\\udc80"}}}'),
    ):
        out.append(KakaoCase(f"body/lone-surrogate-{label}", raw=raw, status=400, says="Unicode"))
    out.append(
        KakaoCase(
            "body/lone-surrogate-nick",
            "도움말",
            patch={"action.params": {"nick": "\ud83d"}},
            status=400,
            says="Unicode",
        )
    )
    for label, patch, says in (
        ("no-user-request", {"userRequest": None}, "userRequest"),
        ("user-request-list", {"userRequest": []}, "userRequest"),
        ("no-user", {"userRequest.user": None}, "user"),
        ("user-string", {"userRequest.user": "me"}, "user"),
        ("user-id-empty", {"userRequest.user.id": ""}, "user"),
        ("user-id-long", {"userRequest.user.id": "u" * 129}, "user"),
        ("user-id-space", {"userRequest.user.id": "a b"}, "user.id"),
        ("user-id-newline", {"userRequest.user.id": "a\nb"}, "user.id"),
        ("user-id-number", {"userRequest.user.id": 12345}, "user"),
        ("user-id-null", {"userRequest.user.id": None}, "user"),
        ("user-id-zwsp", {"userRequest.user.id": "user\u200b01"}, "user.id"),
        ("user-id-korean", {"userRequest.user.id": "사용자"}, "user.id"),
        ("properties-string", {"userRequest.user.properties": "x"}, "properties"),
        ("chat-id-space", {"userRequest.chat": {"id": "a b"}}, "chat.id"),
        ("chat-id-empty", {"userRequest.chat": {"id": ""}}, "chat"),
        ("chat-string", {"userRequest.chat": "room"}, "chat"),
        ("group-key-space", {"userRequest.user.properties.botGroupKey": "a b"}, "botGroupKey"),
        ("group-key-list", {"userRequest.user.properties.botGroupKey": [1]}, "botGroupKey"),
        ("group-key-long", {"userRequest.user.properties.botGroupKey": "g" * 200}, "botGroupKey"),
        ("utterance-number", {"userRequest.utterance": 42}, "utterance"),
        ("utterance-null", {"userRequest.utterance": None}, "utterance"),
        ("utterance-list", {"userRequest.utterance": ["도움말"]}, "utterance"),
        ("utterance-object", {"userRequest.utterance": {"text": "도움말"}}, "utterance"),
        ("callback-number", {"userRequest.callbackUrl": 5}, "callbackUrl"),
        (
            "callback-list",
            {"userRequest.callbackUrl": ["https://bot-api.kakao.com/x"]},
            "callbackUrl",
        ),
        ("action-string", {"action": "run"}, "action"),
        ("params-list", {"action.params": ["command"]}, "params"),
        ("params-deep", {"action.params": {"x": json.loads("[" * 40 + "]" * 40)}}, "nested"),
    ):
        out.append(KakaoCase(f"request/{label}", "도움말", patch=patch, status=400, says=says))
    return out


def _ko(code: str, **params: object) -> str:
    """What the Kakao room says (a Korean catalog text)."""
    return texts.text(code, "ko", **params)


def _kakao_utterance_cases() -> list[KakaoCase]:
    too_long = "kakao-too-long"
    bad_page = _ko("kakao-relay-bad-page")
    vote_how = _ko("kakao-relay-vote-how")
    out: list[KakaoCase] = []
    for label, text in INVISIBLE.items():
        out.append(KakaoCase(f"write/invisible-{label}", f"이어쓰기 한줄 {text}", says="빈 줄"))
        out.append(
            KakaoCase(f"continue/keyword-invisible-{label}", f"이어쓰기 계속 {text}", says="키워드")
        )
        out.append(KakaoCase(f"mood/invisible-{label}", text, says="비어 있어요"))
        out.append(
            KakaoCase(
                f"params/write-invisible-{label}",
                "아무 말",
                params={"command": "relay.write", "text": text},
                says="빈 줄",
            )
        )
    out.append(KakaoCase("write/nothing", "이어쓰기 한줄", says="빈 줄"))
    out.append(KakaoCase("mood/empty-utterance", "", says="비어 있어요"))
    out.append(
        KakaoCase("utterance/too-long", "가" * 2001, says=_ko(too_long, length=2001, limit=2000))
    )
    out.append(
        KakaoCase(
            "utterance/too-long-invisible",
            "\u200b" * 5000,
            says=_ko(too_long, length=5000, limit=2000),
        )
    )
    out.append(KakaoCase("write/too-long", "이어쓰기 한줄 " + "가" * 600, says="자까지"))
    for label, value in NOT_DIGITS.items():
        if not value.strip() or value == "\x00":
            continue
        out.append(KakaoCase(f"show/page-{label}", f"이야기 보기 {value}", says=bad_page))
        out.append(
            KakaoCase(
                f"params/page-{label}",
                "이야기 보기",
                params={"command": "relay.show", "page": value},
                says=bad_page,
            )
        )
        if label not in ("zero", "seven-digits"):
            out.append(KakaoCase(f"vote/choice-{label}", f"투표 {value}", says=vote_how))
            out.append(
                KakaoCase(
                    f"params/choice-{label}",
                    "투표",
                    params={"command": "relay.vote", "choice": value},
                    says=vote_how,
                )
            )
    out += [
        KakaoCase("vote/zero", "투표 0", says="1"),
        KakaoCase("vote/not-a-candidate", "투표 9", says="1"),
        KakaoCase("vote/word", "투표", says=vote_how),
        KakaoCase("show/past-the-end", "이야기 보기 99", says="쪽은 없어요"),
        KakaoCase("params/page-list", "이야기 보기", params={"page": [2]}, says=bad_page),
        KakaoCase("params/choice-object", "투표", params={"choice": {"n": 1}}, says=vote_how),
        KakaoCase(
            "params/keyword-invisible",
            "이어쓰기 계속",
            params={"keyword": "\u202e\u2066"},
            says="키워드",
        ),
        KakaoCase(
            "params/command-list", "투표 ²", params={"command": ["relay.write"]}, says=vote_how
        ),
        KakaoCase("policy/sideways", "추천 방식 sideways", says="match"),
        KakaoCase("policy/superscript", "추천 방식 ²", says="match"),
        KakaoCase(
            "policy/params-number",
            "추천 방식",
            params={"command": "mood.policy", "policy": 2},
            says="match",
        ),
        KakaoCase("pick/nothing-listed", "고르기 1"),
        KakaoCase("pick/superscript", "고르기 ²"),
        KakaoCase("pick/word", "고르기 하나"),
        KakaoCase("lyrics/no-artist", "가사", says=_ko("kakao-lyrics-no-artist")),
        KakaoCase("lyrics/only-theme", "가사 / 봄", says=_ko("kakao-lyrics-no-artist")),
        KakaoCase("lyrics/again-nothing-before", "가사 다시", says=_ko("kakao-lyrics-again-first")),
        KakaoCase("lyrics/unknown-artist", "가사 없는가수 / 봄", says="없는가수"),
        KakaoCase("lyrics/invisible-artist", "가사 \u200b\u202e / 봄", says="가수 이름"),
        KakaoCase(
            "lyrics/params-invisible-artist",
            "가사 소월 테스트",
            params={"command": "lyrics", "artist": "\u200b"},
            says="가수 이름",
        ),
        KakaoCase("fetch/nothing", "결과 보기", says=_ko("kakao-nothing-waiting")),
        KakaoCase(
            "undo/not-the-author",
            "이어쓰기 취소",
            patch={"userRequest.user.id": "otheruser9"},
            says="쓴 사람",
        ),
        KakaoCase(
            "reroll/no-round-elsewhere",
            "이어쓰기 다시",
            patch={
                "userRequest.user.id": "loneuser01",
                "userRequest.chat": None,
                "userRequest.user.properties.botGroupKey": None,
            },
            says="없어요",
        ),
        KakaoCase(
            "start/title-too-long",
            "이어쓰기 시작 " + "가" * 101,
            patch={
                "userRequest.user.id": "freshuser01",
                "userRequest.chat": None,
                "userRequest.user.properties.botGroupKey": None,
            },
            says="제목",
        ),
        KakaoCase(
            "start/genre-too-long",
            "이어쓰기 시작 제목 / " + "가" * 41,
            patch={
                "userRequest.user.id": "freshuser01",
                "userRequest.chat": None,
                "userRequest.user.properties.botGroupKey": None,
            },
            says="장르",
        ),
        KakaoCase(
            "start/params-title-too-long",
            "이어쓰기 시작",
            params={"title": "가" * 101},
            patch={
                "userRequest.user.id": "freshuser01",
                "userRequest.chat": None,
                "userRequest.user.properties.botGroupKey": None,
            },
            says="제목",
        ),
        KakaoCase(
            "write/no-story",
            "이어쓰기 한줄 줄이다.",
            patch={
                "userRequest.user.id": "freshuser01",
                "userRequest.chat": None,
                "userRequest.user.properties.botGroupKey": None,
            },
            says="이야기가 없어요",
        ),
        KakaoCase(
            "end/no-story",
            "이어쓰기 끝",
            patch={
                "userRequest.user.id": "freshuser01",
                "userRequest.chat": None,
                "userRequest.user.properties.botGroupKey": None,
            },
            says="이야기가 없어요",
        ),
        KakaoCase(
            "callback/not-allowed-host",
            "이어쓰기 한줄 \u200b",
            patch={"userRequest.callbackUrl": "http://169.254.169.254/latest"},
            says="빈 줄",
        ),
        KakaoCase(
            "callback/not-a-url",
            "이어쓰기 계속 \u200b",
            patch={"userRequest.callbackUrl": "javascript:alert(1)"},
            says="키워드",
        ),
    ]
    return out


def kakao_cases() -> list[KakaoCase]:
    cases = _kakao_transport_cases() + _kakao_utterance_cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


@dataclass(frozen=True)
class DiscordCase:
    """One move on Discord, as the gateway delivers it: a slash command (``command`` with
    ``options``), a DM to the bot (``dm``), or a button press (``custom_id``).

    The harness's clients and guild speak Korean: a command's answer is a Korean catalog text. A
    DM is answered in the language it is written in (Hangul fillers make it Korean)."""

    id: str
    command: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    dm: str | None = None
    custom_id: str = ""
    says: str = ""


def discord_cases() -> list[DiscordCase]:
    out: list[DiscordCase] = []
    for label, text in INVISIBLE.items():
        out.append(
            DiscordCase(
                f"relay-write/invisible-{label}", "relay write", {"text": text}, says="빈 줄"
            )
        )
        out.append(
            DiscordCase(
                f"relay-continue/keyword-invisible-{label}",
                "relay continue",
                {"keyword": text},
                says="키워드가 비어",
            )
        )
        out.append(
            DiscordCase(
                f"relay-propose/keyword-invisible-{label}",
                "relay propose",
                {"kind": "keyword", "value": text},
                says="키워드가 비어",
            )
        )
        empty = "비어" if language_of(text) == "ko" else "empty"
        out.append(DiscordCase(f"dm/invisible-{label}", dm=text, says=empty))
    for label, value in NOT_DIGITS.items():
        if not value.strip() or value == "\x00":
            continue
        out.append(
            DiscordCase(
                f"relay-continue/length-{label}", "relay continue", {"length": value}, says="길이"
            )
        )
        out.append(
            DiscordCase(
                f"relay-propose/length-{label}",
                "relay propose",
                {"kind": "length", "value": value},
                says="길이",
            )
        )
    for label, page in (("zero", 0), ("negative", -1), ("past-the-end", 99), ("huge", 2**53 - 1)):
        out.append(
            DiscordCase(
                f"relay-show/page-{label}", "relay show", {"page": page}, says="쪽은 없어요"
            )
        )
        out.append(
            DiscordCase(
                f"relay-stories/page-{label}", "relay stories", {"page": page}, says="쪽은 없어요"
            )
        )
    out += [
        DiscordCase("relay-write/empty", "relay write", {"text": ""}, says="빈 줄"),
        DiscordCase("relay-write/controls", "relay write", {"text": "\x00\x1b\x07"}, says="빈 줄"),
        DiscordCase("relay-write/too-long", "relay write", {"text": "가" * 501}, says="500자까지"),
        DiscordCase(
            "relay-start/title-too-long", "relay start", {"title": "가" * 101}, says="제목"
        ),
        DiscordCase("relay-start/genre-too-long", "relay start", {"genre": "가" * 41}, says="장르"),
        DiscordCase("relay-start/language-fr", "relay start", {"language": "fr"}, says="언어"),
        DiscordCase(
            "relay-continue/keyword-too-long",
            "relay continue",
            {"keyword": "가" * 201},
            says="키워드",
        ),
        DiscordCase("relay-support/unknown", "relay support", {"proposal": "999"}, says="제안"),
        DiscordCase("relay-support/path", "relay support", {"proposal": "../1"}, says="제안"),
        DiscordCase(
            "relay-support/invisible", "relay support", {"proposal": "\u200b"}, says="제안"
        ),
        DiscordCase("relay-undo/not-the-author", "relay undo", says="쓴 사람"),
        DiscordCase("relay-end/not-the-starter", "relay end", says="관리자"),
        DiscordCase("lyrics/artist-empty", "lyrics", {"artist": ""}, says="가수 이름"),
        DiscordCase(
            "lyrics/artist-invisible", "lyrics", {"artist": "\u200b\u202e"}, says="가수 이름"
        ),
        DiscordCase("lyrics/artist-unknown", "lyrics", {"artist": "없는 가수"}, says="없는 가수"),
        DiscordCase(
            "lyrics/lines-zero", "lyrics", {"artist": "소월 테스트", "lines": 0}, says="줄 수"
        ),
        DiscordCase(
            "lyrics/lines-negative", "lyrics", {"artist": "소월 테스트", "lines": -4}, says="줄 수"
        ),
        DiscordCase(
            "lyrics/lines-huge", "lyrics", {"artist": "소월 테스트", "lines": 10**9}, says="줄 수"
        ),
        DiscordCase(
            "lyrics/language-xx",
            "lyrics",
            {"artist": "소월 테스트", "language": "xx"},
            says="언어",
        ),
        DiscordCase(
            "lyrics/theme-too-long",
            "lyrics",
            {"artist": "소월 테스트", "theme": "가" * 1001},
            says="주제",
        ),
        DiscordCase("mood-policy/sideways", "mood policy", {"policy": "sideways"}, says="match"),
        DiscordCase("mood-policy/superscript", "mood policy", {"policy": "²"}, says="match"),
        DiscordCase("dm/too-long", dm="가" * 1001, says="1000"),
        DiscordCase("button/vote-unknown-round", custom_id="relay:vote:ffffffff:1", says="투표"),
        DiscordCase("button/vote-past-candidates", custom_id="relay:vote:{round}:9", says="1"),
    ]
    ids = [c.id for c in out]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return out
