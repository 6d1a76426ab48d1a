"""The feeling gate (``bot/mood/feeling.py``) on its evaluation set: accuracy, precision and recall.

    python -m benchmarks.feeling_eval [--data FILE] [--misses]

The set (``tests/data/feeling_eval.jsonl``) holds messages written for it, Korean and English:
feelings (moods, first-person states, crying jamo and emoji, songs for a mood, crises) and
messages a Kakao fallback block receives that are not feelings (bot commands with ``!`` or
``/``, questions about the world, bare greetings, links, numbers, one-word replies), with hard
cases on both sides («무서운 영화 뭐 있어?», «고흐는 어떤 화가야?», "what is a happy meal?").
The rules were written against the ``tune`` split; ``score`` was written after they were frozen
and is only measured. Precision and recall are for the "feeling" class (what reaches the mood
companion). ``--misses`` lists the tune split's errors with the rule that decided.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from bot.mood.feeling import classify

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "feeling_eval.jsonl"
LANGUAGES = ("ko", "en")


@dataclass(frozen=True)
class Example:
    text: str
    language: str
    feeling: bool
    split: str


@dataclass(frozen=True)
class Figures:
    total: int
    correct: int
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else float("nan")

    @property
    def precision(self) -> float:
        called = self.true_pos + self.false_pos
        return self.true_pos / called if called else float("nan")

    @property
    def recall(self) -> float:
        actual = self.true_pos + self.false_neg
        return self.true_pos / actual if actual else float("nan")


def load(path: Path = DATA) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(
                Example(str(row["text"]), row["language"], bool(row["feeling"]), row["split"])
            )
    return examples


def figures(
    examples: list[Example], predicted: list[bool], *, split: str | None, language: str | None
) -> Figures:
    rows = [
        (e.feeling, p)
        for e, p in zip(examples, predicted, strict=True)
        if (split is None or e.split == split) and (language is None or e.language == language)
    ]
    return Figures(
        total=len(rows),
        correct=sum(want == got for want, got in rows),
        true_pos=sum(want and got for want, got in rows),
        false_pos=sum(got and not want for want, got in rows),
        false_neg=sum(want and not got for want, got in rows),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--misses", action="store_true", help="list the tune split's errors")
    args = parser.parse_args(argv)
    examples = load(args.data)
    verdicts = [classify(e.text) for e in examples]
    predicted = [v.feeling for v in verdicts]
    print(f"{'split':<6} {'lang':<4} {'n':>4} {'accuracy':>9} {'precision':>10} {'recall':>7}")
    for split in (None, "tune", "score"):
        for language in (*LANGUAGES, None):
            f = figures(examples, predicted, split=split, language=language)
            if f.total:
                print(
                    f"{split or 'all':<6} {language or 'all':<4} {f.total:>4} {f.accuracy:>9.3f} "
                    f"{f.precision:>10.3f} {f.recall:>7.3f}"
                )
    if args.misses:
        for e, v in zip(examples, verdicts, strict=True):
            if e.split == "tune" and e.feeling != v.feeling:
                print(f"  want {e.feeling!s:<5} got {v.feeling!s:<5} ({v.reason}): {e.text}")


if __name__ == "__main__":
    main()
