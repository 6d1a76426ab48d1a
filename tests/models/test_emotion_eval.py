"""The emotion benchmark: its chat-style set is well-formed, and it scores the shipped classifier
through the worker's loader (the chat set always; the valid splits when ../shared is there)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.emotion_eval import (
    CHAT_SET,
    evaluate,
    format_result,
    read_chat_set,
    splits_to_score,
)
from contract.emotions import EMOTIONS
from models.training.corpus import DEFAULT_DATA_DIR
from models.training.emotion_head import CHAT_TRAIN, read_chat_train

STARTER = Path(__file__).resolve().parents[2] / "models" / "starter" / "emotion"


def test_chat_set_is_balanced_and_apart_from_the_training_text() -> None:
    rows = read_chat_set()
    assert len(rows) >= 200
    cells = Counter((e.lang, EMOTIONS[e.labels[0]]) for e in rows)
    assert set(cells) == {(lang, label) for lang in ("ko", "en") for label in EMOTIONS}
    assert len(set(cells.values())) == 1  # as many messages per language and emotion
    scored = {e.text.strip().lower() for e in rows}
    assert len(scored) == len(rows)
    training = {e.text.strip().lower() for e in read_chat_train()}
    assert not scored & training  # the scored set is never trained on
    for line in CHAT_TRAIN.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == {"text", "label", "lang"}


def test_benchmark_scores_the_shipped_classifier(tmp_path: Path) -> None:
    """Without shared data the chat set alone is scored; accuracy and per-class F1 come back for
    both languages (no figure is asserted: the model card records them)."""
    result = evaluate(str(STARTER), data_dir=tmp_path, chat=CHAT_SET, with_speed=False)
    assert set(result["splits"]) == {"chat_ko", "chat_en"}
    for name in ("chat_ko", "chat_en"):
        split = result["splits"][name]
        assert split["n"] == 105 and 0.0 <= split["accuracy"] <= 1.0
        assert set(split["f1"]) == set(EMOTIONS)
    # the shipped model reads most chat messages right (far above the 1-in-7 of guessing)
    assert result["splits"]["chat_ko"]["accuracy"] > 0.5
    assert result["splits"]["chat_en"]["accuracy"] > 0.5
    assert "chat_en" in format_result(result)


@pytest.mark.skipif(
    not (DEFAULT_DATA_DIR / "emotion").is_dir(), reason="../shared/data/emotion is absent"
)
def test_benchmark_reads_the_valid_splits_beside_the_chat_set() -> None:
    splits = splits_to_score(DEFAULT_DATA_DIR)
    assert list(splits) == ["ko_single_turn", "goemotions_ekman", "chat_ko", "chat_en"]
    assert len(splits["ko_single_turn"]) > 1000 and len(splits["goemotions_ekman"]) > 1000
