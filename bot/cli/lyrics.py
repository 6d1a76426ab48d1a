"""``norae lyrics …``: import songs for the lyrics feature (mounted by bot/cli/main.py).

The songs go to ``NORAE_REDIS_URL``, else to the Redis of a live ``norae up`` (bot/cli/redis_url.py).
Exit codes (bot/cli/text.py): 0 every song imported (or already there); 1 something skipped for
another reason, or the import failed; 2 the command as typed cannot run (a file that does not
exist, options that do not go together)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from bot import texts
from bot.cli.text import PARTLY_OR_FAILED, USAGE, both, fail, settings_or_exit
from bot.lyrics.importing import Skipped
from bot.lyrics.service import ImportReport, LyricsError, LyricsService
from contract.settings import Settings
from storage.connection import connect

log = logging.getLogger(__name__)

lyrics_app = typer.Typer(help="Lyrics in an artist's style: import songs.", no_args_is_help=True)

SHOW_SKIPPED = 30


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
        _fail(
            "텍스트 파일(--artist와 함께)이나 --csv 파일을 주세요.",
            "give text files (with --artist) or --csv FILE.",
            USAGE,
        )
    if csv_file is not None and files:
        _fail(
            "텍스트 파일과 --csv 중 하나만 주세요.",
            "give either text files or --csv, not both.",
            USAGE,
        )
    if files and not artist:
        _fail(
            "텍스트 파일에는 --artist 이름이 필요합니다.", "text files need --artist NAME.", USAGE
        )
    missing = [p for p in [*(files or []), *([csv_file] if csv_file else [])] if not p.is_file()]
    if missing:
        names = ", ".join(str(p) for p in missing)
        _fail(f"파일이 없습니다: {names}", f"no such file: {names}", USAGE)
    settings = settings_or_exit()
    from bot.cli.redis_url import NoRedis, redis_url

    try:
        url = redis_url(settings)
    except NoRedis as exc:
        typer.secho(f"norae lyrics import: {exc}", fg="red", err=True)
        raise typer.Exit(PARTLY_OR_FAILED) from None
    try:
        report = asyncio.run(_import(settings, url, files or [], artist, csv_file, progress))
    except LyricsError as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    _print_report(report)
    if any(not s.duplicate for s in report.skipped):
        raise typer.Exit(PARTLY_OR_FAILED)


def _fail(ko: str, en: str, code: int = PARTLY_OR_FAILED) -> NoReturn:
    fail(ko, en, code, prog="norae lyrics import")


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
    typer.echo(
        both(f"가져온 노래 {len(report.imported)}곡", f"imported {len(report.imported)} songs")
    )
    for artist, count in sorted(per_artist.items()):
        typer.echo(f"  {artist}: {count}")
    typer.echo(both(f"건너뜀 {len(report.skipped)}", f"skipped {len(report.skipped)}"))
    reasons = Counter(_reason_kind(s) for s in report.skipped)
    for reason, count in reasons.most_common():
        shown = both("이미 있는 노래", reason) if reason == "duplicate" else reason
        typer.echo(f"  {count} × {shown}")
    for skipped in report.skipped[:SHOW_SKIPPED]:
        typer.echo(f"  - {skipped.source}: {_reason(skipped)}")
    if len(report.skipped) > SHOW_SKIPPED:
        more = len(report.skipped) - SHOW_SKIPPED
        typer.echo("  " + both(f"… 그 밖에 {more}개", f"… and {more} more"))


def _reason(skipped: Skipped) -> str:
    """Why ``skipped`` was skipped, in Korean and English."""
    return texts.both(skipped.code, **skipped.params)


def _reason_kind(skipped: Skipped) -> str:
    """What the summary counts ``skipped`` under: every duplicate alike, else its reason."""
    return "duplicate" if skipped.duplicate else _reason(skipped)
