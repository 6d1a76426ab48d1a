"""``norae redis migrate``: carry a Redis an older norae wrote over to today's key names.

Every key now carries a Redis Cluster hash tag (``storage/keys.py``); an older Redis keeps its
stories, archives, votes, lyrics, song catalog and mood conversations under the old names, which
nothing reads any more. This command renames them (``storage/key_migration.py`` says how), on one
Redis server, while the bot and the workers are stopped. ``docs/redis-migration.md`` gives the
whole upgrade, and how to move into a cluster afterwards.

Which Redis: ``NORAE_REDIS_URL``; else the embedded one of the data folder, which this command
starts for the migration (as ``norae catalog import`` does) and stops again. A live ``norae up``
on the folder means the bot is running: the command refuses (a ``--dry-run`` reads its Redis).

Exit codes (``bot/cli/text.py``): 0 done, or nothing to do; 1 some keys were not moved (their new
name already exists: each is listed), or the migration could not run (no Redis, a cluster URL,
workers or the bot still running).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from bot.cli.text import PARTLY_OR_FAILED, both, fail, settings_or_exit

if TYPE_CHECKING:
    from storage.key_migration import Bar, Report

redis_app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

# What each family of keys is, for the report.
FAMILY_NAMES: dict[str, tuple[str, str]] = {
    "relay": ("이어쓰기", "relay stories"),
    "catalog": ("노래 목록", "song catalog"),
    "lyrics": ("가사", "lyrics"),
    "events": ("최근 소식", "recent events"),
    "mood": ("기분 대화", "mood conversations"),
    "kakao": ("카카오 상태", "Kakao state"),
    "jobs": ("작업 스트림", "job streams"),
    "bookkeeping": ("잠깐 쓰는 기록", "short-lived bookkeeping"),
}
SHOW_AT_MOST = 50  # unknown keys and conflicts listed by name


@redis_app.callback()
def _redis_group() -> None:
    """Look after norae's Redis."""  # a callback keeps `migrate` a subcommand


@redis_app.command("migrate")
def migrate_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Change nothing: print what a run would do.")
    ] = False,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Carry an older norae's Redis over to the new key names. Stop the bot and every worker
    first. Safe to run again: a second run changes nothing."""
    from bot.cli.embedded_redis import EmbeddedRedis, live_url
    from bot.cli.redis_url import embedded_dir
    from storage.connection import is_cluster_url

    settings = settings_or_exit()
    embedded: EmbeddedRedis | None = None
    url = settings.redis.url
    if url and is_cluster_url(url):
        _fail(
            "마이그레이션은 Redis 서버 하나에서 합니다. NORAE_REDIS_URL을 예전 서버로 두고 실행한 "
            "뒤, 클러스터로는 `redis-cli --cluster import`로 옮기세요 (docs/redis-migration.md).",
            "the migration runs on one Redis server: point NORAE_REDIS_URL at the old server, run "
            "this, then move the data into a cluster with `redis-cli --cluster import` "
            "(docs/redis-migration.md).",
        )
    if not url:
        url = live_url(embedded_dir(settings))
        if url and not dry_run:
            _fail(
                "이 데이터 폴더의 Redis를 다른 norae(`norae up` 등)가 쓰고 있습니다. 그것을 멈춘 "
                "뒤 다시 실행하세요.",
                "another norae (`norae up` or an import) is using this data folder's Redis: stop "
                "it, then run this again.",
            )
    if not url:
        embedded = EmbeddedRedis(embedded_dir(settings))
        url = embedded.start()
    try:
        report = asyncio.run(_run(url, dry_run=dry_run, progress=progress))
    except _Refused as exc:
        _fail(exc.ko, exc.en)
    finally:
        if embedded is not None:
            embedded.stop()
    _print_report(report)
    if report.conflicts:
        raise typer.Exit(PARTLY_OR_FAILED)


def _fail(ko: str, en: str) -> NoReturn:
    fail(ko, en, PARTLY_OR_FAILED, prog="norae redis migrate")


class _Refused(Exception):
    def __init__(self, ko: str, en: str) -> None:
        super().__init__(en)
        self.ko, self.en = ko, en


async def _run(url: str, *, dry_run: bool, progress: bool) -> Report:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from storage.connection import connect
    from storage.job_streams import JobStreams
    from storage.key_migration import migrate

    redis = connect(url, retries=1)
    try:
        try:
            workers = await JobStreams(redis).live_workers()
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise _Refused(
                f"Redis에 연결하지 못했습니다 ({exc})", f"cannot reach Redis ({exc})"
            ) from None
        if workers and not dry_run:
            raise _Refused(
                f"워커 {len(workers)}개가 아직 돌고 있습니다. 봇과 워커를 모두 멈춘 뒤 다시 "
                "실행하세요 (멈춘 워커는 15초쯤 뒤에 목록에서 사라집니다).",
                f"{len(workers)} workers are still running: stop the bot and every worker, then "
                "run this again (a stopped worker leaves the list within about 15 seconds).",
            )
        return await migrate(redis, dry_run=dry_run, bar_for=_bars(progress))
    finally:
        await redis.aclose()


def _bars(shown: bool) -> Callable[[str, int | None], Bar]:
    from tqdm import tqdm

    labels = {"scan": both("키 훑기", "scan"), "move": both("옮기기", "move")}

    def bar(stage: str, total: int | None) -> Bar:
        made: Bar = tqdm(
            desc=labels.get(stage, stage),
            total=total,
            unit="key",
            disable=not shown,
            file=sys.stderr,
            leave=False,
        )
        return made

    return bar


def _print_report(report: Report) -> None:
    if report.dry_run:
        _print_actions(report)
    if report.changes == 0 and not report.conflicts:
        typer.echo(
            both(
                "옮길 것이 없습니다: 모든 키가 이미 새 이름입니다.",
                "nothing to migrate: every key already has its new name.",
            )
        )
    else:
        _print_counts(report)
    typer.echo(
        both(
            f"이미 새 이름인 키 {report.already_new}개, 이름이 바뀌지 않는 키 {report.unchanged}개",
            f"keys already under their new name: {report.already_new}; names that did not "
            f"change: {report.unchanged}",
        )
    )
    if report.unknown:
        typer.secho(
            both(
                f"모르는 모양의 키 {len(report.unknown)}개는 그대로 두었습니다:",
                f"keys of an unknown shape, left alone: {len(report.unknown)}",
            ),
            fg="yellow",
        )
        _list(report.unknown)
    if report.conflicts:
        typer.secho(
            both(
                f"충돌 {len(report.conflicts)}개: 새 이름의 키가 이미 있어 옮기지 않았습니다 (둘 다 "
                "그대로입니다; 어느 쪽을 남길지 정해 하나를 지운 뒤 다시 실행하세요):",
                f"conflicts: {len(report.conflicts)}: the new name already exists, so nothing was "
                "moved (both are kept; keep one, delete the other, and run this again):",
            ),
            fg="red",
            err=True,
        )
        _list([f"{old} → {new}" for old, new in report.conflicts], err=True)
    if report.dry_run:
        typer.echo(
            both("미리 보기였습니다: 아무것도 바꾸지 않았습니다.", "dry run: nothing was changed.")
        )


def _print_counts(report: Report) -> None:
    dry = report.dry_run
    for family, (ko, en) in FAMILY_NAMES.items():
        moved, deleted = report.moved.get(family, 0), report.deleted.get(family, 0)
        if not moved and not deleted:
            continue
        parts_ko = [f"{'옮길' if dry else '옮긴'} 키 {moved}개"] if moved else []
        parts_en = [f"{moved} {'to move' if dry else 'moved'}"] if moved else []
        if deleted:
            parts_ko.append(f"{'지울' if dry else '지운'} 키 {deleted}개")
            parts_en.append(f"{deleted} {'to delete' if dry else 'deleted'}")
        typer.echo(both(f"{ko}: {', '.join(parts_ko)}", f"{en}: {', '.join(parts_en)}"))
    for source, count in report.split.items():
        typer.echo(
            both(
                f"{source}: 항목 {count}개를 샤드별 집합으로 {'나눌 것' if dry else '나눔'}",
                f"{source}: {'to split' if dry else 'split'} into per-shard sets, members: {count}",
            )
        )
    stories, rounds = len(report.new_story_ids), len(report.new_round_ids)
    if stories or rounds:
        typer.echo(
            both(
                f"새 id를 {'받을' if dry else '받은'} 것: 진행 중인 이야기 {stories}개, 끝나지 않은 "
                f"투표 {rounds}개 (그 이야기의 읽기 링크 /stories/<id>가 바뀝니다)",
                f"new ids {'to give' if dry else 'given'}: active stories {stories}, unfinished "
                f"rounds {rounds} (such a story's reader link /stories/<id> changes)",
            )
        )
        if not dry:
            _list([f"{old} → {new}" for old, new in sorted(report.new_story_ids.items())])


def _print_actions(report: Report) -> None:
    headers = {
        "story": both("새 id를 받을 이야기 (예전 → 새)", "stories that get a new id (old → new)"),
        "round": both("새 id를 받을 투표 (예전 → 새)", "rounds that get a new id (old → new)"),
        "move": both("옮길 키 (예전 이름 → 새 이름)", "keys to move (old name → new name)"),
        "delete": both("지울 키", "keys to delete"),
        "split": both(
            "샤드별로 나눌 정렬 집합 (항목 수)", "sorted sets to split per shard (members)"
        ),
    }
    for verb, header in headers.items():
        rows = [(key, target) for v, key, target in report.actions if v == verb]
        if not rows:
            continue
        typer.echo(header + ":")
        for key, target in rows:
            if verb == "split":
                typer.echo(f"  {key}: {target}")
            else:
                typer.echo(f"  {key} → {target}" if target else f"  {key}")


def _list(items: list[str], *, err: bool = False) -> None:
    for item in items[:SHOW_AT_MOST]:
        typer.echo(f"  {item}", err=err)
    if len(items) > SHOW_AT_MOST:
        rest = len(items) - SHOW_AT_MOST
        typer.echo(both(f"  … 외 {rest}개", f"  … and {rest} more"), err=err)
