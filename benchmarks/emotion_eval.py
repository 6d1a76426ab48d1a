"""Emotion classifier quality and speed: macro-F1, accuracy and per-class F1 on the valid splits
of ../shared/data/emotion and on the chat-style set in benchmarks/data, plus latency.

    python -m benchmarks.emotion_eval [--model DIR] [--data-dir DIR] [--chat FILE] [--no-speed]

The classifier is loaded by the worker's own code (``models.loading.load_classifier`` and
``models.classification.LocalClassifier``), so the figures are those a user gets. The chat set
(``benchmarks/data/emotion_chat_eval.jsonl``: 210 short messages, 15 per emotion and language,
with slang, emoji and typos) is only ever scored, never trained or tuned on. The valid splits are
skipped when ../shared/data is absent. Speed: p50/p99 of one text per call and texts/s in
batches of 64, on the chat set's texts.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.training.corpus import DEFAULT_DATA_DIR
from models.training.emotion_data import LABEL_INDEX, LABELS, Example, valid_splits
from models.training.emotion_report import report_predictions

CHAT_SET = Path(__file__).resolve().parent / "data" / "emotion_chat_eval.jsonl"


def read_chat_set(path: Path = CHAT_SET) -> list[Example]:
    """``{"text", "label", "lang"}`` per line; the label is one of the seven."""
    examples = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(Example(row["text"], (LABEL_INDEX[row["label"]],), row["lang"]))
    return examples


def splits_to_score(
    data_dir: Path = DEFAULT_DATA_DIR, chat: Path = CHAT_SET
) -> dict[str, list[Example]]:
    """The valid splits (when the shared data is there) and the chat set, per language."""
    splits: dict[str, list[Example]] = {}
    if (Path(data_dir) / "emotion").is_dir():
        splits.update(valid_splits(data_dir))
    rows = read_chat_set(chat)
    for lang in ("ko", "en"):
        splits[f"chat_{lang}"] = [e for e in rows if e.lang == lang]
    return splits


def score(classifier: Any, splits: dict[str, list[Example]]) -> dict[str, dict[str, Any]]:
    """Per split: macro-F1, accuracy, n and per-class F1 (any-match for multi-label rows)."""
    out = {}
    for name, examples in splits.items():
        preds = classifier.predict([e.text for e in examples])
        report = report_predictions(examples, [LABEL_INDEX[p.label] for p in preds])
        out[name] = {
            "macro_f1": round(report["macro_f1"], 4),
            "accuracy": round(report["accuracy"], 4),
            "n": report["n"],
            "f1": {c: round(v["f1"], 3) for c, v in report["classes"].items() if v["support"]},
        }
    return out


def speed(classifier: Any, texts: Sequence[str], batch: int = 64) -> dict[str, float]:
    """p50/p99 ms for one text per call, and texts/s for the same texts in batches."""
    from benchmarks.support import percentile

    texts = list(texts)
    classifier.predict(texts[:batch])  # warm-up
    single = []
    for text in texts:
        t0 = time.perf_counter()
        classifier.predict([text])
        single.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    for start in range(0, len(texts), batch):
        classifier.predict(texts[start : start + batch])
    rate = len(texts) / (time.perf_counter() - t0)
    return {
        "single_p50_ms": round(percentile(single, 50), 2),
        "single_p99_ms": round(percentile(single, 99), 2),
        "batched_texts_per_s": round(rate, 1),
    }


def evaluate(
    model: str | None = None,
    data_dir: Path = DEFAULT_DATA_DIR,
    chat: Path = CHAT_SET,
    *,
    with_speed: bool = True,
) -> dict[str, Any]:
    """Load the classifier (the configured one unless ``model`` is given) the way the worker does
    and score it; returns ``{"model", "splits", "speed"?}``."""
    from contract.settings import load_settings
    from models.classification import LocalClassifier
    from models.loading import load_classifier

    name = model or load_settings().models.classifier
    classifier = LocalClassifier(load_classifier(name))
    splits = splits_to_score(data_dir, chat)
    result: dict[str, Any] = {"model": name, "splits": score(classifier, splits)}
    if with_speed:
        texts = [e.text for key in ("chat_ko", "chat_en") for e in splits[key]]
        result["speed"] = speed(classifier, texts)
    return result


def format_result(result: dict[str, Any]) -> str:
    lines = [f"model {result['model']}"]
    header = f"{'split':18} {'n':>5} {'macro-F1':>8} {'acc':>6}  " + " ".join(
        f"{c[:7]:>7}" for c in LABELS
    )
    lines.append(header)
    for name, s in result["splits"].items():
        per = " ".join(f"{s['f1'].get(c, float('nan')):7.3f}" for c in LABELS)
        lines.append(f"{name:18} {s['n']:5d} {s['macro_f1']:8.3f} {s['accuracy']:6.3f}  {per}")
    if "speed" in result:
        sp = result["speed"]
        lines.append(
            f"one text per call: p50 {sp['single_p50_ms']:.1f} ms, p99 {sp['single_p99_ms']:.1f} ms;"
            f" batches of 64: {sp['batched_texts_per_s']:.0f} texts/s"
        )
    return "\n".join(lines)


def main() -> None:
    from benchmarks.support import machine

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="classifier dir (default: configured)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--chat", type=Path, default=CHAT_SET)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    result = evaluate(args.model, args.data_dir, args.chat, with_speed=not args.no_speed)
    print(json.dumps(result, indent=2) if args.json else f"{machine()}\n{format_result(result)}")


if __name__ == "__main__":
    main()
