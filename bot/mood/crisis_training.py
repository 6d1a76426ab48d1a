"""Fit the crisis detector's learned signal: TF-IDF features and a logistic regression.

    python -m bot.mood.crisis_training [--out bot/mood/crisis_model.json]

It lives beside the detector because it trains the detector's own features into the detector's
own file; it is a development tool the bot process never imports, and numpy and scikit-learn are
imported inside its functions only.

Trained on the ``tune`` split of ``tests/data/crisis_eval.jsonl`` only (the ``score`` split and the
held-out sets are never seen here). The features are :func:`bot.mood.crisis.learned_tokens`: Hangul
syllable n-grams across word boundaries, character n-grams within words, words and word pairs of
the detector's own normalized forms, and the rules that fired, so spacing tricks and repeated
letters look the same to both signals.

Both the regularisation strength and the threshold are chosen by 5-fold cross-validation on the
tune split: for each strength, the lowest threshold whose false alarms (the rules' and the learned
signal's together, the way the detector decides) stay at or under ``--max-false-alarms``; then the
strength whose recall at that threshold is highest (the smaller strength on a tie).

The result is plain JSON (feature -> idf and weight, the intercept, the threshold): the bot scores
it in pure Python (``bot/mood/crisis.py``) without importing scikit-learn.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.mood.crisis import MODEL_PATH, CrisisDetector, learned_tokens

EVAL = Path(__file__).resolve().parents[2] / "tests" / "data" / "crisis_eval.jsonl"
STRENGTHS = (1.0, 2.0, 4.0, 8.0, 16.0)
MIN_DF = 2


def thresholds() -> list[float]:
    """The thresholds tried: 0.30 to 0.95 in steps of 0.025, rounded as numpy rounds them."""
    import numpy as np

    return [float(round(t, 2)) for t in np.arange(0.30, 0.96, 0.025)]


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _same(tokens: list[str]) -> list[str]:
    return tokens


def fit(tokens: list[list[str]], labels: list[bool], c: float) -> tuple[Any, Any]:
    """A vectorizer over already extracted :func:`learned_tokens` and a model fitted on them."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=_same, min_df=MIN_DF, sublinear_tf=True)
    features = vectorizer.fit_transform(tokens)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(features, labels)
    return vectorizer, model


def _cross_validate(
    tokens: list[list[str]], labels: list[bool], rules: Any, open_to_model: Any, c: float
) -> dict[float, tuple[float, float]]:
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    y = np.array(labels)
    probs = np.zeros(len(tokens))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(tokens, y):
        vectorizer, model = fit([tokens[i] for i in train], [labels[i] for i in train], c)
        probs[test] = model.predict_proba(vectorizer.transform([tokens[i] for i in test]))[:, 1]
    table: dict[float, tuple[float, float]] = {}
    for threshold in thresholds():
        predicted = rules | (open_to_model & (probs >= threshold))
        table[threshold] = (float(predicted[y].mean()), float(predicted[~y].mean()))
    return table


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=EVAL)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--max-false-alarms", type=float, default=0.03)
    args = parser.parse_args()

    tune = [r for r in _rows(args.data) if r["split"] == "tune"]
    texts = [str(r["text"]) for r in tune]
    labels = [bool(r["crisis"]) for r in tune]
    detector = CrisisDetector(learned=False)
    verdicts = [detector.check(t) for t in texts]
    rules = np.array([v.crisis for v in verdicts])
    open_to_model = np.array([v.open_to_learned for v in verdicts])
    tokens = [learned_tokens(t, v.hits) for t, v in zip(texts, verdicts, strict=True)]

    best: tuple[float, float, float] | None = None  # recall, strength, threshold
    for c in STRENGTHS:
        table = _cross_validate(tokens, labels, rules, open_to_model, c)
        allowed = [t for t, (_, fa) in table.items() if fa <= args.max_false_alarms]
        threshold = min(allowed) if allowed else max(thresholds())
        recall, false_alarms = table[threshold]
        print(
            f"cross-validated, C={c:g}: rules or p >= {threshold:.3f}: "
            f"recall {recall:.3f}, false alarms {false_alarms:.3f}"
        )
        if best is None or recall > best[0] + 1e-9:
            best = (recall, c, threshold)
    assert best is not None
    _, c, threshold = best

    vectorizer, model = fit(tokens, labels, c)
    weights = model.coef_[0]
    grams = {
        gram: [round(float(vectorizer.idf_[i]), 6), round(float(weights[i]), 6)]
        for gram, i in sorted(vectorizer.vocabulary_.items())  # all: each counts in the norm
    }
    out = {
        "version": 2,
        "features": "learned_tokens",
        "c": c,
        "min_df": MIN_DF,
        "threshold": threshold,
        "intercept": round(float(model.intercept_[0]), 6),
        "trained_on": f"{len(texts)} tune messages ({sum(labels)} crisis)",
        "grams": grams,
    }
    args.out.write_text(
        json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    print(f"{len(grams)} features, C={c:g}, threshold {threshold:.3f} -> {args.out}")


if __name__ == "__main__":
    main()
