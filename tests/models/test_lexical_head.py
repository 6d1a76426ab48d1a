"""The lexical head: n-gram features, save/load without pickles, blending, and its file errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from contract.emotions import EMOTIONS
from models.lexical_head import (
    JSON_FILE,
    NPZ_FILE,
    LexicalHead,
    LexicalHeadError,
    best_weight,
    hangul_share,
    is_korean,
    train_lexical_head,
)

ROWS = {
    0: ["오늘 정말 행복해요", "너무 기뻐서 웃음이 나", "선물 받아서 좋아", "행복한 하루"],
    1: ["너무 슬퍼서 눈물이 나", "헤어져서 마음이 아파", "혼자라서 외로워", "슬픈 하루"],
    2: ["진짜 화가 난다", "왜 이렇게 짜증나게 해", "열받아 죽겠네", "화나는 하루"],
}
TEXTS = [t for ts in ROWS.values() for t in ts]
LABELS = [k for k, ts in ROWS.items() for _ in ts]


@pytest.fixture(scope="module")
def head() -> LexicalHead:
    return train_lexical_head(TEXTS, LABELS, EMOTIONS, n_features=2**10, c=10.0, weight=0.5)


def test_language_detection() -> None:
    assert is_korean("오늘 기분 최고") and is_korean("ㅠㅠ") and is_korean("오늘 so happy")
    assert not is_korean("so happy today") and not is_korean("1234 !!") and not is_korean("")
    assert hangul_share("ab가나") == pytest.approx(4 / 6)  # a syllable counts as two letters


def test_head_learns_its_training_rows(head: LexicalHead) -> None:
    probs = head.predict_proba(TEXTS)
    assert probs.shape == (len(TEXTS), len(EMOTIONS))
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert probs.argmax(axis=1).tolist() == LABELS
    # labels never seen in training (fear .. neutral) get next to nothing
    assert float(probs[:, 3:].max()) < 1e-6
    assert head.predict_proba([]).shape == (0, len(EMOTIONS))


def test_blend_touches_korean_rows_only(head: LexicalHead) -> None:
    texts = ["너무 슬퍼서 눈물이 나", "I am so sad", ""]
    neural = np.full((3, len(EMOTIONS)), 1 / len(EMOTIONS), dtype=np.float32)
    mixed = head.blend(texts, neural)
    assert int(mixed[0].argmax()) == 1 and mixed[0].sum() == pytest.approx(1.0, abs=1e-5)
    assert np.array_equal(mixed[1:], neural[1:])  # English and empty rows: the neural output
    assert np.array_equal(neural[0], neural[1])  # the input is not changed in place
    head_off = LexicalHead(**{**head.__dict__, "weight": 0.0})
    assert np.array_equal(head_off.blend(texts, neural), neural)


def test_huge_and_odd_texts(head: LexicalHead) -> None:
    """A huge text is read up to MAX_CHARS (same answer as its prefix); empty, emoji-only and
    control-character texts get a valid distribution, not an error."""
    from models.lexical_head import MAX_CHARS

    prefix = ("너무 슬퍼서 눈물이 나 " * 200)[:MAX_CHARS]
    huge = prefix + "진짜 화가 난다 " * 20_000
    probs = head.predict_proba([huge, prefix, "", "🙂🙂", "\x00\t"])
    assert np.allclose(probs[0], probs[1])
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_save_and_load_round_trip_without_pickles(head: LexicalHead, tmp_path: Path) -> None:
    head.save(tmp_path)
    meta = json.loads((tmp_path / JSON_FILE).read_text(encoding="utf-8"))
    assert meta["labels"] == list(EMOTIONS) and meta["weight"] == 0.5
    with np.load(tmp_path / NPZ_FILE, allow_pickle=False) as data:
        assert sorted(data.files) == ["coef", "idf", "intercept"]
    loaded = LexicalHead.load(tmp_path)
    assert loaded.char_ngrams == head.char_ngrams and loaded.n_features == head.n_features
    # stored in float16: the same decisions, probabilities within a rounding error
    assert np.array_equal(
        loaded.predict_proba(TEXTS).argmax(axis=1), head.predict_proba(TEXTS).argmax(axis=1)
    )
    assert np.allclose(loaded.predict_proba(TEXTS), head.predict_proba(TEXTS), atol=2e-2)


def test_bad_files_name_the_file(head: LexicalHead, tmp_path: Path) -> None:
    head.save(tmp_path)
    (tmp_path / NPZ_FILE).write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(LexicalHeadError, match=r"lexical_head\.npz is corrupt"):
        LexicalHead.load(tmp_path)
    head.save(tmp_path)
    (tmp_path / JSON_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(LexicalHeadError, match=r"lexical_head\.json is corrupt"):
        LexicalHead.load(tmp_path)
    head.save(tmp_path)
    meta = json.loads((tmp_path / JSON_FILE).read_text(encoding="utf-8"))
    (tmp_path / JSON_FILE).write_text(json.dumps({**meta, "n_features": 2**11}), "utf-8")
    with pytest.raises(LexicalHeadError, match=r"idf has shape \(2048,\), expected \(4096,\)"):
        LexicalHead.load(tmp_path)
    (tmp_path / JSON_FILE).write_text(json.dumps({**meta, "weight": 1.5}), "utf-8")
    with pytest.raises(LexicalHeadError, match=r"weight 1\.5 not in"):
        LexicalHead.load(tmp_path)
    (tmp_path / NPZ_FILE).unlink()
    with pytest.raises(LexicalHeadError, match=r"lexical_head\.npz is missing"):
        LexicalHead.load(tmp_path)


def test_classifier_loading_checks_the_head(tiny_classifier: Path, tmp_path: Path) -> None:
    """A tiny classifier with a head: loads and blends; a broken or mismatched head fails early,
    naming the file; a lone npz without its json is refused too."""
    from models.classification import LocalClassifier
    from models.loading import ModelLoadError, load_classifier

    model = tmp_path / "clf"
    shutil.copytree(tiny_classifier, model)
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    labels = tuple(config["id2label"][str(i)] for i in range(len(config["id2label"])))
    fitted = train_lexical_head(TEXTS, LABELS, labels, n_features=2**10, c=10.0, weight=1.0)
    fitted.save(model)
    loaded = load_classifier(str(model))
    assert loaded.lexical is not None
    preds = LocalClassifier(loaded).predict(["너무 슬퍼서 눈물이 나", "I am so sad"])
    assert preds[0].label == labels[1]  # weight 1: the head decides Korean rows
    plain = LocalClassifier(load_classifier(str(tiny_classifier))).predict(["I am so sad"])
    assert preds[1].probs == plain[0].probs  # English rows are the neural model's alone

    shuffled = train_lexical_head(TEXTS, LABELS, labels[::-1], n_features=2**10)
    shuffled.save(model)  # the classifier's labels in another order
    with pytest.raises(ModelLoadError, match=r"lexical_head\.json lists labels"):
        load_classifier(str(model))
    (model / NPZ_FILE).write_bytes(b"garbage")
    with pytest.raises(ModelLoadError, match=r"lexical_head\.npz is corrupt"):
        load_classifier(str(model))
    (model / JSON_FILE).unlink()
    with pytest.raises(ModelLoadError, match=r"lexical_head\.json is missing"):
        load_classifier(str(model))


def test_best_weight_takes_the_middle_of_a_plateau() -> None:
    gold = [0, 1, 1]
    neural = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    lexical = np.array([[0.8, 0.2], [0.0, 1.0], [0.3, 0.7]])

    def accuracy(g: list[int], p: list[int]) -> float:
        return sum(a == b for a, b in zip(g, p, strict=True)) / len(g)

    weight, score = best_weight(neural, lexical, gold, accuracy)
    # row 1 is fixed from w = 0.2 (w > 1/6) on; with its neighbours averaged, 0.25 is the first
    # weight whose whole neighbourhood scores 1
    assert score == 1.0 and weight == pytest.approx(0.25)
    same_weight, same_score = best_weight(neural, neural, gold, accuracy)
    assert same_weight == 0.0 and same_score == pytest.approx(2 / 3)  # nothing to gain: 0


def test_training_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="same, non-zero number"):
        train_lexical_head([], [], EMOTIONS)
    with pytest.raises(ValueError, match="same, non-zero number"):
        train_lexical_head(["하나"], [0, 1], EMOTIONS)


EN_ROWS = {
    0: ["so happy today", "yay i love this", "best day ever lol", "feeling great"],
    1: ["i feel so sad", "miss u so much", "crying all night", "heartbroken rn"],
    2: ["im so mad", "this pisses me off", "wtf stop it", "furious rn"],
}
EN_TEXTS = [t for ts in EN_ROWS.values() for t in ts]
EN_LABELS = [k for k, ts in EN_ROWS.items() for _ in ts]


def test_english_head_serves_what_is_not_korean(tmp_path: Path) -> None:
    """An English head blends only the texts the Korean head leaves alone, and is stored under
    its own file names so that both fit beside one classifier."""
    from models.lexical_head import LexicalHeads, head_files

    english = train_lexical_head(
        EN_TEXTS, EN_LABELS, EMOTIONS, language="en", n_features=2**10, c=10.0, weight=1.0
    )
    assert english.predict_proba(EN_TEXTS).argmax(axis=1).tolist() == EN_LABELS
    texts = ["너무 슬퍼서 눈물이 나", "crying all night"]
    neural = np.full((2, len(EMOTIONS)), 1 / len(EMOTIONS), dtype=np.float32)
    mixed = english.blend(texts, neural)
    assert np.array_equal(mixed[0], neural[0]) and int(mixed[1].argmax()) == 1
    english.save(tmp_path)
    assert head_files("en") == ("lexical_head_en.json", "lexical_head_en.npz")
    assert (tmp_path / "lexical_head_en.npz").is_file() and not (tmp_path / NPZ_FILE).exists()
    again = LexicalHead.load(tmp_path, "en")
    assert np.allclose(again.predict_proba(EN_TEXTS), english.predict_proba(EN_TEXTS), atol=1e-3)
    with pytest.raises(LexicalHeadError, match=r"lexical_head\.npz is missing"):
        LexicalHead.load(tmp_path)  # no Korean head here
    shutil.copy(tmp_path / "lexical_head_en.json", tmp_path / JSON_FILE)
    shutil.copy(tmp_path / "lexical_head_en.npz", tmp_path / NPZ_FILE)
    with pytest.raises(LexicalHeadError, match=r"is for language 'en', not 'ko'"):
        LexicalHead.load(tmp_path)
    korean = train_lexical_head(TEXTS, LABELS, EMOTIONS, n_features=2**10, c=10.0, weight=1.0)
    both = LexicalHeads((korean, english))
    assert both.get("en") is english and both.get("ja") is None
    assert both.blend(texts, neural).argmax(axis=1).tolist() == [1, 1]


def test_classifier_loads_both_heads(tiny_classifier: Path, tmp_path: Path) -> None:
    """A classifier with a Korean and an English head: each decides its own language's rows."""
    from models.classification import LocalClassifier
    from models.loading import ModelLoadError, load_classifier

    model = tmp_path / "clf"
    shutil.copytree(tiny_classifier, model)
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    labels = tuple(config["id2label"][str(i)] for i in range(len(config["id2label"])))
    train_lexical_head(TEXTS, LABELS, labels, n_features=2**10, c=10.0, weight=1.0).save(model)
    train_lexical_head(
        EN_TEXTS, EN_LABELS, labels, language="en", n_features=2**10, c=10.0, weight=1.0
    ).save(model)
    loaded = load_classifier(str(model))
    assert loaded.lexical is not None
    assert [h.language for h in loaded.lexical.heads] == ["ko", "en"]
    preds = LocalClassifier(loaded).predict(["화나는 하루", "furious rn", "so happy today"])
    assert [p.label for p in preds] == [labels[2], labels[2], labels[0]]
    (model / "lexical_head_en.json").unlink()
    with pytest.raises(ModelLoadError, match=r"lexical_head_en\.json is missing"):
        load_classifier(str(model))
