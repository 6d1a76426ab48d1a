"""Emotion data: the 7 labels, the Korean / GoEmotions / KOTE readers and their label mappings.

Label rules (documented here because they decide the reported figures):

- Korean single-turn: one label per row, mapped by :data:`KOREAN_TO_LABEL`.
- GoEmotions (Ekman): about 9% of rows carry several labels. Training uses a soft target spread
  evenly over the listed labels. Evaluation uses the *any-match* rule: a prediction that is one
  of the listed labels counts as correct (gold = that label); otherwise gold = the first listed
  label. The strict figure on single-label rows only is reported beside it.
- KOTE (out-of-domain check, never trained on): each of its 44 labels maps to one of the 7 or to
  nothing (:data:`KOTE_TO_LABEL`). Gold = the mapped class named most often among a row's labels;
  ties are broken toward the prediction when it is among the tied classes (any-match), else the
  lowest label index. Rows whose labels map to nothing are skipped.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from contract.emotions import EMOTIONS, FROM_KOREAN, KOREAN
from models.training.corpus import DEFAULT_DATA_DIR

log = logging.getLogger(__name__)

# One source of truth for the seven emotions and their Korean names (contract/emotions.py).
LABELS: tuple[str, ...] = EMOTIONS
LABEL_INDEX = {name: i for i, name in enumerate(LABELS)}
KOREAN_TO_LABEL: dict[str, str] = FROM_KOREAN
LABEL_TO_KOREAN: dict[str, str] = KOREAN

# KOTE's 44 labels in its README order, each mapped to one of the 7 (or None: no clear match).
# The grouping follows GoEmotions' own Ekman mapping where a counterpart exists.
KOTE_LABELS: tuple[tuple[str, str | None], ...] = (
    ("불평/불만", "anger"),
    ("환영/호의", "joy"),
    ("감동/감탄", "joy"),
    ("지긋지긋", "disgust"),
    ("고마움", "joy"),
    ("슬픔", "sadness"),
    ("화남/분노", "anger"),
    ("존경", "joy"),
    ("기대감", "joy"),
    ("우쭐댐/무시함", None),
    ("안타까움/실망", "sadness"),
    ("비장함", None),
    ("의심/불신", None),
    ("뿌듯함", "joy"),
    ("편안/쾌적", "joy"),
    ("신기함/관심", "surprise"),
    ("아껴주는", "joy"),
    ("부끄러움", None),
    ("공포/무서움", "fear"),
    ("절망", "sadness"),
    ("한심함", "disgust"),
    ("역겨움/징그러움", "disgust"),
    ("짜증", "anger"),
    ("어이없음", "anger"),
    ("없음", "neutral"),
    ("패배/자기혐오", "sadness"),
    ("귀찮음", "anger"),
    ("힘듦/지침", "sadness"),
    ("즐거움/신남", "joy"),
    ("깨달음", "surprise"),
    ("죄책감", "sadness"),
    ("증오/혐오", "disgust"),
    ("흐뭇함(귀여움/예쁨)", "joy"),
    ("당황/난처", "surprise"),
    ("경악", "surprise"),
    ("부담/안_내킴", "fear"),
    ("서러움", "sadness"),
    ("재미없음", None),
    ("불쌍함/연민", "sadness"),
    ("놀람", "surprise"),
    ("행복", "joy"),
    ("불안/걱정", "fear"),
    ("기쁨", "joy"),
    ("안심/신뢰", "joy"),
)
KOTE_TO_LABEL: tuple[str | None, ...] = tuple(label for _, label in KOTE_LABELS)

KO_DIR = "emotion/ko_single_turn"
GO_DIR = "emotion/goemotions_ekman"
KOTE_DIR = "emotion/kote"


@dataclass(frozen=True)
class Example:
    """A text with its gold label indices: one, or several for multi-label rows."""

    text: str
    labels: tuple[int, ...]
    lang: str


def _need(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"emotion data file not found: {path}")
    return path


def read_korean(path: Path) -> list[Example]:
    """``sentence,emotion`` CSV; rows with an unknown emotion are skipped (and counted)."""
    examples, skipped = [], 0
    with _need(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = KOREAN_TO_LABEL.get((row.get("emotion") or "").strip())
            text = (row.get("sentence") or "").strip()
            if label is None or not text:
                skipped += 1
                continue
            examples.append(Example(text, (LABEL_INDEX[label],), "ko"))
    log.info("read %d Korean examples from %s (%d skipped)", len(examples), path, skipped)
    return examples


def read_goemotions(path: Path, labels_path: Path) -> list[Example]:
    """``text \\t label \\t id`` TSV; label = comma-separated indices into ``labels.txt``."""
    names = [n.strip() for n in _need(labels_path).read_text(encoding="utf-8").split("\n")]
    to_ours = [LABEL_INDEX[n] for n in names if n]
    examples = []
    with _need(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            raw = (row.get("label") or "").strip()
            if not text or not raw:
                continue
            labels = tuple(dict.fromkeys(to_ours[int(i)] for i in raw.split(",")))
            examples.append(Example(text, labels, "en"))
    log.info("read %d English examples from %s", len(examples), path)
    return examples


def read_kote(path: Path) -> list[Example]:
    """KOTE ``id \\t text \\t indices`` rows mapped to the 7 labels, most-named first."""
    examples = []
    with _need(path).open(encoding="utf-8", newline="") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or not parts[2].strip():
                continue
            mapped = [KOTE_TO_LABEL[int(i)] for i in parts[2].split(",") if i.strip()]
            counts = Counter(LABEL_INDEX[m] for m in mapped if m is not None)
            if not counts:
                continue
            top = max(counts.values())
            tied = tuple(sorted(k for k, v in counts.items() if v == top))
            examples.append(Example(parts[1].strip(), tied, "ko"))
    log.info("read %d KOTE examples from %s", len(examples), path)
    return examples


def train_examples(data_dir: Path = DEFAULT_DATA_DIR) -> list[Example]:
    data_dir = Path(data_dir)
    return read_korean(data_dir / KO_DIR / "train.csv") + read_goemotions(
        data_dir / GO_DIR / "train.tsv", data_dir / GO_DIR / "labels.txt"
    )


def valid_splits(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, list[Example]]:
    data_dir = Path(data_dir)
    return {
        "ko_single_turn": read_korean(data_dir / KO_DIR / "valid.csv"),
        "goemotions_ekman": read_goemotions(
            data_dir / GO_DIR / "valid.tsv", data_dir / GO_DIR / "labels.txt"
        ),
    }


def kote_splits(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, list[Example]]:
    """KOTE val/test when present (optional data set)."""
    base = Path(data_dir) / KOTE_DIR
    return {
        f"kote_{name}": read_kote(base / f"{name}.tsv")
        for name in ("val", "test")
        if (base / f"{name}.tsv").is_file()
    }


def kote_texts(data_dir: Path = DEFAULT_DATA_DIR) -> list[str]:
    """KOTE val/test *texts* only (unlabelled text for masked-LM pretraining; labels unused)."""
    base = Path(data_dir) / KOTE_DIR
    texts: list[str] = []
    for name in ("val", "test"):
        path = base / f"{name}.tsv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                for line in handle:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) >= 2 and parts[1].strip():
                        texts.append(parts[1].strip())
    return texts


def resolve_gold(example: Example, predicted: int) -> int:
    """Any-match: the prediction when it is among the gold labels, else the first gold label."""
    return predicted if predicted in example.labels else example.labels[0]


def per_class_report(gold: Sequence[int], pred: Sequence[int]) -> dict[str, object]:
    """Precision / recall / F1 per class, macro-F1, accuracy and the confusion matrix."""
    n = len(LABELS)
    matrix = [[0] * n for _ in range(n)]
    for g, p in zip(gold, pred, strict=True):
        matrix[g][p] += 1
    classes = {}
    for i, name in enumerate(LABELS):
        tp = matrix[i][i]
        predicted = sum(matrix[r][i] for r in range(n))
        support = sum(matrix[i])
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        classes[name] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
    present = [c for c in classes.values() if c["support"]]
    macro = sum(c["f1"] for c in present) / len(present) if present else 0.0
    accuracy = sum(matrix[i][i] for i in range(n)) / max(1, len(gold))
    return {
        "macro_f1": macro,
        "accuracy": accuracy,
        "n": len(gold),
        "classes": classes,
        "confusion": matrix,
    }
