"""docker-compose.yml, checked without a Docker engine: every ``norae`` command is a real
subcommand with real options, every ``NORAE_*`` variable is a real setting, and the services
have what running them needs (Redis AOF on a volume, a GPU for the worker, health checks,
restart policies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from pydantic import BaseModel

from bot.cli.main import app
from contract.settings import ENV_PREFIX, Settings

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # resolves anchors and "<<"
    assert isinstance(data, dict)
    return data


def services() -> dict[str, dict[str, Any]]:
    found = compose()["services"]
    assert isinstance(found, dict) and found
    return found


def command_words(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(w) for w in command]


def env_names(env: Any) -> list[str]:
    """Names from a compose ``environment`` (a mapping, or a list of ``NAME=value``)."""
    if isinstance(env, dict):
        return [str(k) for k in env]
    return [str(item).split("=", 1)[0] for item in env or []]


def setting_names() -> set[str]:
    """Every ``NORAE_<SECTION>_<FIELD>`` and top-level ``NORAE_<FIELD>`` name Settings reads."""
    names = set()
    for name, info in Settings.model_fields.items():
        section = info.annotation
        if isinstance(section, type) and issubclass(section, BaseModel):
            names |= {f"{ENV_PREFIX}{name}_{field}".upper() for field in section.model_fields}
        else:
            names.add(f"{ENV_PREFIX}{name}".upper())
    return names


def is_group(command: Any) -> bool:
    return isinstance(getattr(command, "commands", None), dict)


def resolve(words: list[str]) -> tuple[Any, list[str]]:
    """The (click) command ``norae <words>`` reaches in typer's tree, and the words left for it.

    Typer ships its own copy of click, so groups are told apart by their ``commands``.
    """
    command: Any = typer.main.get_command(app)
    rest = list(words)
    while is_group(command) and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        assert sub is not None, f"`norae {' '.join(words)}`: no subcommand {rest[0]!r}"
        command, rest = sub, rest[1:]
    return command, rest


def test_the_setting_names_are_what_settings_reads() -> None:
    names = setting_names()
    assert {"NORAE_REDIS_URL", "NORAE_WORKER_KINDS", "NORAE_LOG_LEVEL", "NORAE_DATA_DIR"} <= names
    assert "NORAE_KAKAO_SECRET" in names and "NORAE_WORKER_NOPE" not in names


def test_norae_commands_are_real_subcommands_with_real_options() -> None:
    checked = 0
    for name, service in services().items():
        words = command_words(service)
        if not words or words[0] != "norae":
            continue
        command, rest = resolve(words[1:])
        assert not is_group(command), f"{name}: `{' '.join(words)}` is a group"
        ctx = command.make_context(f"norae {name}", rest, resilient_parsing=False)
        assert ctx.command is command
        checked += 1
    assert checked >= 2  # the worker and the bot


def test_resolve_refuses_made_up_commands() -> None:
    with pytest.raises(AssertionError):
        resolve(["wrk"])
    command, _ = resolve(["worker"])
    with pytest.raises(Exception, match="No such option"):
        command.make_context("norae worker", ["--no-such-option"])
    assert is_group(resolve(["lyrics"])[0]) and not is_group(resolve(["lyrics", "import"])[0])


def test_every_norae_variable_is_a_real_setting() -> None:
    known = setting_names()
    data = compose()
    anchors = [v for k, v in data.items() if k.startswith("x-") and isinstance(v, dict)]
    assert anchors, "the shared x-norae-env block is gone"
    seen: dict[str, str] = {}
    for where, env in [("x-norae-env", a) for a in anchors] + [
        (name, s.get("environment")) for name, s in services().items()
    ]:
        for var in env_names(env):
            if var.startswith(ENV_PREFIX):
                seen[var] = where
    assert seen
    unknown = {var: where for var, where in seen.items() if var not in known}
    assert not unknown, f"not settings: {unknown}"
    # The values compose passes are valid settings too (placeholders like ${X:-} aside).
    for name, service in services().items():
        env = service.get("environment") or {}
        if isinstance(env, dict):
            values = {
                k: str(v) for k, v in env.items() if k.startswith(ENV_PREFIX) and "${" not in str(v)
            }
            _check_values(name, values)


def _check_values(service: str, values: dict[str, str]) -> None:
    import os

    saved = {k: os.environ.get(k) for k in values}
    try:
        os.environ.update(values)
        Settings(_env_file=None)  # type: ignore[call-arg]
    except Exception as exc:  # pragma: no cover - the message is the point
        raise AssertionError(f"{service}: invalid values {values}: {exc}") from None
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_redis_keeps_its_data() -> None:
    redis = services()["redis"]
    words = command_words(redis)
    assert "--appendonly" in words and words[words.index("--appendonly") + 1] == "yes"
    volumes = redis.get("volumes") or []
    assert any(str(v).split(":")[1:] == ["/data"] for v in volumes), volumes
    named = str(volumes[0]).split(":")[0]
    assert named in (compose().get("volumes") or {}), "the redis volume is not declared"


def test_the_worker_reserves_a_gpu() -> None:
    worker = next(s for s in services().values() if command_words(s)[:2] == ["norae", "worker"])
    devices = worker["deploy"]["resources"]["reservations"]["devices"]
    assert any("gpu" in d.get("capabilities", []) for d in devices)


def test_services_have_health_checks_and_restart_policies() -> None:
    for name, service in services().items():
        assert service.get("restart") in ("always", "unless-stopped", "on-failure"), name
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no health check"
        assert not check.get("disable"), name
    bot = next(s for s in services().values() if command_words(s)[:2] == ["norae", "up"])
    assert "/healthz" in " ".join(str(w) for w in bot["healthcheck"]["test"])


def test_services_wait_for_a_healthy_redis() -> None:
    for name, service in services().items():
        if name == "redis":
            continue
        depends = service.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on without a condition"
        assert depends.get("redis", {}).get("condition") == "service_healthy", name
