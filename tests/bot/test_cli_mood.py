"""``norae mood check``: one JSON line per message, read the way the companion reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.catalog import Catalog
from bot.cli.mood import mood_app, read_lines
from bot.mood.service import MoodService
from contract.emotions import EMOTIONS
from contract.settings import MoodSettings
from storage.connection import Redis
from tests.bot.test_mood import FakeInference

runner = CliRunner()

LINES = [
    "오늘 밤에 손목 그을 거야",
    "배고파 죽겠다",
    "i wanna unalive myself",
    "this exam is killing me",
    "",
    "가" * 1200,
    "죽고 싶어 " + "가" * 1200,
]


def check(*args: str, lines: list[str] = LINES) -> list[dict[str, object]]:
    result = runner.invoke(mood_app, ["check", *args], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.strip().split("\n")]


def test_crisis_verdicts_without_a_model() -> None:
    rows = check("--emotion", "none")
    assert len(rows) == len(LINES)
    assert [r["crisis"] for r in rows] == [True, False, True, False, False, False, True]
    assert all(set(r) == {"crisis", "emotion", "score", "why"} for r in rows)
    crisis = rows[0]
    assert crisis["emotion"] is None and crisis["score"] == 1.0
    assert "self-harm act" in str(crisis["why"])
    assert rows[1] == {"crisis": False, "emotion": None, "score": None, "why": "no crisis signal"}
    assert "empty" in str(rows[4]["why"]) and "1000" in str(rows[5]["why"])
    assert rows[6]["crisis"] is True  # too long, yet a crisis: the crisis comes first


def test_the_companions_settings_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORAE_MOOD_CRISIS_WORDS", '["catch the bus"]')
    (row,) = check("--emotion", "none", lines=["I'll catch the bus tonight"])
    assert row["crisis"] is True and "catch the bus" in str(row["why"])


def test_emotions_from_a_local_classifier(tiny_classifier: Path) -> None:
    rows = check("--emotion", "local", "--model", str(tiny_classifier), "--device", "cpu")
    for row, line in zip(rows, LINES, strict=True):
        if row["crisis"]:
            assert row["emotion"] is None, line  # nothing is classified for a crisis
        elif line and len(line) <= 1000:
            assert row["emotion"] in EMOTIONS and 0.0 < float(str(row["score"])) <= 1.0


def test_worker_without_redis_is_a_clear_error() -> None:
    result = runner.invoke(mood_app, ["check", "--emotion", "worker"], input="x\n")
    assert result.exit_code == 2 and "NORAE_REDIS_URL" in result.output
    bad = runner.invoke(mood_app, ["check", "--emotion", "guess"], input="x\n")
    assert bad.exit_code == 2 and "auto, worker, local or none" in bad.output


async def test_it_reads_what_the_companion_answers(redis: Redis) -> None:
    """The same reader: the command's crisis field is the companion's crisis flag, message by
    message, and its emotion is the one the companion classified."""
    fake = FakeInference()
    settings = MoodSettings(crisis_words=["세상과 작별"])
    mood = MoodService(redis, fake, Catalog(redis), settings)
    texts = [*LINES[:4], "이제 세상과 작별할래", "오늘 너무 슬퍼"]
    rows = [json.loads(out) async for out in read_lines(mood.reader, texts, with_emotion=True)]
    for text, row in zip(texts, rows, strict=True):
        reply = await mood.message("web:audit", text)
        assert row["crisis"] == reply.crisis, text
        if not reply.crisis:
            assert row["emotion"] == reply.emotion and row["score"] == reply.score, text
