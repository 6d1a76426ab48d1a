"""Lyrics quality: copy span, diversity, repetition and style fidelity per artist.

    python benchmarks/lyrics_quality.py [--model DIR_OR_HUB_ID] [--songs 5] [--min-chars 6000]

Every poet (../shared/data/lyrics/ko_poems) and hymn writer (en_hymns) with at least
``--min-chars`` characters of text is imported as an artist into a throwaway Redis; ``--songs``
songs per artist are written through the real path (LyricsService -> inference client -> worker
-> LocalGenerator with the configured generator, the bundled starter by default), novelty guard
included. Per artist:

- span: the longest run of words/morphemes of any generated song found in the whole lyrics corpus
  (the guard rejects >= 8 against the artist's own songs);
- distinct-1/2: unique token unigrams/bigrams over all tokens of the artist's songs;
- line rep: repeated lines / lines, averaged over songs;
- fidelity: share of the artist's generated songs that a character 1-3-gram naive Bayes classifier,
  trained on the real texts of all benchmarked artists, attributes to that artist. ``chance`` is
  1 / number of artists; the classifier's accuracy on held-out real songs is printed for scale.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import generate_worker, machine, throwaway_redis  # noqa: E402
from bot.inference import InferenceClient  # noqa: E402
from bot.lyrics.importing import ParsedSong, ParseResult, Section, content_hash  # noqa: E402
from bot.lyrics.service import LyricsService, WrittenSong  # noqa: E402
from bot.novelty import CorpusIndex, detect_language, longest_shared_span, token_forms  # noqa: E402
from contract.settings import LyricsSettings, load_settings  # noqa: E402
from models.training.corpus import DEFAULT_DATA_DIR, Song, read_hymns, read_poems  # noqa: E402

log = logging.getLogger("benchmarks.lyrics_quality")

THEMES_KO = ["봄", "바다", "그리움", "밤", "고향", "바람", "꽃", "님"]
THEMES_EN = ["light", "morning", "grace", "the sea", "home", "night", "joy", "peace"]


# --- the style classifier ---------------------------------------------------------------------


def char_ngrams(text: str, max_n: int = 3) -> Counter[str]:
    text = " ".join(text.lower().split())
    grams: Counter[str] = Counter()
    for n in range(1, max_n + 1):
        grams.update(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


class NaiveBayes:
    """Multinomial naive Bayes over character n-grams, Laplace smoothing, uniform prior."""

    def __init__(self, alpha: float = 0.1) -> None:
        self.alpha = alpha
        self.counts: dict[str, Counter[str]] = {}
        self.totals: dict[str, int] = {}
        self.vocab: set[str] = set()

    def fit(self, texts: dict[str, list[str]]) -> NaiveBayes:
        for label, docs in texts.items():
            counts: Counter[str] = Counter()
            for doc in docs:
                counts.update(char_ngrams(doc))
            self.counts[label] = counts
            self.totals[label] = sum(counts.values())
            self.vocab.update(counts)
        return self

    def predict(self, text: str) -> str:
        grams = char_ngrams(text)
        v = len(self.vocab)
        best, best_score = "", -math.inf
        for label, counts in self.counts.items():
            denom = math.log(self.totals[label] + self.alpha * v)
            score = sum(
                c * (math.log(counts.get(g, 0) + self.alpha) - denom) for g, c in grams.items()
            )
            if score > best_score:
                best, best_score = label, score
        return best


def held_out_accuracy(songs: dict[str, list[Song]], seed: int = 0) -> float:
    rng = random.Random(seed)
    train: dict[str, list[str]] = {}
    test: list[tuple[str, str]] = []
    for artist, items in songs.items():
        shuffled = rng.sample(items, len(items))
        cut = max(1, len(shuffled) // 5)
        test += [(artist, s.lyrics) for s in shuffled[:cut]]
        train[artist] = [s.lyrics for s in shuffled[cut:]]
    model = NaiveBayes().fit(train)
    return sum(model.predict(text) == artist for artist, text in test) / len(test)


# --- measures ----------------------------------------------------------------------------------


@dataclass
class Row:
    artist: str
    language: str
    real_songs: int
    songs: int = 0
    span: int = 0
    distinct1: float = 0.0
    distinct2: float = 0.0
    line_rep: float = 0.0
    fidelity: float = 0.0
    attempts: int = 0
    rejected: int = 0
    cut: int = 0


def distinct(tokens: list[list[str]], n: int) -> float:
    grams = [tuple(t[i : i + n]) for t in tokens for i in range(len(t) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def line_repetition(song: WrittenSong) -> float:
    lines = [line for s in song.sections for line in s.lines]
    return 1 - len(set(lines)) / len(lines) if lines else 0.0


def measure(row: Row, written: list[WrittenSong], index: CorpusIndex, nb: NaiveBayes) -> None:
    row.songs = len(written)
    bodies = ["\n".join(line for s in w.sections for line in s.lines) for w in written]
    row.span = max((longest_shared_span(b, index)[0] for b in bodies), default=0)
    tokens = [token_forms(b) for b in bodies]
    row.distinct1, row.distinct2 = distinct(tokens, 1), distinct(tokens, 2)
    row.line_rep = sum(map(line_repetition, written)) / max(1, len(written))
    row.fidelity = sum(nb.predict(b) == row.artist for b in bodies) / max(1, len(bodies))
    row.attempts = sum(w.attempts for w in written)
    row.rejected = sum(w.rejected for w in written)
    row.cut = sum(w.cut for w in written)


# --- the run -----------------------------------------------------------------------------------


def select_artists(data_dir: Path, min_chars: int) -> dict[str, list[Song]]:
    by_artist: dict[str, list[Song]] = defaultdict(list)
    for song in read_poems(data_dir) + read_hymns(data_dir):
        by_artist[song.artist].append(song)
    return {
        a: songs
        for a, songs in sorted(by_artist.items())
        if sum(len(s.lyrics) for s in songs) >= min_chars and len(songs) >= 3
    }


def parsed(songs: list[Song]) -> ParseResult:
    result = ParseResult()
    for i, s in enumerate(songs):
        lines = tuple(line for line in s.lyrics.split("\n") if line.strip())
        result.songs.append(
            ParsedSong(
                s.title or str(i),
                (Section(None, lines),),
                f"#{i}",
                s.artist,
                detect_language(s.lyrics),
            )
        )
    return result


async def run(args: argparse.Namespace) -> None:
    import torch

    from models.generation import LocalGenerator
    from models.loading import load_causal_lm

    torch.manual_seed(args.seed)
    songs = select_artists(args.data_dir, args.min_chars)
    if not songs:
        raise SystemExit(f"no artist with {args.min_chars}+ characters under {args.data_dir}")
    nb = NaiveBayes().fit({a: [s.lyrics for s in items] for a, items in songs.items()})
    index = CorpusIndex.build(
        {content_hash(s.lyrics): s.lyrics for items in songs.values() for s in items}
    )
    settings = load_settings()
    model = args.model or settings.models.generator
    loaded = load_causal_lm(model)
    generator = LocalGenerator(loaded, context_tokens=settings.models.context_tokens)
    lyrics_settings = LyricsSettings(lines_default=args.lines, generate_timeout_s=600)
    rows: list[Row] = []
    started = time.perf_counter()
    with throwaway_redis() as url:
        async with (
            generate_worker(url, generator) as redis,
            InferenceClient(redis, timeout_s=300) as client,
        ):
            service = LyricsService(redis, client, lyrics_settings)
            for artist, items in songs.items():
                await service.import_parsed(parsed(items), artist)
                language = detect_language(" ".join(s.lyrics for s in items[:5]))
                themes = THEMES_KO if language == "ko" else THEMES_EN
                written = [
                    await service.write(artist, theme=themes[i % len(themes)])
                    for i in range(args.songs)
                ]
                row = Row(artist, language, len(items))
                measure(row, written, index, nb)
                rows.append(row)
                log.info("%s done", artist)
                if args.show:
                    print(f"--- {artist}: {written[0].title}\n{written[0].text}\n")
    elapsed = time.perf_counter() - started
    print_table(rows, model, loaded.device, held_out_accuracy(songs), elapsed, args)


def print_table(
    rows: list[Row],
    model: str,
    device: object,
    nb_acc: float,
    elapsed: float,
    args: argparse.Namespace,
) -> None:
    name = Path(model).name if Path(model).exists() else model
    print(f"model: {name} ({model if not Path(model).exists() else 'local path'}), device {device}")
    print(
        f"machine: {machine()}; {args.songs} songs/artist, theme set, seed {args.seed}, "
        f"{elapsed:.0f} s"
    )
    head = (
        f"{'artist':<24}{'lang':>5}{'real':>6}{'span':>6}{'dist-1':>8}{'dist-2':>8}"
        f"{'line rep':>10}{'fidelity':>10}{'calls':>7}{'rejected':>10}{'cut':>5}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.artist:<24}{r.language:>5}{r.real_songs:>6}{r.span:>6}{r.distinct1:>8.2f}"
            f"{r.distinct2:>8.2f}{r.line_rep:>10.2f}{r.fidelity:>10.2f}{r.attempts:>7}"
            f"{r.rejected:>10}{r.cut:>5}"
        )
    total = sum(r.songs for r in rows)
    mean_fid = sum(r.fidelity * r.songs for r in rows) / max(1, total)
    print("-" * len(head))
    print(
        f"fidelity over all {total} songs: {mean_fid:.2f} (chance {1 / len(rows):.2f}); "
        f"classifier on held-out real songs: {nb_acc:.2f}; max span {max(r.span for r in rows)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="generator (default: the configured one)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--songs", type=int, default=5)
    parser.add_argument("--lines", type=int, default=12)
    parser.add_argument("--min-chars", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", action="store_true", help="print one song per artist")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
