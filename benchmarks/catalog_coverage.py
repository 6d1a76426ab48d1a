"""The default catalog's size and coverage: songs per language, genre and mood, and how many
songs each emotion reaches under the ``match`` and ``lift`` policies (with the default mappings,
``MoodSettings.default_match`` / ``default_lift``), split by language.

    python -m benchmarks.catalog_coverage [--csv SONGS.csv]

Counts the rows of the bundled ``bot/data/default_songs.csv`` (or another CSV in the same layout)
plus the 28 demo tracks a first ``norae up`` imports with it (language "-": instrumental). An
emotion "reaches" a song when the song carries any of the moods the policy maps it to; the
companion recommends 5 at a time and repeats none of a user's last 20, so an emotion with fewer
than 25 songs under a policy would run thin within five messages.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from contract.settings import MoodSettings
from models.catalog_import import split_moods

THIN_BELOW = 25  # 5 songs a message x (20 remembered / 5 + 1)


@dataclass(frozen=True)
class Entry:
    language: str
    genre: str
    moods: frozenset[str]


def bundled_csv() -> Path:
    return Path(str(resources.files("bot.data") / "default_songs.csv"))


def read_entries(path: Path, *, with_demo: bool = True) -> list[Entry]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        entries = [
            Entry(
                (row.get("language") or "?").strip() or "?",
                (row.get("genre") or "?").strip() or "?",
                frozenset(m.lower() for m in split_moods(row.get("moods") or "")),
            )
            for row in csv.DictReader(f)
        ]
    if with_demo:
        from models.catalog_import import demo_rows

        entries += [Entry("-", "demo audio", frozenset(r.song.moods)) for r in demo_rows()]
    return entries


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [list(map(str, header)), *[list(map(str, r)) for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [f"\n{title}"]
    for n, r in enumerate(cells):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(entries: Sequence[Entry], settings: MoodSettings) -> str:
    languages = sorted({e.language for e in entries})
    out = [f"catalog: {len(entries)} songs"]
    by_lang = Counter(e.language for e in entries)
    out.append(table("per language", ["language", "songs"], sorted(by_lang.items())))
    by_genre = Counter((e.language, e.genre) for e in entries)
    out.append(
        table(
            "per genre",
            ["language / genre", "songs"],
            [(f"{lang} / {genre}", n) for (lang, genre), n in sorted(by_genre.items())],
        )
    )
    moods = sorted({m for e in entries for m in e.moods})
    out.append(
        table(
            "per mood (a song may carry two)",
            ["mood", "songs", *languages],
            [
                (
                    m,
                    sum(m in e.moods for e in entries),
                    *(
                        sum(m in e.moods and e.language == lang for e in entries)
                        for lang in languages
                    ),
                )
                for m in moods
            ],
        )
    )
    for policy, mapping in (("match", settings.match), ("lift", settings.lift)):
        rows = []
        for emotion, wanted in mapping.items():
            reached = [e for e in entries if e.moods & set(wanted)]
            per_lang = [sum(e.language == lang for e in reached) for lang in languages]
            flag = "thin" if len(reached) < THIN_BELOW else ""
            rows.append((emotion, "+".join(wanted), len(reached), *per_lang, flag))
        out.append(
            table(
                f"per emotion under {policy}",
                ["emotion", "moods", "songs", *languages, ""],
                rows,
            )
        )
    untagged = sum(not e.moods for e in entries)
    out.append(f"\nsongs without a mood: {untagged}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--csv", type=Path, default=None, help="default: the bundled catalog")
    parser.add_argument("--no-demo", action="store_true", help="leave out the 28 demo tracks")
    args = parser.parse_args()
    entries = read_entries(args.csv or bundled_csv(), with_demo=not args.no_demo)
    print(report(entries, MoodSettings()))


if __name__ == "__main__":
    main()
