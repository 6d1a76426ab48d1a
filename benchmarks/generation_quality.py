"""Generation quality a person can read: relay candidates and lyrics, default model vs starter.

    python -m benchmarks.generation_quality [--prompts FILE] [--model NAME ...] [--out DIR]

Every prompt runs through the services the bot uses (RelayService / LyricsService -> inference
client -> Redis -> an in-process worker -> LocalGenerator), on a throwaway redis-server:

- ``{"kind": "relay", "language": "ko", "title": "…", "story": "…", "keyword": "우산"}``: a story
  is started with the title, its lines written, then ``/relay continue`` with the keyword; every
  candidate is a sample, and the call's wall time is the relay latency.
- ``{"kind": "lyrics", "language": "ko", "artist": "김소월", "theme": "…", "lines": 12}``: the
  artist's songs are imported from ``../shared/data/lyrics`` (prompts whose artist is not there
  are skipped), then one song is written.

Per sample: script purity (share of letters in the expected script or in the prompt), clean
start, sentence-boundary ending (relay), keyword present (relay), exact line count (lyrics),
distinct-2, repeated lines, list-like numbering or web junk, and the longest run of words copied
from the corpus (novels, poems, hymns). Per model: held-out bits per byte on the novels, poems
and hymns (the starter's held-out split). Writes ``samples.jsonl`` and ``sheet.md`` (each prompt's
outputs side by side) to ``--out``; the last line printed is the first model's
``purity P keyword K boundary B copy C``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generator_quality import longest_copied_span  # noqa: E402
from benchmarks.lyrics_quality import parsed  # noqa: E402
from benchmarks.support import generate_worker, machine, percentile, throwaway_redis  # noqa: E402
from bot.inference import InferenceClient  # noqa: E402
from bot.lyrics.service import LyricsError, LyricsService  # noqa: E402
from bot.relay.service import RelayError, RelayService  # noqa: E402
from bot.relay.text import story_language  # noqa: E402
from bot.writing_checks import (  # noqa: E402
    clean_start,
    distinct_n,
    ends_on_boundary,
    has_keyword,
    list_like,
    repeated_lines,
    script_purity,
)
from contract.settings import load_settings  # noqa: E402
from models.training.corpus import (  # noqa: E402
    DEFAULT_DATA_DIR,
    Document,
    Song,
    generator_corpus,
    read_hymns,
    read_poems,
    split_by_group,
)

log = logging.getLogger("benchmarks.generation_quality")

DEFAULT_PROMPTS = ROOT / "benchmarks" / "prompts" / "generation_quality.jsonl"
DEFAULT_MODELS = ["gemma-3-270m", "starter"]
BPB_CHARS = 12_000  # held-out characters scored per kind (novels, poems, hymns)


@dataclass
class Sample:
    model: str
    prompt: int
    kind: str
    language: str
    text: str
    seconds: float
    checks: dict[str, Any] = field(default_factory=dict)


def read_prompts(path: Path) -> list[dict[str, Any]]:
    prompts = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("kind") not in ("relay", "lyrics"):
            raise SystemExit(f"{path}:{n}: kind must be relay or lyrics")
        prompts.append(row)
    return prompts


def artist_songs(data_dir: Path) -> dict[str, list[Song]]:
    songs: dict[str, list[Song]] = {}
    try:
        everything = read_poems(data_dir) + read_hymns(data_dir)
    except (FileNotFoundError, SystemExit, ValueError) as exc:
        log.warning("no lyrics data (%s): lyrics prompts are skipped", exc)
        return songs
    for song in everything:
        songs.setdefault(song.artist, []).append(song)
    return songs


# --- checks -------------------------------------------------------------------------------------


def check(sample: Sample, prompt: dict[str, Any], context: str, corpus_words: list[str]) -> None:
    # a song is judged on its lines, not on the section headers the service adds
    text = "\n".join(
        line for line in sample.text.split("\n") if line.strip() and not line.startswith("[")
    )
    c: dict[str, Any] = {
        "purity": round(script_purity(text, sample.language, context), 4),
        "clean_start": clean_start(text, sample.language),
        "distinct2": round(distinct_n(text), 3),
        "list_like": list_like(text),
        "copy": longest_copied_span(text.split(), corpus_words) if corpus_words else 0,
    }
    if sample.kind == "relay":
        c["boundary"] = ends_on_boundary(text)
        c["keyword"] = has_keyword(text, prompt.get("keyword"))
    else:
        lines = text.split("\n")
        c["lines"] = len(lines)
        c["exact_lines"] = len(lines) == int(prompt.get("lines") or 12)
        c["repeated_lines"] = repeated_lines(lines)
    sample.checks = c


def summary(samples: list[Sample]) -> dict[str, Any]:
    relay = [s for s in samples if s.kind == "relay"]
    lyrics = [s for s in samples if s.kind == "lyrics"]

    def share(items: list[Sample], key: str) -> float:
        return sum(1 for s in items if s.checks.get(key)) / len(items) if items else float("nan")

    letters = purity_total = 0.0
    for s in samples:
        n = sum(1 for ch in s.text if ch.isalpha())
        letters += n
        purity_total += n * s.checks["purity"]
    return {
        "samples": len(samples),
        "purity": purity_total / letters if letters else 1.0,
        "keyword": share(relay, "keyword"),
        "boundary": share(relay, "boundary"),
        "clean_start": share(samples, "clean_start"),
        "exact_lines": share(lyrics, "exact_lines"),
        "list_like": sum(1 for s in samples if s.checks["list_like"]),
        "repeated_lines": sum(s.checks.get("repeated_lines", 0) for s in lyrics),
        "distinct2": sum(s.checks["distinct2"] for s in samples) / max(1, len(samples)),
        "copy": max((s.checks["copy"] for s in samples), default=0),
        "relay_p50_s": percentile([s.seconds for s in relay if s.checks.get("first")], 50),
        "relay_p90_s": percentile([s.seconds for s in relay if s.checks.get("first")], 90),
        "lyrics_p50_s": percentile([s.seconds for s in lyrics], 50),
    }


# --- bits per byte ------------------------------------------------------------------------------


def held_out_texts(data_dir: Path) -> dict[str, str]:
    _, held = split_by_group(generator_corpus(data_dir), 0.05, 0)
    kinds: dict[str, list[str]] = {"novels": [], "poems": [], "hymns": []}
    for doc in held:
        text = _plain(doc)
        if not doc.group.startswith("song:"):
            kinds["novels"].append(text)
        elif any("\uac00" <= c <= "\ud7a3" for c in text):
            kinds["poems"].append(text)
        else:
            kinds["hymns"].append(text)
    return {k: "\n\n".join(v)[:BPB_CHARS] for k, v in kinds.items() if v}


def _plain(doc: Document) -> str:
    text = doc.text
    if text.startswith("<artist="):  # the starter's training tag is not part of the text
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return text


def bits_per_byte(loaded: Any, text: str, window: int) -> float:
    import torch

    tok, model = loaded.tokenizer, loaded.model
    ids = tok.encode(text, add_special_tokens=False)
    bos = tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id
    total_nll = 0.0
    with torch.inference_mode():
        for start in range(0, len(ids), window - 1):
            chunk = [bos, *ids[start : start + window - 1]]
            inp = torch.tensor([chunk], device=loaded.device)
            logits = model(input_ids=inp).logits.float()
            logp = torch.log_softmax(logits[0, :-1], dim=-1)
            target = inp[0, 1:]
            total_nll -= float(logp.gather(1, target.unsqueeze(1)).sum())
    return total_nll / (math.log(2) * len(text.encode("utf-8")))


# --- the run ------------------------------------------------------------------------------------


async def run_model(
    name: str,
    prompts: list[dict[str, Any]],
    songs: dict[str, list[Song]],
    corpus_words: list[str],
    held: dict[str, str],
) -> tuple[list[Sample], dict[str, Any]]:
    from models.generation import LocalGenerator
    from models.loading import load_causal_lm, pick_device
    from models.serve import prepared_generator

    settings = load_settings()
    settings.models.generator = name
    path = prepared_generator(settings)
    started = time.perf_counter()
    loaded = load_causal_lm(path, pick_device(settings.worker.device))
    generator = LocalGenerator(
        loaded, context_tokens=settings.models.context_tokens, quantize=settings.models.quantize
    )
    load_s = time.perf_counter() - started
    window = min(512, int(getattr(loaded.model.config, "max_position_embeddings", 512)))
    bpb = {kind: round(bits_per_byte(loaded, text, window), 4) for kind, text in held.items()}
    samples: list[Sample] = []
    relay_settings = settings.relay.model_copy(update={"generate_timeout_s": 600.0})
    lyrics_settings = settings.lyrics.model_copy(update={"generate_timeout_s": 600.0})
    with throwaway_redis() as url:
        async with (
            generate_worker(url, generator) as redis,
            InferenceClient(redis, timeout_s=600) as client,
        ):
            relay = RelayService(redis, client, relay_settings)
            lyrics = LyricsService(redis, client, lyrics_settings)
            imported: set[str] = set()
            for i, p in enumerate(prompts):
                if p["kind"] == "relay":
                    samples += await _relay(relay, name, i, p, corpus_words)
                else:
                    samples += await _lyrics(lyrics, name, i, p, songs, imported, corpus_words)
                log.info("%s: prompt %d/%d", name, i + 1, len(prompts))
    report = summary(samples)
    report.update(
        {"model": name, "path": path, "load_s": round(load_s, 1), "quantized": generator.quantized}
    )
    report["bits_per_byte"] = bpb
    return samples, report


async def _relay(
    relay: RelayService, name: str, i: int, p: dict[str, Any], corpus_words: list[str]
) -> list[Sample]:
    channel = f"bench:{i}"
    # a prompt without a language is written in its story's language (as the service decides)
    language = p.get("language") or story_language(p["story"].split("\n"), "ko")
    await relay.start(channel, "u1", "bench", title=p.get("title", ""), language=language)
    for line in p["story"].split("\n"):
        if line.strip():
            await relay.write(channel, "u1", "bench", line)
    started = time.perf_counter()
    try:
        rnd = await relay.continue_story(
            channel, "u1", "bench", keyword=p.get("keyword"), length=p.get("length")
        )
    except RelayError as exc:
        log.warning("%s: relay prompt %d gave nothing: %s", name, i, exc)
        return []
    seconds = time.perf_counter() - started
    out = []
    for k, text in enumerate(rnd.candidates):
        s = Sample(name, i, "relay", language, text, seconds)
        check(s, p, f"{p.get('title', '')}\n{p['story']}", corpus_words)
        s.checks["first"] = k == 0  # one latency figure per call
        out.append(s)
    return out


async def _lyrics(
    lyrics: LyricsService,
    name: str,
    i: int,
    p: dict[str, Any],
    songs: dict[str, list[Song]],
    imported: set[str],
    corpus_words: list[str],
) -> list[Sample]:
    artist = p["artist"]
    if artist not in songs:
        log.warning("artist %s is not in the lyrics data: prompt %d skipped", artist, i)
        return []
    if artist not in imported:
        await lyrics.import_parsed(parsed(songs[artist]), artist)
        imported.add(artist)
    started = time.perf_counter()
    try:
        song = await lyrics.write(
            artist, theme=p.get("theme"), lines=p.get("lines"), language=p.get("language")
        )
    except LyricsError as exc:
        log.warning("%s: lyrics prompt %d gave nothing: %s", name, i, exc)
        return []
    seconds = time.perf_counter() - started
    s = Sample(name, i, "lyrics", p.get("language", song.language), song.text, seconds)
    check(
        s, p, f"{p.get('theme', '')}\n" + "\n".join(x.lyrics for x in songs[artist]), corpus_words
    )
    s.checks["title"] = song.title
    return [s]


def write_sheet(
    path: Path, prompts: list[dict[str, Any]], samples: list[Sample], reports: list[dict[str, Any]]
) -> None:
    models = [r["model"] for r in reports]
    out = ["# Generation quality: side by side", "", f"Machine: {machine()}", ""]
    head = "| figure | " + " | ".join(models) + " |"
    out += [head, "|---|" + "---|" * len(models)]
    for key in ("purity", "keyword", "boundary", "clean_start", "exact_lines", "distinct2"):
        out.append(f"| {key} | " + " | ".join(f"{r[key]:.3f}" for r in reports) + " |")
    for key in ("list_like", "repeated_lines", "copy"):
        out.append(f"| {key} | " + " | ".join(str(r[key]) for r in reports) + " |")
    for key in ("relay_p50_s", "relay_p90_s", "lyrics_p50_s"):
        out.append(f"| {key} | " + " | ".join(f"{r[key]:.1f}" for r in reports) + " |")
    for kind in ("novels", "poems", "hymns"):
        out.append(
            f"| bits/byte {kind} | "
            + " | ".join(str(r["bits_per_byte"].get(kind, "-")) for r in reports)
            + " |"
        )
    out.append("")
    for i, p in enumerate(prompts):
        desc = p.get("story") or f"{p.get('artist')} / {p.get('theme', '')}"
        label = (
            f"keyword **{p['keyword']}**" if p.get("keyword") else f"{p.get('lines') or 12} lines"
        )
        out += [f"## {i + 1}. {p['kind']} ({p.get('language', '?')}), {label}", ""]
        out += ["> " + line for line in desc.split("\n")] + [""]
        for model in models:
            mine = [s for s in samples if s.prompt == i and s.model == model]
            out.append(f"**{model}**" + ("" if mine else ": (nothing)"))
            out.append("")
            for s in mine:
                flags = ", ".join(
                    f"{k}={v}" for k, v in s.checks.items() if k not in ("first", "title")
                )
                body = s.text.replace("\n", "  \n")
                out.append(f"- {body}  \n  <sub>{flags}</sub>")
            out.append("")
    path.write_text("\n".join(out), encoding="utf-8")


async def run(args: argparse.Namespace) -> None:
    prompts = read_prompts(args.prompts)
    songs = artist_songs(args.data_dir)
    held: dict[str, str] = {}
    corpus_words: list[str] = []
    try:
        held = held_out_texts(args.data_dir)
        corpus_words = [w for d in generator_corpus(args.data_dir) for w in _plain(d).split()]
    except (FileNotFoundError, SystemExit) as exc:
        log.warning("no corpus under %s (%s): no copy spans or bits per byte", args.data_dir, exc)
    args.out.mkdir(parents=True, exist_ok=True)
    all_samples: list[Sample] = []
    reports = []
    for name in args.model or DEFAULT_MODELS:
        samples, report = await run_model(name, prompts, songs, corpus_words, held)
        all_samples += samples
        reports.append(report)
    with (args.out / "samples.jsonl").open("w", encoding="utf-8") as f:
        for s in all_samples:
            f.write(json.dumps(s.__dict__, ensure_ascii=False) + "\n")
    (args.out / "report.json").write_text(
        json.dumps(reports, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    write_sheet(args.out / "sheet.md", prompts, all_samples, reports)
    print(f"machine: {machine()}; prompts: {args.prompts.name} ({len(prompts)})")
    cols = ("purity", "keyword", "boundary", "clean_start", "exact_lines", "distinct2")
    print(f"{'model':<16}" + "".join(f"{c:>12}" for c in cols) + f"{'copy':>6}{'p50 s':>8}")
    for r in reports:
        print(
            f"{r['model']:<16}"
            + "".join(f"{r[c]:>12.3f}" for c in cols)
            + f"{r['copy']:>6}{r['relay_p50_s']:>8.1f}"
            + f"   bits/byte {r['bits_per_byte']}"
        )
    print(f"samples and side-by-side sheet: {args.out}")
    first = reports[0]
    print(
        f"purity {first['purity']:.3f} keyword {first['keyword']:.3f} "
        f"boundary {first['boundary']:.3f} copy {first['copy']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompts", type=Path, default=DEFAULT_PROMPTS)
    parser.add_argument(
        "--model",
        action="append",
        help="generator setting: gemma-3-270m, starter, a hub id or a path (repeatable; "
        "default: gemma-3-270m and starter)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "generation")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("benchmarks.generation_quality").setLevel(logging.INFO)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
