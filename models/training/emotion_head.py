"""Train the lexical head of an emotion classifier (see :mod:`models.lexical_head`) and re-score it.

The head is fitted on the Korean training split only. Its blend weight is the one with the best
Korean valid macro-F1 (a single number chosen on valid, so the blended valid figure is slightly
optimistic; the model card says so). Then every split is scored with the blend, through the same
:class:`~models.classification.LocalClassifier` the worker uses, and ``metrics.json`` and the
confusion plots are rewritten; the neural-only figures stay in ``metrics.json`` under
``neural_splits``.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from models.training import common
from models.training.corpus import DEFAULT_DATA_DIR
from models.training.emotion_data import (
    LABELS,
    kote_splits,
    per_class_report,
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


def train_emotion_head(
    model_dir: Path,
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    char_ngrams: tuple[int, int] = (1, 3),
    n_features: int = 2**16,
    c: float = 2.0,
    weight: float | None = None,
    device: str = "auto",
) -> dict[str, Any]:
    """Fit, choose the weight (unless given), save beside the model, re-score; returns metrics."""
    from models.classification import LocalClassifier
    from models.lexical_head import best_weight, train_lexical_head
    from models.loading import load_classifier

    model_dir = Path(model_dir)
    started = time.monotonic()
    loaded = load_classifier(str(model_dir), common.pick_device(device))  # fails first, cheaply
    korean = [e for e in train_examples(data_dir) if e.lang == "ko"]
    if not korean:
        raise ValueError(f"no Korean training rows under {data_dir}")
    splits = {**valid_splits(data_dir), **kote_splits(data_dir)}
    labels = tuple(str(loaded.model.config.id2label[i]) for i in range(len(LABELS)))
    if labels != LABELS:
        raise ValueError(f"{model_dir} has labels {labels}; the head needs {LABELS}")
    loaded.lexical = None  # score the neural model alone first (an older head is replaced)
    classifier = LocalClassifier(loaded)

    log.info("fitting the lexical head on %d Korean rows", len(korean))
    head = train_lexical_head(
        [e.text for e in korean],
        [e.labels[0] for e in korean],
        LABELS,
        char_ngrams=char_ngrams,
        n_features=n_features,
        c=c,
    )
    raw = {name: classifier.neural_probs([e.text for e in ex]) for name, ex in splits.items()}
    gold = [e.labels[0] for e in splits[KO_VALID]]
    neural = raw[KO_VALID]
    lexical = head.predict_proba([e.text for e in splits[KO_VALID]])

    def macro(g: list[int], p: list[int]) -> float:
        value = per_class_report(g, p)["macro_f1"]
        assert isinstance(value, float)
        return value

    chosen, _ = best_weight(neural, lexical, gold, macro)
    head.weight = chosen if weight is None else weight
    head.save(model_dir)

    neural_reports, reports = {}, {}
    for name, examples in splits.items():
        neural_reports[name] = report_predictions(examples, raw[name].argmax(axis=1).tolist())
        mixed = head.blend([e.text for e in examples], raw[name])
        reports[name] = report_predictions(examples, mixed.argmax(axis=1).tolist())
        plot_confusion(reports[name]["confusion"], model_dir / f"confusion_{name}.png", name)
        log.info("%s", format_report(f"{name} (blend)", reports[name]))

    metrics_path = model_dir / "metrics.json"
    metrics: dict[str, Any] = {}
    if metrics_path.is_file():
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    metrics["splits"] = {n: rounded(r) for n, r in reports.items()}
    metrics["neural_splits"] = {n: rounded(r) for n, r in neural_reports.items()}
    metrics["lexical_head"] = {
        "weight": head.weight,
        "chosen_weight": chosen,
        "char_ngrams": list(char_ngrams),
        "n_features": n_features,
        "c": c,
        "korean_train_rows": len(korean),
        "ko_valid_macro_f1": {
            "neural": round(macro(gold, neural.argmax(axis=1).tolist()), 4),
            "lexical": round(macro(gold, lexical.argmax(axis=1).tolist()), 4),
            "blend": round(reports[KO_VALID]["macro_f1"], 4),
        },
        "seconds": round(time.monotonic() - started, 1),
    }
    common.write_json(metrics_path, metrics)
    return metrics
