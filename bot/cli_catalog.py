"""``norae catalog …``: import songs into the catalog and build the song index.

librosa, annoy and numpy are imported inside the command, so mounting this app costs nothing.
With no ``NORAE_REDIS_URL``, the command starts the same embedded Redis as ``norae up`` (same data
directory), so ``norae catalog import --demo && norae up`` works on a fresh checkout.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from models.catalog_import import ImportReport, Skipped, SongRow

catalog_app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

log = logging.getLogger(__name__)


@catalog_app.command("import")
def import_(
    csv_path: Annotated[
        Path | None,
        typer.Argument(help="songs.csv: title, artist, url, moods (or emotion), lyrics, audio."),
    ] = None,
    audio_dir: Annotated[
        Path | None,
        typer.Option("--audio-dir", help="Where the CSV's audio files are (default: its folder)."),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Import the 28 tracks of immich-memories-music.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", help="Analysis processes (default NORAE_CATALOG_IMPORT_JOBS)."
        ),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Import songs (a CSV, or --demo), analyse their audio, and publish a new song index."""
    from models.catalog_import import CsvError, demo_rows, read_csv

    if (csv_path is None) == (not demo):
        typer.secho(
            "norae catalog import: give a CSV file or --demo (not both)", fg="red", err=True
        )
        raise typer.Exit(2)
    settings = _settings()
    skipped: list[Skipped]
    try:
        if demo:
            rows, skipped = demo_rows(), []
        else:
            assert csv_path is not None
            rows, skipped = read_csv(csv_path, audio_dir)
    except (CsvError, ModuleNotFoundError) as exc:
        typer.secho(f"norae catalog import: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    report = asyncio.run(
        _run(
            settings,
            rows,
            skipped,
            settings.catalog.import_jobs if jobs is None else jobs,
            progress,
        )
    )
    _print_report(report)


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level=settings.log_level.upper(), format="%(name)s: %(message)s")
    return settings


async def _run(
    settings: Settings, rows: list[SongRow], skipped: list[Skipped], jobs: int, progress: bool
) -> ImportReport:
    from tqdm import tqdm

    from bot.embedded_redis import EmbeddedRedis
    from models.catalog_import import import_rows
    from storage.connection import connect

    embedded: EmbeddedRedis | None = None
    url = settings.redis.url
    if url is None:
        embedded = EmbeddedRedis(settings.data_dir / "redis")
        url = embedded.start()
    redis = connect(url, max_connections=settings.redis.max_connections)
    bar = tqdm(total=len(rows), unit="song", disable=not progress, desc="analysing")
    try:
        return await import_rows(
            redis,
            rows,
            settings.catalog.index_path(settings.data_dir),
            skipped=skipped,
            n_trees=settings.catalog.n_trees,
            jobs=jobs,
            keep_versions=settings.catalog.keep_versions,
            progress=bar.update,
        )
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
