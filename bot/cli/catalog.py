"""``norae catalog …``: import songs into the catalog and build the song index.

librosa, annoy and numpy are imported inside the command, so mounting this app costs nothing.
The songs go to ``NORAE_REDIS_URL``, else to the Redis of a live ``norae up`` on the same data
folder (the running bot sees them at once); with neither, the command starts the same embedded
Redis as ``norae up`` for the import, so ``norae catalog import --demo && norae up`` works on a
fresh checkout. It never starts a second server on a data folder a live one owns.

Exit codes (``bot/cli/text.py``): 0 every row imported; 1 some rows skipped (each with its
reason) or the import failed (an unreadable CSV, no Redis); 2 the command as typed cannot run (a
CSV or ``--audio-dir`` that does not exist, a bad option value).

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
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from bot.cli.text import PARTLY_OR_FAILED, USAGE, both, fail
from contract.settings import Settings, SettingsError, load_settings

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
    from bot.catalog import default_songs_csv
    from models.catalog_import import CsvError, default_rows, demo_rows, read_csv

    if (csv_path is not None) + demo + default != 1:
        _fail(
            "CSV 파일, --demo, --default 중 하나만 주세요.",
            "give one of a CSV file, --demo or --default.",
            USAGE,
        )
    if tag_moods not in TAG_SOURCES:
        _fail(
            "--tag-moods는 auto, worker, local, none 중 하나입니다.",
            "--tag-moods is auto, worker, local or none.",
            USAGE,
        )
    if csv_path is not None and not csv_path.is_file():
        _fail(f"파일이 없습니다: {csv_path}", f"no such file: {csv_path}", USAGE)
    if audio_dir is not None and not audio_dir.is_dir():
        _fail(f"폴더가 없습니다: {audio_dir}", f"no such folder: {audio_dir}", USAGE)
    settings = _settings()
    skipped: list[Skipped]
    try:
        if default:
            rows, skipped = default_rows(default_songs_csv()), []
        elif demo:
            rows, skipped = demo_rows(), []
        else:
            assert csv_path is not None
            rows, skipped = read_csv(csv_path, audio_dir)
    except CsvError as exc:
        _fail(f"CSV 파일에 문제가 있습니다: {exc.ko}", f"cannot use the CSV file: {exc}")
    except ModuleNotFoundError as exc:
        _fail(f"설치되지 않은 패키지: {exc.name}", f"a package is not installed: {exc.name}")
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
        raise typer.Exit(PARTLY_OR_FAILED) from None
    _print_report(report)
    if any(not s.reason.startswith("duplicate of") for s in report.skipped):
        raise typer.Exit(PARTLY_OR_FAILED)


def _fail(ko: str, en: str, code: int = PARTLY_OR_FAILED) -> NoReturn:
    fail(ko, en, code, prog="norae catalog import")


class TaggingUnavailable(Exception):
    """Rows need moods from their lyrics and the emotion model cannot be reached or loaded."""


async def _emotion_classifier(
    redis: Redis, settings: Settings, source: str
) -> tuple[EmotionClassifier, str]:
    """(the classifier to tag lyrics with, where it runs: "worker" or "local")."""
    from bot.cli.mood import ClassifierUnavailable, LocalClassifier
    from bot.inference import InferenceClient
    from storage.job_streams import JobStreams

    if source in ("auto", "worker"):
        workers = await JobStreams(redis).live_workers()
        if any("classify" in (w.get("kinds") or []) for w in workers):
            client = InferenceClient(
                redis,
                max_queue=settings.worker.max_queue,
                timeout_s=settings.inference.timeout_s,
                partitions=settings.redis.job_partitions,
            )
            await client.start()
            return client, "worker"
        if source == "worker":
            raise TaggingUnavailable(
                both(
                    "--tag-moods worker: classify를 맡은 워커가 없습니다 "
                    "(--tag-moods local을 써 보세요)",
                    "--tag-moods worker: no live worker serves classify (try --tag-moods local)",
                )
            )
    try:
        return await asyncio.to_thread(
            LocalClassifier, settings.models.classifier, settings.worker.device
        ), "local"
    except ClassifierUnavailable as exc:
        raise TaggingUnavailable(
            both(
                f"가사로 분위기를 붙일 감정 모델을 불러오지 못했습니다 ({exc}); "
                "그 줄에 moods를 적거나 --tag-moods none을 쓰세요",
                f"cannot load the emotion model to tag moods from lyrics ({exc}); "
                "give those rows moods, or use --tag-moods none",
            )
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

    from bot.cli.embedded_redis import DataDirBusy, EmbeddedRedis, wait_for_live_url
    from bot.cli.redis_url import embedded_dir, find_redis_url
    from models.catalog_import import import_rows, needs_moods, tag_moods_from_lyrics
    from storage.connection import connect

    embedded: EmbeddedRedis | None = None
    url = find_redis_url(settings, wait=True)
    if url is None:
        embedded = EmbeddedRedis(embedded_dir(settings))
        try:
            url = embedded.start()
        except DataDirBusy:  # an owner came up meanwhile: use its server
            embedded = None
            url = wait_for_live_url(embedded_dir(settings))
            if url is None:
                raise
        log.info("no live Redis for this data folder: started one for the import")
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
    from bot.cli.text import skip_reason

    typer.echo(
        both(
            f"노래 {report.songs}곡: 새로 {report.added}, 바뀜 {report.updated}, "
            f"그대로 {report.unchanged}; 오디오 분석 {report.analysed}, "
            f"재사용 {report.reused} ({report.analyse_seconds:.1f}초)",
            f"{report.songs} songs: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged; audio analysed {report.analysed}, "
            f"reused {report.reused} ({report.analyse_seconds:.1f}s)",
        )
    )
    if report.tagged:
        typer.echo(
            both(
                f"감정 모델이 가사로 분위기를 붙인 노래: {report.tagged}곡",
                f"moods tagged from lyrics by the emotion model: {report.tagged} songs",
            )
        )
    for s in report.skipped:
        label = f" {s.title!r}" if s.title else ""
        ko, en = skip_reason(s.reason)
        typer.secho(
            both(f"건너뜀 {_ref_ko(s.ref)}{label}: {ko}", f"skipped {s.ref}{label}: {en}"),
            fg="yellow",
            err=True,
        )
    if report.index is None:
        typer.echo(
            both(
                "오디오가 있는 노래가 없어 비슷한 소리 색인은 만들지 않았습니다",
                "no song has audio: no index built",
            )
        )
    else:
        state_ko, state = ("새로 만듦", "new") if report.index_rebuilt else ("그대로", "unchanged")
        typer.echo(
            both(
                f"색인 {report.index.version} ({state_ko}): {report.index.count}곡, "
                f"트리 {report.index.n_trees}개; {report.seconds:.1f}초 걸림",
                f"index {report.index.version} ({state}): {report.index.count} songs, "
                f"{report.index.n_trees} trees; done in {report.seconds:.1f}s",
            )
        )


def _ref_ko(ref: str) -> str:
    number = ref.removeprefix("line ")
    return f"{number}번째 줄" if number.isdigit() else ref
