"""Train the lexical heads of an emotion classifier (see :mod:`models.lexical_head`) and re-score.

Two heads: a Korean one fitted on the Korean training split, and an English one fitted on the
GoEmotions training split (multi-label rows count once, split evenly over their labels); both
also see the chat-style training messages in ``models/training/data/chat_train.jsonl`` (short,
informal, with slang, emoji and typos; written for this project, kept apart from the scored
chat set in ``benchmarks/data``), each such row weighted ``chat_weight``. Each head's blend
weight is the one with the best valid macro-F1 of its language (a single number chosen on
valid, so the blended valid figures are slightly optimistic; the model card says so). Then every
split is scored with the blend, through the same
:class:`~models.classification.LocalClassifier` the worker uses, and ``metrics.json`` and the
confusion plots are rewritten; the neural-only figures stay in ``metrics.json`` under
``neural_splits``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.training import common
from models.training.corpus import DEFAULT_DATA_DIR
from models.training.emotion_data import (
    LABEL_INDEX,
    LABELS,
    Example,
    kote_splits,
    train_examples,
    valid_splits,
)
from models.training.emotion_report import (
    format_report,
    plot_confusion,
    report_predictions,
    rounded,
)

log = logging.getLogger(__name__)

KO_VALID = "ko_single_turn"
VALID_OF = {"ko": KO_VALID, "en": "goemotions_ekman"}
CHAT_TRAIN = Path(__file__).resolve().parent / "data" / "chat_train.jsonl"


def read_chat_train(path: Path = CHAT_TRAIN) -> list[Example]:
    """``{"text", "label", "lang"}`` per line."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append(Example(row["text"], (LABEL_INDEX[row["label"]],), row["lang"]))
    return rows


def weighted_rows(
    examples: Sequence[Example], chat: Sequence[Example], chat_weight: float
) -> tuple[list[str], list[int], list[float]]:
    """Texts, labels and weights: a row with k labels becomes k rows of weight 1/k; chat rows
    weigh ``chat_weight``."""
    texts: list[str] = []
    labels: list[int] = []
    weights: list[float] = []
    for rows, base in ((examples, 1.0), (chat, chat_weight)):
        for e in rows:
            for label in e.labels:
                texts.append(e.text)
                labels.append(label)
                weights.append(base / len(e.labels))
    return texts, labels, weights


def train_emotion_head(
    model_dir: Path,
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    char_ngrams: tuple[int, int] = (1, 3),
    n_features: int = 2**16,
    c: float = 2.0,
    weight: float | None = None,
    device: str = "auto",
    languages: Sequence[str] = ("ko", "en"),
    chat_train: Path | None = CHAT_TRAIN,
    chat_weight: float = 10.0,
    class_weight: str | None = "balanced",
    max_features_en: int = 2**14,
) -> dict[str, Any]:
    """Fit a head per language, choose each weight (unless given), save beside the model,
    re-score; returns metrics (``lexical_head`` for the Korean head, ``lexical_head_en``...)."""
    from models.classification import LocalClassifier
    from models.lexical_head import (
        LexicalHead,
        LexicalHeads,
        best_weight,
        head_files,
        train_lexical_head,
    )
    from models.loading import load_classifier

    model_dir = Path(model_dir)
    started = time.monotonic()
    loaded = load_classifier(str(model_dir), common.pick_device(device))  # fails first, cheaply
    training = train_examples(data_dir)
    chat = read_chat_train(chat_train) if chat_train is not None else []
    if not any(e.lang == "ko" for e in training):
        raise ValueError(f"no Korean training rows under {data_dir}")
    splits = {**valid_splits(data_dir), **kote_splits(data_dir)}
    labels = tuple(str(loaded.model.config.id2label[i]) for i in range(len(LABELS)))
    if labels != LABELS:
        raise ValueError(f"{model_dir} has labels {labels}; the head needs {LABELS}")
    loaded.lexical = None  # score the neural model alone first (older heads are replaced)
    classifier = LocalClassifier(loaded)
    raw = {name: classifier.neural_probs([e.text for e in ex]) for name, ex in splits.items()}

    def macro(examples: Sequence[Example], pred: list[int]) -> float:
        """Macro-F1 under the any-match rule (the figure every report uses)."""
        value = report_predictions(examples, pred)["macro_f1"]
        assert isinstance(value, float)
        return value

    heads: list[LexicalHead] = []
    head_metrics: dict[str, dict[str, Any]] = {}
    for language in languages:
        rows = [e for e in training if e.lang == language]
        if not rows:
            log.warning("no %s training rows under %s: no %s head", language, data_dir, language)
            continue
        lang_chat = [e for e in chat if e.lang == language]
        texts, gold_rows, weights = weighted_rows(rows, lang_chat, chat_weight)
        # the English head gets fewer hash buckets: both heads then fit the starters' 30 MB
        buckets = n_features if language == "ko" else min(n_features, max_features_en)
        log.info("fitting the %s lexical head on %d rows", language, len(texts))
        head = train_lexical_head(
            texts,
            gold_rows,
            LABELS,
            language=language,
            char_ngrams=char_ngrams,
            n_features=buckets,
            c=c,
            sample_weight=weights,
            class_weight=class_weight,
        )
        valid = splits[VALID_OF[language]]
        neural = raw[VALID_OF[language]]
        lexical = head.predict_proba([e.text for e in valid])
        gold = [e.labels[0] for e in valid]  # best_weight's argument; the score reads `valid`
        chosen, _ = best_weight(neural, lexical, gold, lambda _g, p, v=valid: macro(v, p))
        head.weight = chosen if weight is None else weight
        for stale in head_files(language):  # an older head of this language is replaced
            (model_dir / stale).unlink(missing_ok=True)
        head.save(model_dir)
        heads.append(head)
        head_metrics[language] = {
            "weight": head.weight,
            "chosen_weight": chosen,
            "char_ngrams": list(char_ngrams),
            "n_features": buckets,
            "c": c,
            "class_weight": class_weight,
            "train_rows": len(rows),
            "chat_rows": len(lang_chat),
            "chat_weight": chat_weight,
            "valid_macro_f1": {
                "neural": round(macro(valid, neural.argmax(axis=1).tolist()), 4),
                "lexical": round(macro(valid, lexical.argmax(axis=1).tolist()), 4),
            },
        }
    blender = LexicalHeads(tuple(heads))

    neural_reports, reports = {}, {}
    for name, examples in splits.items():
        neural_reports[name] = report_predictions(examples, raw[name].argmax(axis=1).tolist())
        mixed = blender.blend([e.text for e in examples], raw[name])
        reports[name] = report_predictions(examples, mixed.argmax(axis=1).tolist())
        plot_confusion(reports[name]["confusion"], model_dir / f"confusion_{name}.png", name)
        log.info("%s", format_report(f"{name} (blend)", reports[name]))
    for language, entry in head_metrics.items():
        entry["valid_macro_f1"]["blend"] = round(reports[VALID_OF[language]]["macro_f1"], 4)

    metrics_path = model_dir / "metrics.json"
    metrics: dict[str, Any] = {}
    if metrics_path.is_file():
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    metrics["splits"] = {n: rounded(r) for n, r in reports.items()}
    metrics["neural_splits"] = {n: rounded(r) for n, r in neural_reports.items()}
    for key in [k for k in metrics if k.startswith("lexical_head")]:
        del metrics[key]
    for language, entry in head_metrics.items():
        entry["seconds"] = round(time.monotonic() - started, 1)
        metrics["lexical_head" if language == "ko" else f"lexical_head_{language}"] = entry
    common.write_json(metrics_path, metrics)
    return metrics
