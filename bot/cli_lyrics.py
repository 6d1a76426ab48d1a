"""``norae lyrics …``: import songs for the lyrics feature (mounted by bot/cli.py)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from bot.lyrics import ImportReport, LyricsError, LyricsService
from bot.settings import Settings, SettingsError, load_settings
from storage.connection import connect

log = logging.getLogger(__name__)

lyrics_app = typer.Typer(help="Lyrics in an artist's style: import songs.", no_args_is_help=True)

SHOW_SKIPPED = 30


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


@lyrics_app.command("import")
def import_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Plain text files (one or more songs each).")
    ] = None,
    artist: Annotated[
        str | None, typer.Option("--artist", help="The artist (with --csv: only their rows).")
    ] = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="A CSV in the Genius lyrics dataset layout.")
    ] = None,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: auto).")
    ] = None,
) -> None:
    """Import songs: `--artist NAME FILES…` or `--csv FILE [--artist NAME]`."""
    if csv_file is None and not files:
        raise typer.BadParameter("give text files (with --artist) or --csv FILE")
    if csv_file is not None and files:
        raise typer.BadParameter("give either text files or --csv, not both")
    if files and not artist:
        raise typer.BadParameter("text files need --artist NAME")
    settings = _settings()
    url = settings.redis.url
    if not url:
        typer.secho(
            "norae: NORAE_REDIS_URL is not set (import into the Redis the bot uses)",
            fg="red",
            err=True,
        )
        raise typer.Exit(2)
    try:
        report = asyncio.run(_import(settings, url, files or [], artist, csv_file, progress))
    except LyricsError as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    _print_report(report)


async def _import(
    settings: Settings,
    url: str,
    files: list[Path],
    artist: str | None,
    csv_file: Path | None,
    progress: bool | None,
) -> ImportReport:
    redis = connect(url, max_connections=settings.redis.max_connections)
    try:
        service = LyricsService(redis, None, settings.lyrics)
        if csv_file is not None:
            return await service.import_csv(csv_file, artist, progress=progress)
        assert artist is not None
        return await service.import_files(artist, files)
    finally:
        await redis.aclose()


def _print_report(report: ImportReport) -> None:
    per_artist = Counter(artist for artist, _, _ in report.imported)
    typer.echo(f"imported {len(report.imported)} songs")
    for artist, count in sorted(per_artist.items()):
        typer.echo(f"  {artist}: {count}")
    typer.echo(f"skipped {len(report.skipped)}")
    reasons = Counter(_reason_kind(s.reason) for s in report.skipped)
    for reason, count in reasons.most_common():
        typer.echo(f"  {count} × {reason}")
    for skipped in report.skipped[:SHOW_SKIPPED]:
        typer.echo(f"  - {skipped.source}: {skipped.reason}")
    if len(report.skipped) > SHOW_SKIPPED:
        typer.echo(f"  … and {len(report.skipped) - SHOW_SKIPPED} more")


def _reason_kind(reason: str) -> str:
    return "duplicate" if reason.startswith("duplicate of") else reason
