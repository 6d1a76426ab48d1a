"""``norae catalog import``: read songs (a CSV or the demo package), analyse audio in parallel
processes, write the catalog to Redis, build a new index version and point workers at it.

CSV columns (header names are case-insensitive; aliases in brackets):

- ``title`` [name, song] — required; a row without one is skipped;
- ``artist`` [singer], ``url`` [link], ``lyrics`` [lyric] — optional;
- ``language`` [lang] — optional, the lyrics' language (``ko``, ``en``): the companion prefers
  songs in the language a user writes in;
- ``moods`` [mood, emotion, emotions, tags] — one or more, separated by ``;``, ``|`` or ``,``;
- ``audio`` [audio_file, audio file, file, path] — optional, relative to ``--audio-dir`` (default:
  the CSV's folder). A row whose audio is missing or cannot be analysed is skipped with a reason;
- ``id`` [song_id] — optional; otherwise the id is derived from artist + title (normalized), so a
  re-import updates the same songs instead of adding copies.

Every skipped row or file is reported with its reason and never stops the import. Audio whose
content and feature settings match what is stored is not analysed again (``audio_sig``), and an
import that changes nothing keeps the current index version.

Analysis runs in a ``ProcessPoolExecutor`` (spawned processes; librosa is not fork-friendly with
threads around). Each process warms librosa up in its initializer (numba compilation, see
``models/audio.py``), so the cold start is paid once per process, in parallel, before any song.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import csv
import dataclasses
import hashlib
import logging
import multiprocessing
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

from contract.emotions import normalize_emotion
from contract.jobs import Prediction
from contract.urls import package_url
from models import audio
from models.song_index import METRIC, SongIndex, prune_versions
from storage.catalog import CatalogStore, IndexPointer, Song
from storage.connection import Redis

log = logging.getLogger(__name__)

DEMO_PACKAGE = "immich_memories_music"
DEMO_ARTIST = "immich-memories-music"
AUDIO_SUFFIXES = (".opus", ".ogg", ".wav", ".flac", ".mp3")
LYRICS_CHARS_FOR_MOOD = 1000  # the opening of the lyrics is what the emotion model reads
TAG_BATCH = 32

_ALIASES = {
    "id": ("id", "song_id"),
    "title": ("title", "name", "song"),
    "artist": ("artist", "singer"),
    "url": ("url", "link"),
    "moods": ("moods", "mood", "emotion", "emotions", "tags"),
    "lyrics": ("lyrics", "lyric"),
    "language": ("language", "lang"),
    "audio": ("audio", "audio_file", "audio file", "file", "path"),
}
_MOOD_SPLIT = re.compile(r"[;|,]")


@dataclass(frozen=True, slots=True)
class SongRow:
    """One song to import: its catalog entry, and the local audio file to analyse (if any)."""

    song: Song
    audio_path: Path | None
    ref: str  # where it came from, for reports ("line 7", a file name)


@dataclass(frozen=True, slots=True)
class Skipped:
    ref: str
    title: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    songs: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    analysed: int = 0
    reused: int = 0
    tagged: int = 0  # songs whose moods came from their lyrics (the emotion model)
    skipped: list[Skipped] = field(default_factory=list)
    index: IndexPointer | None = None
    index_rebuilt: bool = False
    analyse_seconds: float = 0.0
    seconds: float = 0.0


class CsvError(ValueError):
    """The CSV as a whole is unusable (no title column, not readable, broken quoting).
    ``ko`` is the same reason in Korean, for the command line."""

    def __init__(self, en: str, ko: str = "") -> None:
        super().__init__(en)
        self.ko = ko or en


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def song_id_for(artist: str, title: str) -> str:
    """A stable id: the same artist and title (case, width and spacing aside) give the same id."""
    digest = hashlib.blake2b(f"{_norm(artist)}\x1f{_norm(title)}".encode(), digest_size=8)
    return digest.hexdigest()


def split_moods(value: str) -> tuple[str, ...]:
    return tuple(m.strip() for m in _MOOD_SPLIT.split(value) if m.strip())


def read_csv(path: Path, audio_dir: Path | None = None) -> tuple[list[SongRow], list[Skipped]]:
    """Rows to import and rows skipped (with why). Raises :class:`CsvError` for an unusable file."""
    base = audio_dir if audio_dir is not None else path.parent
    record_start = 1
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            # strict: a quote that never closes fails here, instead of swallowing every line
            # after it into one junk song
            reader = csv.DictReader(f, strict=True)
            header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
            columns = {
                name: next((header[a] for a in aliases if a in header), None)
                for name, aliases in _ALIASES.items()
            }
            if columns["title"] is None:
                raise CsvError(
                    f"{path.name}: no title column (header: {list(header)})",
                    f"{path.name}: 제목(title) 열이 없습니다 (머리줄: {list(header)})",
                )
            raw_rows = []
            record_start = reader.line_num + 1
            for row in reader:
                raw_rows.append((record_start, row))
                record_start = reader.line_num + 1
    except csv.Error as exc:
        raise CsvError(
            f"{path.name}: line {record_start}: broken quoting ({exc}); "
            'a quote (") that opens a cell must close it',
            f'{path.name}: {record_start}번째 줄: 따옴표(")가 열리고 닫히지 않았습니다',
        ) from None
    except UnicodeDecodeError:
        raise CsvError(
            f"{path.name}: not UTF-8 text", f"{path.name}: UTF-8 텍스트가 아닙니다"
        ) from None
    except OSError as exc:
        raise CsvError(
            f"{path.name}: cannot read ({exc.strerror or exc})",
            f"{path.name}: 읽을 수 없습니다 ({exc.strerror or exc})",
        ) from None

    def cell(row: dict[str | None, str | None], name: str) -> str:
        column = columns[name]
        return (row.get(column) or "").strip() if column is not None else ""

    rows: list[SongRow] = []
    skipped: list[Skipped] = []
    first_line: dict[str, int] = {}
    for line, row in raw_rows:
        ref = f"line {line}"
        title, artist = cell(row, "title"), cell(row, "artist")
        if not title:
            skipped.append(Skipped(ref, "", "missing title"))
            continue
        song_id = cell(row, "id") or song_id_for(artist, title)
        if song_id in first_line:
            skipped.append(Skipped(ref, title, f"duplicate of line {first_line[song_id]}"))
            continue
        audio_name = cell(row, "audio")
        audio_path: Path | None = None
        if audio_name:
            audio_path = Path(audio_name) if Path(audio_name).is_absolute() else base / audio_name
            if not audio_path.is_file():
                skipped.append(Skipped(ref, title, f"audio file not found: {audio_name}"))
                continue
        first_line[song_id] = line
        song = Song(
            id=song_id,
            title=title,
            artist=artist,
            url=cell(row, "url"),
            moods=split_moods(cell(row, "moods")),
            lyrics=cell(row, "lyrics"),
            audio=audio_name,
            language=cell(row, "language").lower(),
        )
        rows.append(SongRow(song, audio_path, ref))
    return rows, skipped


def demo_rows() -> list[SongRow]:
    """The 28 mood-tagged tracks of ``immich-memories-music`` (mood = folder, title = file name)."""
    tracks = resources.files(DEMO_PACKAGE) / "tracks"
    root = Path(str(tracks))
    rows = []
    for mood_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for track in sorted(mood_dir.iterdir()):
            if track.suffix.lower() not in AUDIO_SUFFIXES:
                continue
            title = " ".join(w.capitalize() for w in track.stem.split("_"))
            ref = f"tracks/{mood_dir.name}/{track.name}"
            song = Song(
                id=song_id_for(DEMO_ARTIST, title),
                title=title,
                artist=DEMO_ARTIST,
                url=package_url(DEMO_PACKAGE, ref),
                moods=(mood_dir.name,),
                audio=package_url(DEMO_PACKAGE, ref),
            )
            rows.append(SongRow(song, track, track.name))
    return rows


def default_rows(path: Path) -> list[SongRow]:
    """The bundled default catalog at ``path`` (the bot's ``default_songs.csv``: titles, artists,
    moods and search links, no lyrics, no audio) followed by the demo tracks, which keep the audio
    search."""
    rows, skipped = read_csv(path)
    if skipped:  # a broken bundled file is a bug, not an operator's problem
        raise CsvError(f"{path.name}: {skipped[0].ref}: {skipped[0].reason}")
    return rows + demo_rows()


class EmotionClassifier(Protocol):
    """The emotion model, as the worker's ``classify`` job or a classifier loaded in-process."""

    async def classify(
        self, texts: list[str], *, timeout: float | None = None
    ) -> list[Prediction]: ...


def needs_moods(row: SongRow) -> bool:
    """A row the emotion model should tag: lyrics, but no moods of its own."""
    return not row.song.moods and bool(row.song.lyrics.strip())


async def tag_moods_from_lyrics(
    rows: Sequence[SongRow],
    classifier: EmotionClassifier,
    match: Mapping[str, Sequence[str]],
    *,
    timeout: float | None = None,
) -> tuple[list[SongRow], int]:
    """(rows, how many were tagged): each row with lyrics and no moods gets the moods its
    lyrics' emotion *matches* (``match``: ``NORAE_MOOD_MATCH``, emotion -> moods), so a sad song
    lands where the companion looks for songs that match sadness. Other rows are kept as they are.
    """
    todo = [i for i, r in enumerate(rows) if needs_moods(r)]
    out = list(rows)
    for start in range(0, len(todo), TAG_BATCH):
        chunk = todo[start : start + TAG_BATCH]
        texts = [rows[i].song.lyrics.strip()[:LYRICS_CHARS_FOR_MOOD] for i in chunk]
        predictions = await classifier.classify(texts, timeout=timeout)
        for i, prediction in zip(chunk, predictions, strict=True):
            emotion = normalize_emotion(prediction.label)
            moods = tuple(match.get(emotion) or match.get("neutral") or ())
            out[i] = dataclasses.replace(
                rows[i], song=dataclasses.replace(rows[i].song, moods=moods)
            )
    return out, len(todo)


def audio_signature(path: Path) -> str:
    """What the features of this file depend on: its bytes and the feature settings."""
    digest = hashlib.blake2b(digest_size=12)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return f"{audio.FEATURE_VERSION}:{digest.hexdigest()}"


# --- analysis (runs in pool processes) ------------------------------------------------------------

_warm = False
CHUNK = 4  # the most files in one pool task: fewer round trips to the pool on a large import


def chunk_size(files: int, workers: int) -> int:
    """Files per pool task: :data:`CHUNK` when every process gets at least 8 tasks, fewer (down
    to one) on a smaller batch, so that no process sits idle while another ends a long chunk
    (28 files in chunks of 4 on 2 processes: 4 chunks on one, 3 on the other)."""
    return max(1, min(CHUNK, files // (workers * 8)))


def _init_process(log_level: int = logging.WARNING) -> None:
    """Quiet logs, then pay librosa's compilation before the first song."""
    global _warm
    logging.basicConfig(level=log_level)
    if not _warm:
        audio.warm_up()
        _warm = True


def _init_pool_process() -> None:
    """Pool initializer: one BLAS/OpenMP thread per process (the pool is the parallelism: more
    threads only contend for the same cores), freed memory kept for the next song
    (:func:`models.audio.keep_freed_memory`), then :func:`_init_process`. Only in pool processes:
    the importing process may run the emotion model, which wants its threads and its memory."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # only a speed matter
        pass
    audio.keep_freed_memory()
    _init_process()


def _analyse(path: str) -> tuple[bytes | None, str | None]:
    """(vector bytes, None) or (None, reason). Never raises: one file must not sink the pool."""
    try:
        return audio.to_bytes(audio.extract(path)), None
    except audio.AudioError as exc:
        return None, exc.reason
    except Exception as exc:  # a decoder bug on one odd file is that file's problem
        log.exception("analysing %s failed", path)
        return None, f"analysis failed: {type(exc).__name__}"


def _analyse_chunk(paths: list[str]) -> list[tuple[bytes | None, str | None]]:
    return [_analyse(p) for p in paths]


def analysis_pool(jobs: int = 0) -> cf.ProcessPoolExecutor:
    """A pool of ``jobs`` spawned analysis processes (0: one per CPU), each warmed up once.

    Pass it to :func:`analyse_files` to analyse several batches without paying start-up again."""
    return cf.ProcessPoolExecutor(
        max_workers=jobs or os.cpu_count() or 1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_pool_process,
    )


def analyse_files(
    paths: dict[str, Path],
    *,
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
    pool: cf.ProcessPoolExecutor | None = None,
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Features for each song id's file, in ``jobs`` processes (0: one per CPU; 1: in-process),
    or in ``pool`` when one is given (it stays open for the caller).

    Returns (vectors, reasons): every id lands in exactly one of the two.
    """
    vectors: dict[str, bytes] = {}
    reasons: dict[str, str] = {}

    def done(song_id: str, outcome: tuple[bytes | None, str | None]) -> None:
        vec, reason = outcome
        if vec is not None:
            vectors[song_id] = vec
        else:
            reasons[song_id] = reason or "analysis failed"
        if progress is not None:
            progress(1)

    if not paths:
        return vectors, reasons
    workers = min(jobs or os.cpu_count() or 1, len(paths))
    if pool is None and workers <= 1:
        _init_process(logging.getLogger().level)
        for song_id, path in paths.items():
            done(song_id, _analyse(str(path)))
        return vectors, reasons

    pending = dict(paths)
    for attempt in range(2):  # a second, fresh pool for files caught in a crashed one
        crashed: dict[str, Path] = {}
        owned = pool is None or attempt > 0
        executor = analysis_pool(workers) if owned else pool
        assert executor is not None
        try:
            ids = list(pending)
            size = chunk_size(len(ids), workers) if attempt == 0 else 1  # retry: one a task
            chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
            futures = {
                executor.submit(_analyse_chunk, [str(pending[sid]) for sid in chunk]): chunk
                for chunk in chunks
            }
            for fut in cf.as_completed(futures):
                chunk = futures[fut]
                try:
                    outcomes = fut.result()
                except cf.process.BrokenProcessPool:
                    crashed.update((sid, pending[sid]) for sid in chunk)
                    continue
                for song_id, outcome in zip(chunk, outcomes, strict=True):
                    done(song_id, outcome)
        finally:
            if owned:
                executor.shutdown()
        if not crashed:
            break
        log.warning("an analysis process died; retrying %d file(s)", len(crashed))
        pending = crashed
        if attempt == 1:
            for song_id in crashed:
                done(song_id, (None, "the audio decoder crashed on this file"))
    return vectors, reasons


# --- the pipeline ---------------------------------------------------------------------------------


async def import_rows(
    redis: Redis,
    rows: list[SongRow],
    index_dir: Path,
    *,
    skipped: Iterable[Skipped] = (),
    n_trees: int = 32,
    jobs: int = 0,
    keep_versions: int = 3,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Analyse what changed, write songs and vectors, rebuild the index when anything changed."""
    started = time.perf_counter()
    report = ImportReport(skipped=list(skipped))
    store = CatalogStore(redis)

    with_audio = {r.song.id: r for r in rows if r.audio_path is not None}
    sigs = {sid: audio_signature(r.audio_path) for sid, r in with_audio.items() if r.audio_path}
    stored = await store.audio_sigs(with_audio)
    to_analyse = {
        sid: r.audio_path for sid, r in with_audio.items() if stored.get(sid) != sigs[sid]
    }
    report.reused = len(with_audio) - len(to_analyse)
    if progress is not None and report.reused:
        progress(report.reused)

    t0 = time.perf_counter()
    vectors, reasons = await asyncio.to_thread(
        analyse_files,
        {sid: p for sid, p in to_analyse.items() if p is not None},
        jobs=jobs,
        progress=progress,
    )
    report.analyse_seconds = time.perf_counter() - t0
    report.analysed = len(vectors)

    keep: list[Song] = []
    for r in rows:
        if r.song.id in reasons:
            report.skipped.append(Skipped(r.ref, r.song.title, reasons[r.song.id]))
            continue
        sig = sigs.get(r.song.id, "")
        keep.append(dataclasses.replace(r.song, audio_sig=sig))
    if progress is not None:
        progress(len(rows) - len(with_audio))
    counts = await store.upsert(keep, vectors)
    report.songs = len(keep)
    report.added, report.updated, report.unchanged = counts.added, counts.updated, counts.unchanged

    current = await store.index()
    current_ok = current is not None and (index_dir / f"songs-{current.version}.json").exists()
    if counts.added or counts.updated or not current_ok:
        report.index = await rebuild_index(
            store, index_dir, n_trees=n_trees, keep_versions=keep_versions
        )
        report.index_rebuilt = report.index is not None
    else:
        report.index = current
    report.seconds = time.perf_counter() - started
    return report


async def rebuild_index(
    store: CatalogStore, index_dir: Path, *, n_trees: int = 32, keep_versions: int = 3
) -> IndexPointer | None:
    """Index every stored vector as a new version and move the pointer. None: no audio at all."""
    stored = await store.features()
    if not stored:
        log.warning("no song has audio features: no index built")
        return None
    ids = sorted(stored)
    matrix = np.stack([audio.from_bytes(stored[i]) for i in ids])
    index = await asyncio.to_thread(SongIndex.build, index_dir, ids, matrix, n_trees=n_trees)
    pointer = IndexPointer(
        version=index.version, count=len(index), dim=index.dim, metric=METRIC, n_trees=n_trees
    )
    index.close()
    await store.set_index(pointer)
    removed = prune_versions(index_dir, keep=keep_versions, current=pointer.version)
    if removed:
        log.info("removed old index versions %s", removed)
    return pointer
