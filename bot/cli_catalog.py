"""``norae catalog …``: import songs into the catalog and build the song index.

librosa, annoy and numpy are imported inside the command, so mounting this app costs nothing.
With no ``NORAE_REDIS_URL``, the command starts the same embedded Redis as ``norae up`` (same data
directory), so ``norae catalog import --demo && norae up`` works on a fresh checkout.

``--default`` imports the bundled catalog (``bot/data/default_songs.csv``: 451 Korean and English
songs with search links) and the demo tracks; a first ``norae up`` does the same.

Rows that have lyrics but no moods are tagged from their lyrics by the emotion model
(``--tag-moods``): ``worker`` asks the inference workers' ``classify`` job (the model the
companion itself uses), ``local`` loads the configured classifier here as ``norae emotion predict``
does, ``auto`` (the default) takes a live worker that serves ``classify`` and otherwise loads the
model here, ``none`` leaves such rows untagged. The lyrics' emotion becomes the moods that *match*
it (``NORAE_MOOD_MATCH``).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from models.catalog_import import EmotionClassifier, ImportReport, Skipped, SongRow
    from storage.connection import Redis

TAG_SOURCES = ("auto", "worker", "local", "none")

catalog_app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

log = logging.getLogger(__name__)


@catalog_app.command("import")
def import_(
    csv_path: Annotated[
        Path | None,
        typer.Argument(
            help="songs.csv: title, artist, url, moods (or emotion), lyrics, language, audio."
        ),
    ] = None,
    audio_dir: Annotated[
        Path | None,
        typer.Option("--audio-dir", help="Where the CSV's audio files are (default: its folder)."),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Import the 28 tracks of immich-memories-music.")
    ] = False,
    default: Annotated[
        bool,
        typer.Option(
            "--default", help="Import the bundled catalog (451 songs) and the demo tracks."
        ),
    ] = False,
    tag_moods: Annotated[
        str,
        typer.Option(
            "--tag-moods",
            help="Moods for rows with lyrics and no moods: auto, worker, local or none.",
        ),
    ] = "auto",
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", help="Analysis processes (default NORAE_CATALOG_IMPORT_JOBS)."
        ),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Import songs (a CSV, --demo or --default), analyse their audio, publish a new song index."""
    from models.catalog_import import CsvError, default_rows, demo_rows, read_csv

    if (csv_path is not None) + demo + default != 1:
        typer.secho(
            "norae catalog import: give one of a CSV file, --demo or --default", fg="red", err=True
        )
        raise typer.Exit(2)
    if tag_moods not in TAG_SOURCES:
        typer.secho(
            "norae catalog import: --tag-moods is auto, worker, local or none", fg="red", err=True
        )
        raise typer.Exit(2)
    settings = _settings()
    skipped: list[Skipped]
    try:
        if default:
            rows, skipped = default_rows(), []
        elif demo:
            rows, skipped = demo_rows(), []
        else:
            assert csv_path is not None
            rows, skipped = read_csv(csv_path, audio_dir)
    except (CsvError, ModuleNotFoundError) as exc:
        typer.secho(f"norae catalog import: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    try:
        report = asyncio.run(
            _run(
                settings,
                rows,
                skipped,
                settings.catalog.import_jobs if jobs is None else jobs,
                progress,
                tag_moods,
            )
        )
    except TaggingUnavailable as exc:
        typer.secho(f"norae catalog import: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    _print_report(report)


class TaggingUnavailable(Exception):
    """Rows need moods from their lyrics and the emotion model cannot be reached or loaded."""


async def _emotion_classifier(
    redis: Redis, settings: Settings, source: str
) -> tuple[EmotionClassifier, str]:
    """(the classifier to tag lyrics with, where it runs: "worker" or "local")."""
    from bot.cli_mood import ClassifierUnavailable, LocalClassifier
    from bot.inference import InferenceClient
    from storage.job_streams import JobStreams

    if source in ("auto", "worker"):
        workers = await JobStreams(redis).live_workers()
        if any("classify" in (w.get("kinds") or []) for w in workers):
            client = InferenceClient(
                redis, max_queue=settings.worker.max_queue, timeout_s=settings.inference.timeout_s
            )
            await client.start()
            return client, "worker"
        if source == "worker":
            raise TaggingUnavailable(
                "--tag-moods worker: no live worker serves classify (try --tag-moods local)"
            )
    try:
        return await asyncio.to_thread(
            LocalClassifier, settings.models.classifier, settings.worker.device
        ), "local"
    except ClassifierUnavailable as exc:
        raise TaggingUnavailable(
            f"cannot load the emotion model to tag moods from lyrics ({exc}); "
            "give those rows moods, or use --tag-moods none"
        ) from None


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level=settings.log_level.upper(), format="%(name)s: %(message)s")
    return settings


async def _run(
    settings: Settings,
    rows: list[SongRow],
    skipped: list[Skipped],
    jobs: int,
    progress: bool,
    tag_moods: str = "auto",
) -> ImportReport:
    from tqdm import tqdm

    from bot.embedded_redis import EmbeddedRedis
    from models.catalog_import import import_rows, needs_moods, tag_moods_from_lyrics
    from storage.connection import connect

    embedded: EmbeddedRedis | None = None
    url = settings.redis.url
    if url is None:
        embedded = EmbeddedRedis(settings.data_dir / "redis")
        url = embedded.start()
    redis = connect(url, max_connections=settings.redis.max_connections)
    bar = tqdm(total=len(rows), unit="song", disable=not progress, desc="analysing")
    tagged, tagged_by = 0, ""
    try:
        if tag_moods != "none" and any(needs_moods(r) for r in rows):
            classifier, tagged_by = await _emotion_classifier(redis, settings, tag_moods)
            try:
                rows, tagged = await tag_moods_from_lyrics(
                    rows, classifier, settings.mood.match, timeout=settings.inference.timeout_s
                )
            finally:
                close = getattr(classifier, "close", None)
                if close is not None:
                    await close()
            log.info("moods from lyrics: %d songs (emotion model: %s)", tagged, tagged_by)
        report = await import_rows(
            redis,
            rows,
            settings.catalog.index_path(settings.data_dir),
            skipped=skipped,
            n_trees=settings.catalog.n_trees,
            jobs=jobs,
            keep_versions=settings.catalog.keep_versions,
            progress=bar.update,
        )
        report.tagged = tagged
        return report
    finally:
        bar.close()
        await redis.aclose()
        if embedded is not None:
            embedded.stop()


def _print_report(report: ImportReport) -> None:
    typer.echo(
        f"{report.songs} songs: {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged; audio analysed {report.analysed}, "
        f"reused {report.reused} ({report.analyse_seconds:.1f}s)"
    )
    if report.tagged:
        typer.echo(f"moods tagged from lyrics by the emotion model: {report.tagged} songs")
    for s in report.skipped:
        label = f" {s.title!r}" if s.title else ""
        typer.secho(f"skipped {s.ref}{label}: {s.reason}", fg="yellow", err=True)
    if report.index is None:
        typer.echo("no song has audio: no index built")
    else:
        state = "new" if report.index_rebuilt else "unchanged"
        typer.echo(
            f"index {report.index.version} ({state}): {report.index.count} songs, "
            f"{report.index.n_trees} trees; done in {report.seconds:.1f}s"
        )
