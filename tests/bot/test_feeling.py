"""The feeling gate in front of the mood companion, on its evaluation set and on its rules."""

from __future__ import annotations

import pytest

from benchmarks.feeling_eval import DATA, figures, load
from bot.mood.feeling import classify, is_feeling
from bot.mood.service import is_crisis

# Measured on the set when the rules were frozen (python -m benchmarks.feeling_eval):
# all 0.971, score split (written after the rules) 0.953. The floors leave a little room.
ACCURACY_FLOOR = 0.95
SCORE_SPLIT_FLOOR = 0.93
RECALL_FLOOR = 0.95


def test_the_set_is_large_balanced_and_bilingual() -> None:
    examples = load()
    assert len(examples) >= 150
    for language in ("ko", "en"):
        rows = [e for e in examples if e.language == language]
        assert sum(e.feeling for e in rows) >= 15 and sum(not e.feeling for e in rows) >= 15
    assert {e.split for e in examples} == {"tune", "score"}
    assert len({e.text for e in examples}) == len(examples)  # no duplicates
    assert DATA.name == "feeling_eval.jsonl"


def test_accuracy_floor_per_language_and_split() -> None:
    examples = load()
    predicted = [is_feeling(e.text) for e in examples]
    overall = figures(examples, predicted, split=None, language=None)
    assert overall.accuracy >= ACCURACY_FLOOR, overall
    assert overall.recall >= RECALL_FLOOR, overall
    score = figures(examples, predicted, split="score", language=None)
    assert score.accuracy >= SCORE_SPLIT_FLOOR, score
    for language in ("ko", "en"):
        f = figures(examples, predicted, split=None, language=language)
        assert f.accuracy >= 0.9 and f.precision >= 0.9 and f.recall >= 0.9, (language, f)


def test_every_crisis_is_a_feeling() -> None:
    """The crisis detector is asked first: no rule here can turn a crisis away."""
    crises = ["죽고 싶어", "!죽고 싶다", "https://x.com 나 오늘 죽을 거야", "I want to kill myself"]
    for text in crises:
        assert is_crisis(text), text
        verdict = classify(text)
        assert verdict.feeling and verdict.reason == "crisis", text


@pytest.mark.parametrize(
    ("text", "feeling", "reason"),
    [
        ("!가격 btc", False, "command"),
        ("/start", False, "command"),
        ("오늘 날씨 어때?", False, "no feeling cue"),
        ("ㅎㅇ", False, "greeting"),
        ("hello there", False, "greeting"),
        ("https://example.com/a", False, "link"),
        ("12345", False, "numbers"),
        ("무서운 영화 뭐 있어?", False, "question about the world"),
        ("ㅠㅠ", True, "tears:ㅠㅠ"),
        ("요즘 너무 우울해", True, "ko:우울"),
        ("슬픈 노래 추천해줘", True, "ko:슬픈"),
        ("I'm so sad today", True, "en:sad"),
        ("😭", True, "emoji:😭"),
    ],
)
def test_each_rule_names_itself(text: str, feeling: bool, reason: str) -> None:
    verdict = classify(text)
    assert (verdict.feeling, verdict.reason) == (feeling, reason)
