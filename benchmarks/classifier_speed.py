"""Emotion classifier speed: the encoder alone against the encoder plus its Korean lexical head.

    python -m benchmarks.classifier_speed [--model DIR] [--texts 512] [--batch 64]

Uses the configured classifier (by default the bundled starter, which has a head). Texts are
Korean sentences from ../shared/data when present, else a built-in handful repeated. Prints the
load time, texts/s for batches and for one text at a time, and the head's share (a ratio within
one run, so a noisy machine still gives a usable figure).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from benchmarks.support import machine, percentile

FALLBACK = ["오늘 정말 기뻐요", "너무 슬퍼서 눈물이 나", "진짜 화가 난다", "밤길이 무서워"]
DATA = Path(__file__).resolve().parents[1].parent / "shared/data/emotion/ko_single_turn/valid.csv"


def korean_texts(n: int) -> list[str]:
    texts: list[str] = []
    if DATA.is_file():
        with DATA.open(encoding="utf-8", newline="") as handle:
            texts = [row["sentence"] for row in csv.DictReader(handle) if row.get("sentence")]
    texts = texts or FALLBACK
    return [texts[i % len(texts)] for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="classifier dir (default: configured)")
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()

    from contract.settings import load_settings
    from models.classification import LocalClassifier
    from models.loading import load_classifier

    name = args.model or load_settings().models.classifier
    started = time.perf_counter()
    classifier = LocalClassifier(load_classifier(name), forward_batch_size=args.batch)
    print(
        f"{machine()}\nmodel {name}: loaded (with warm-up) in {time.perf_counter() - started:.2f} s"
    )
    head = classifier.loaded.lexical
    texts = korean_texts(args.texts)

    def batched() -> float:
        t0 = time.perf_counter()
        classifier.predict(texts)
        return len(texts) / (time.perf_counter() - t0)

    def single(n: int = 64) -> list[float]:
        times = []
        for text in texts[:n]:
            t0 = time.perf_counter()
            classifier.predict([text])
            times.append((time.perf_counter() - t0) * 1000)
        return times

    batched()  # warm caches
    with_head, single_head = batched(), single()
    classifier.loaded.lexical = None
    without, single_plain = batched(), single()
    classifier.loaded.lexical = head
    print(f"batches of {args.batch}, {len(texts)} Korean texts:")
    print(f"  encoder alone:        {without:8.1f} texts/s")
    if head is None:
        print("  (this classifier has no lexical head)")
        return
    print(
        f"  encoder + head:       {with_head:8.1f} texts/s  ({without / with_head:.2f}x the time)"
    )
    print("one text per call (ms):")
    print(
        f"  encoder alone:  p50 {percentile(single_plain, 50):6.2f}  p99 {percentile(single_plain, 99):6.2f}"
    )
    print(
        f"  encoder + head: p50 {percentile(single_head, 50):6.2f}  p99 {percentile(single_head, 99):6.2f}"
    )


if __name__ == "__main__":
    main()
