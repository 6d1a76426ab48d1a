"""``norae mood check``: what the mood companion reads in each message, for anyone to audit.

One message per stdin line -> one JSON line ``{"crisis", "emotion", "score", "why"}``, read by the
companion's own :class:`~bot.mood.reading.MoodReader` with the companion's settings
(``NORAE_MOOD_*``, extra crisis words included): the crisis verdict first; then the companion's
input checks (an empty or too long line says so in ``why``); then the emotion. For a crisis the
companion classifies nothing, so ``emotion`` is null and ``score`` is the crisis detector's; for
anything else ``score`` is the emotion's probability. ``why`` names the detector's rules that fired
and the context that set others aside.

Where the emotion comes from (``--emotion``):

- ``worker``: the inference workers, exactly as the companion asks them (needs a Redis:
  NORAE_REDIS_URL or a live ``norae up``, and a live worker serving ``classify``);
- ``local``: the configured classifier (or ``--model``) loaded in this process, as
  ``norae emotion predict`` does; it is the same model a worker would load;
- ``auto`` (the default): ``worker`` when a Redis is found and a worker serves ``classify``,
  otherwise ``local``;
- ``none``: the crisis verdict only (fast; no model, no Redis).

The crisis field never depends on this choice: the detector runs here, as in the bot process.
torch is imported only by ``local``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal, cast

import typer

from bot.mood.reading import Classifier, MoodError, MoodReader
from contract.jobs import Prediction
from contract.settings import Settings, SettingsError, load_settings

mood_app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

Source = Literal["auto", "worker", "local", "none"]


@mood_app.callback()
def _mood_group() -> None:
    """Audit what the mood companion reads."""  # a callback keeps `check` a subcommand


class ClassifierUnavailable(Exception):
    """The emotion model could not be reached or loaded; the message says why."""


class LocalClassifier:
    """A classifier loaded in this process, behind the interface the companion uses."""

    def __init__(self, name: str, device: str) -> None:
        from models.classification import LocalClassifier as Loaded
        from models.loading import ModelLoadError, load_classifier, pick_device

        try:
            self.classifier = Loaded(load_classifier(name, pick_device(device)))
        except ModelLoadError as exc:
            raise ClassifierUnavailable(str(exc)) from exc

    async def classify(self, texts: list[str], *, timeout: float | None = None) -> list[Prediction]:
        return await asyncio.to_thread(self.classifier.predict, texts)


async def read_lines(
    reader: MoodReader, lines: Iterable[str], *, with_emotion: bool
) -> AsyncIterator[str]:
    """One JSON line per input line, in order."""
    for line in lines:
        text = line.rstrip("\r\n")
        try:
            reading = (await reader.read(text, with_emotion=with_emotion)).as_json()
        except MoodError as exc:
            reading = {"crisis": False, "emotion": None, "score": None, "why": str(exc)}
        yield json.dumps(reading, ensure_ascii=False)


@asynccontextmanager
async def _worker_classifier(
    settings: Settings, *, required: bool
) -> AsyncIterator[Classifier | None]:
    """The inference client when a live worker serves ``classify``; None (or an error) if not."""
    from bot.cli.redis_url import NO_REDIS, find_redis_url
    from bot.inference import InferenceClient
    from storage.connection import connect, ping
    from storage.job_streams import JobStreams

    url = find_redis_url(settings)
    if not url:
        if required:
            raise ClassifierUnavailable(f"--emotion worker: {NO_REDIS}")
        yield None
        return
    redis = connect(url)
    try:
        serving = await ping(redis) and any(
            "classify" in (w.get("kinds") or []) for w in await JobStreams(redis).live_workers()
        )
        if not serving:
            if required:
                raise ClassifierUnavailable("no live worker serves classify (try --emotion local)")
            yield None
            return
        async with InferenceClient(
            redis,
            max_queue=settings.worker.max_queue,
            timeout_s=settings.inference.timeout_s,
            partitions=settings.redis.job_partitions,
        ) as client:
            yield client
    finally:
        await redis.aclose()


async def _run(settings: Settings, source: Source, model: str | None, device: str) -> None:
    async with _worker_classifier(settings, required=source == "worker") as worker:
        classifier: Any = worker
        if classifier is None and source in ("auto", "local"):
            classifier = LocalClassifier(model or settings.models.classifier, device)
        reader = MoodReader(classifier, settings.mood)
        async for out in read_lines(reader, sys.stdin, with_emotion=source != "none"):
            sys.stdout.write(out + "\n")
            sys.stdout.flush()


@mood_app.command("check")
def check(
    emotion: Annotated[
        str, typer.Option(help="Where emotions come from: auto, worker, local or none.")
    ] = "auto",
    model: Annotated[
        str | None, typer.Option(help="Classifier for --emotion local (default: configured).")
    ] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda (--emotion local).")] = "auto",
) -> None:
    """Read one message per stdin line; write one JSON line {"crisis", "emotion", "score", "why"}."""
    if emotion not in ("auto", "worker", "local", "none"):
        typer.echo("error: --emotion is auto, worker, local or none", err=True)
        raise typer.Exit(code=2)
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    try:
        asyncio.run(_run(settings, cast(Source, emotion), model, device))
    except ClassifierUnavailable as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
