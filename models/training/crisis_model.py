"""Fit the crisis detector's learned signal: character n-grams and a logistic regression.

    python -m models.training.crisis_model [--out bot/crisis_model.json]

Trained on the ``tune`` split of ``tests/data/crisis_eval.jsonl`` only (the ``score`` split and the
held-out sets are never seen here). Features are TF-IDF weights of character 2-4-grams within words
(scikit-learn's ``char_wb``) over the detector's own normalized forms, so spacing tricks and
repeated letters look the same to both signals. The threshold is chosen by 5-fold cross-validation
on the tune split: the lowest one whose false alarms, added to the rules', stay at or under
``--max-false-alarms``.

The result is plain JSON (n-gram -> idf and weight, the intercept, the threshold): the bot scores it
in pure Python (``bot/crisis.py``) without importing scikit-learn.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from bot.crisis import MODEL_PATH, NGRAM_RANGE, CrisisDetector, learned_features

EVAL = Path(__file__).resolve().parents[2] / "tests" / "data" / "crisis_eval.jsonl"
THRESHOLDS = [round(t, 2) for t in np.arange(0.40, 0.96, 0.05)]


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _fit(texts: list[str], labels: list[bool], c: float) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAM_RANGE, min_df=2, sublinear_tf=True, lowercase=False
    )
    features = vectorizer.fit_transform([learned_features(t) for t in texts])
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(features, labels)
    return vectorizer, model


def _choose_threshold(
    texts: list[str], labels: list[bool], c: float, max_false_alarms: float
) -> tuple[float, dict[float, tuple[float, float]]]:
    from sklearn.model_selection import StratifiedKFold

    detector = CrisisDetector(learned=False)
    verdicts = [detector.check(t) for t in texts]
    rules = np.array([v.crisis for v in verdicts])
    open_to_model = np.array([v.open_to_learned for v in verdicts])
    probs = np.zeros(len(texts))
    y = np.array(labels)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y):
        vectorizer, model = _fit([texts[i] for i in train], [labels[i] for i in train], c)
        found = vectorizer.transform([learned_features(texts[i]) for i in test])
        probs[test] = model.predict_proba(found)[:, 1]
    table: dict[float, tuple[float, float]] = {}
    for threshold in THRESHOLDS:
        predicted = rules | (open_to_model & (probs >= threshold))
        table[threshold] = (float(predicted[y].mean()), float(predicted[~y].mean()))
    allowed = [t for t, (_, fa) in table.items() if fa <= max_false_alarms]
    return (min(allowed) if allowed else max(THRESHOLDS)), table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=EVAL)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength")
    parser.add_argument("--max-false-alarms", type=float, default=0.03)
    args = parser.parse_args()

    tune = [r for r in _rows(args.data) if r["split"] == "tune"]
    texts = [str(r["text"]) for r in tune]
    labels = [bool(r["crisis"]) for r in tune]
    threshold, table = _choose_threshold(texts, labels, args.c, args.max_false_alarms)
    for t, (recall, false_alarms) in table.items():
        mark = " <-" if t == threshold else ""
        print(
            f"cross-validated, rules or p >= {t:.2f}: recall {recall:.3f}, false alarms {false_alarms:.3f}{mark}"
        )

    vectorizer, model = _fit(texts, labels, args.c)
    weights = model.coef_[0]
    grams = {
        gram: [round(float(vectorizer.idf_[i]), 6), round(float(weights[i]), 6)]
        for gram, i in sorted(vectorizer.vocabulary_.items())  # all: each counts in the norm
    }
    out = {
        "version": 1,
        "ngram_range": list(NGRAM_RANGE),
        "threshold": threshold,
        "intercept": round(float(model.intercept_[0]), 6),
        "trained_on": f"{len(texts)} tune messages ({sum(labels)} crisis)",
        "grams": grams,
    }
    args.out.write_text(
        json.dumps(out, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(grams)} n-grams, threshold {threshold:.2f} -> {args.out}")


if __name__ == "__main__":
    main()
