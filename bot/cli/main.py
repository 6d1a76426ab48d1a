"""The ``norae`` command line (typer). Settings are read here, once, when a command starts."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from typing import Annotated, Any

import typer

from contract.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    help="norae (노래): a chat bot that writes with people.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # typer's rich help panel gives every flag a type ("--no-worker <bool>"); its plain help
    # leaves flags bare, as click does.
    rich_markup_mode=None,
)

log = logging.getLogger("norae")


def run_server(main: Coroutine[Any, Any, None]) -> None:
    """Run a long-lived server (``up``, ``web``, ``worker``) on uvloop where it is installed: a
    faster event loop than asyncio's own, same semantics (see benchmarks/front_door.py)."""
    try:
        import uvloop
    except ImportError:  # not on Windows
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


def _mount_subcommands() -> None:
    # Their modules import torch only inside the commands, so the bot process stays light.
    from bot.cli.catalog import catalog_app
    from bot.cli.lyrics import lyrics_app
    from bot.cli.models import models_app
    from bot.cli.mood import mood_app
    from bot.cli.redis_migrate import redis_app
    from bot.cli.train import emotion_app, train_app

    app.add_typer(train_app, name="train", help="Train the generator or the emotion classifier.")
    app.add_typer(emotion_app, name="emotion", help="Score emotions with the configured model.")
    app.add_typer(catalog_app, name="catalog", help="Import songs into the mood catalog.")
    app.add_typer(lyrics_app, name="lyrics", help="Import an artist's lyrics.")
    app.add_typer(models_app, name="models", help="Prepare the default language model.")
    app.add_typer(mood_app, name="mood", help="Audit what the mood companion reads.")
    app.add_typer(
        redis_app, name="redis", help="Carry an older norae's Redis over to new key names."
    )


_mount_subcommands()


def _settings(**overrides: object) -> Settings:
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    _setup_logging(settings.log_level)
    return settings


def _setup_logging(level: str) -> None:
    from rich.logging import RichHandler

    logging.basicConfig(
        level=level.upper(),
        format="%(name)s: %(message)s",
        handlers=[RichHandler(show_path=False, rich_tracebacks=False)],
        force=True,
    )


def _redis_url(settings: Settings) -> str:
    """NORAE_REDIS_URL or a live `norae up`'s Redis (bot/cli/redis_url.py), else a one-line exit."""
    from bot.cli.redis_url import NoRedis, redis_url

    try:
        url = redis_url(settings)
    except NoRedis as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    settings.redis.url = url
    return url


@app.command()
def up(
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Do not start a worker (one runs elsewhere).")
    ] = False,
) -> None:
    """Run everything locally: Redis (when NORAE_REDIS_URL is unset), a worker, web, Discord."""
    from bot.cli.embedded_redis import DataDirBusy, RedisNotFound
    from bot.cli.up import run_up

    settings = _settings()
    try:
        run_server(run_up(settings, with_worker=not no_worker))
    except (RedisNotFound, DataDirBusy) as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None


@app.command()
def worker(
    kinds: Annotated[
        str | None, typer.Option(help="Comma-separated job kinds (default NORAE_WORKER_KINDS).")
    ] = None,
    metrics_port: Annotated[
        int | None, typer.Option(help="Prometheus port, 0 for none (default 9400).")
    ] = None,
) -> None:
    """Run an inference worker: joins the consumer group and batches jobs from Redis."""
    settings = _settings()
    if kinds is not None:
        settings.worker.kinds = [k.strip() for k in kinds.split(",") if k.strip()]
    if metrics_port is not None:
        settings.worker.metrics_port = metrics_port
    url = _redis_url(settings)
    from models.loading import ModelLoadError
    from models.serve import serve

    try:
        run_server(serve(settings, url))
    except (ModelLoadError, ValueError) as exc:
        typer.secho(f"norae worker: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None


@app.command()
def web() -> None:
    """Serve only the web front door (Redis and workers run elsewhere)."""
    from bot.cli.up import run_up

    settings = _settings()
    _redis_url(settings)
    run_server(run_up(settings, with_worker=False))


@app.command()
def health() -> None:
    """Check Redis and list live workers (exit 1 when Redis is down)."""
    from bot.health import health as report
    from storage.connection import connect

    settings = _settings()
    url = _redis_url(settings)

    async def check() -> dict[str, object]:
        redis = connect(url)
        try:
            return await report(redis)
        finally:
            await redis.aclose()

    result = asyncio.run(check())
    typer.echo(json.dumps(result, indent=2))
    raise typer.Exit(0 if result["ok"] else 1)


def main() -> None:
    from bot.cli.embedded_redis import DataDirBusy, RedisNotFound
    from bot.cli.redis_url import NoRedis

    try:
        app(prog_name="norae")
    except (RedisNotFound, DataDirBusy, NoRedis) as exc:
        # Whichever command meets it, a missing Redis is one plain line, never a traceback.
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
