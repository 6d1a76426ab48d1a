"""How well lyrics tag a song's moods: the emotion classifier on lyric excerpts against hand tags.

``norae catalog import`` tags a song that has lyrics and no moods with the moods its lyrics'
emotion *matches* (``NORAE_MOOD_MATCH``). This scores that path on 28 short excerpts written for
this benchmark (14 Korean, 14 English; no song's real lyrics), each tagged by hand with the moods
of the demo catalog (happy, energetic, tender, calm, nostalgic).

    python -m benchmarks.lyric_mood_tags [--model DIR]

Prints, per language and overall: the share whose lyric tags share a mood with the hand tags,
the share whose first lyric tag is a hand tag, and each excerpt's emotion.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from contract.emotions import normalize_emotion
from contract.settings import MoodSettings, Settings

DATA = Path(__file__).resolve().parent / "data" / "lyric_mood_tags.jsonl"


def load() -> list[dict[str, object]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]


def score(rows: list[dict[str, object]], labels: list[str]) -> dict[str, float]:
    match = MoodSettings.default_match()
    overlap = first = 0
    for row, label in zip(rows, labels, strict=True):
        tags = match[normalize_emotion(label)]
        hand = {str(m) for m in row["moods"]}  # type: ignore[attr-defined]
        overlap += bool(hand & set(tags))
        first += tags[0] in hand
    n = max(len(rows), 1)
    return {"n": len(rows), "shares_a_mood": overlap / n, "first_tag_right": first / n}


def main() -> None:
    from models.classification import LocalClassifier
    from models.loading import load_classifier

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=Settings().models.classifier)
    args = parser.parse_args()
    classifier = LocalClassifier(load_classifier(args.model))
    rows = load()
    labels = [p.label for p in classifier.predict([str(r["lyrics"]) for r in rows])]
    korean = [any("\uac00" <= ch <= "\ud7a3" for ch in str(r["lyrics"])) for r in rows]
    for lang, want in (("ko", True), ("en", False)):
        part = [(r, lab) for r, lab, k in zip(rows, labels, korean, strict=True) if k is want]
        print(lang, json.dumps(score([r for r, _ in part], [lab for _, lab in part])))
    print("all", json.dumps(score(rows, labels)))
    for row, label in zip(rows, labels, strict=True):
        first_line = str(row["lyrics"]).splitlines()[0]
        print(f"  {label:9s} hand={','.join(row['moods'])}  {first_line}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
