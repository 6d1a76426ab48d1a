"""Every slash command speaks Korean to a Korean client: the synced command tree, walked.

The owner's ``sync`` publishes the tree through the real discord.py and the tree's translator;
the payload the stand-in recorded is what Discord would get. Every command group, command,
option and choice must carry a Korean name and description that Discord accepts (names: at most
32 characters of lower-case letters, digits, ``-`` and ``_``, Hangul included; descriptions: at
most 100 characters), and no two siblings may share a Korean name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from bot import texts
from bot.discord_bot import COMMAND_ACTIONS, NoraeBot
from tests.discord_harness import DiscordHarness

Harness = DiscordHarness[NoraeBot]
JSON = dict[str, Any]
SUBCOMMAND, GROUP = 1, 2
NAME_CHARS = 32
DESCRIPTION_CHARS = 100
CHOICE_CHARS = 100
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def is_name_char(char: str) -> bool:
    """Discord's ``[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]``, lower-case where a case exists."""
    if char in "-_":
        return True
    if char.lower() != char:
        return False
    if unicodedata.category(char)[0] in "LN":
        return True
    name = unicodedata.name(char, "")
    return name.startswith(("DEVANAGARI", "THAI"))


def name_problem(name: object) -> str | None:
    """Why Discord would refuse ``name`` as a command or option name; None when it is fine."""
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_CHARS:
        return f"{name!r}: 1 to {NAME_CHARS} characters"
    bad = [c for c in name if not is_name_char(c)]
    return f"{name!r}: not allowed in a name: {bad}" if bad else None


def description_problem(description: object) -> str | None:
    if not isinstance(description, str) or not 1 <= len(description) <= DESCRIPTION_CHARS:
        return f"{description!r}: 1 to {DESCRIPTION_CHARS} characters"
    return None


def nodes(items: list[JSON], path: str = "") -> Iterator[tuple[str, JSON, list[JSON]]]:
    """Each command, subcommand and option with its path (``relay start title``) and siblings."""
    for item in items:
        where = f"{path} {item['name']}".strip()
        yield where, item, items
        yield from nodes(item.get("options") or [], where)


def problems(commands: list[JSON]) -> list[str]:
    found: list[str] = []
    for where, item, siblings in nodes(commands):
        korean_name = (item.get("name_localizations") or {}).get("ko")
        korean_description = (item.get("description_localizations") or {}).get("ko")
        for kind, text, check in (
            ("name", item["name"], name_problem),
            ("Korean name", korean_name, name_problem),
            ("description", item.get("description"), description_problem),
            ("Korean description", korean_description, description_problem),
        ):
            problem = check(text)
            if problem is not None:
                found.append(f"{where}: {kind} {problem}")
        if korean_name is not None and not HANGUL.search(korean_name):
            found.append(f"{where}: Korean name {korean_name!r} has no Hangul")
        others = [(s.get("name_localizations") or {}).get("ko") for s in siblings if s is not item]
        if korean_name is not None and korean_name in others:
            found.append(f"{where}: Korean name {korean_name!r} used twice")
        for choice in item.get("choices") or []:
            korean_choice = (choice.get("name_localizations") or {}).get("ko")
            if not isinstance(korean_choice, str) or not 1 <= len(korean_choice) <= CHOICE_CHARS:
                found.append(f"{where}: choice {choice['name']!r} Korean name {korean_choice!r}")
    return found


async def synced_commands(h: Harness) -> list[JSON]:
    await h.say(f"<@{h.bot_user_id}> sync", user=h.world.owner).done()
    (put,) = h.rest.find("PUT", "/applications/{application_id}/commands")
    commands: list[JSON] = put.json
    return commands


async def test_every_command_option_and_choice_has_a_valid_korean_name_and_description(
    discord_harness: Harness,
) -> None:
    commands = await synced_commands(discord_harness)
    paths = {where for where, _, _ in nodes(commands)}
    # the walk sees the features' commands, their subcommands, options and choices
    assert {"relay", "relay start", "relay start language", "lyrics", "mood policy"} <= paths
    assert problems(commands) == []


async def test_korean_clients_read_the_commands_in_korean(discord_harness: Harness) -> None:
    commands = {c["name"]: c for c in await synced_commands(discord_harness)}
    relay = commands["relay"]
    assert relay["name_localizations"] == {"ko": "릴레이"}
    assert relay["description"] == texts.text("discord-relay-description", "en")
    start = next(o for o in relay["options"] if o["name"] == "start")
    assert start["name_localizations"] == {"ko": "시작"}
    language = next(o for o in start["options"] if o["name"] == "language")
    assert language["name_localizations"] == {"ko": "언어"}
    assert [(c["name"], c["name_localizations"], c["value"]) for c in language["choices"]] == [
        ("Korean", {"ko": "한국어"}, "ko"),
        ("English", {"ko": "영어"}, "en"),
    ]
    policy = next(o for o in commands["mood"]["options"] if o["name"] == "policy")
    assert [c["name_localizations"]["ko"] for c in policy["options"][0]["choices"]] == [
        "기분에 맞추기",
        "기분 끌어올리기",
    ]


async def test_every_rate_limited_command_is_in_the_tree(discord_harness: Harness) -> None:
    """The English names come from the catalogs: the actions spent still name real commands."""
    paths = {where for where, item, _ in nodes(await synced_commands(discord_harness))}
    assert set(COMMAND_ACTIONS) <= paths


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("시작", True),
        ("지난-이야기_2", True),
        ("relay", True),
        ("Relay", False),  # upper case
        ("이야기 시작", False),  # a space
        ("", False),
        ("가" * 33, False),
        ("무엇?", False),
    ],
)
def test_the_name_rule_is_discords(name: str, valid: bool) -> None:
    assert (name_problem(name) is None) is valid


def test_a_missing_or_overlong_korean_text_is_reported() -> None:
    command: JSON = {
        "name": "relay",
        "description": "Write a story together",
        "name_localizations": {"ko": "릴레이"},
        "description_localizations": {"ko": "가" * 101},
        "options": [
            {"name": "start", "description": "Start", "name_localizations": {"ko": "릴레이"}},
            {"name": "end", "description": "End", "name_localizations": {"ko": "릴레이"}},
        ],
    }
    found = problems([command])
    assert any("relay: Korean description" in p for p in found), found
    assert any("relay start: Korean description None" in p for p in found), found
    assert any("used twice" in p for p in found), found
