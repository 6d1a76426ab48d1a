"""Settings: one section per concern, read from the environment (``NORAE_`` prefix) and ``.env``.

Names map one to one: ``NORAE_WORKER_MAX_BATCH`` is ``settings.worker.max_batch``. Nothing here is
read at import time; call :func:`load_settings` in an entry point and pass the result down.
Secrets (tokens, shared secrets) are ``SecretStr`` and only come from the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError as SourceError

ENV_PREFIX = "NORAE_"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTER_DIR = PROJECT_ROOT / "models" / "starter"


class RedisSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="Redis URL. Unset: `norae up` starts its own redis-server.",
    )
    max_connections: int = Field(default=32, gt=0, description="Connection pool size.")
    socket_timeout_s: float = Field(default=10.0, gt=0)


class DiscordSettings(BaseModel):
    token: SecretStr | None = Field(default=None, description="Bot token (secret).")
    owner_ids: list[int] = Field(default_factory=list, description="Users who may sync commands.")
    shard_count: int | None = Field(default=None, gt=0)
    shard_ids: list[int] | None = Field(default=None, description="Shards this process runs.")

    @field_validator("token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value  # compose passes ${NORAE_DISCORD_TOKEN:-} as ""


class KakaoSettings(BaseModel):
    secret: SecretStr | None = Field(default=None, description="Shared secret for /kakao/skill.")
    bot_ids: list[str] = Field(default_factory=list, description="Allowed Kakao bot ids.")

    @field_validator("secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value


class WebSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)


class WorkerSettings(BaseModel):
    kinds: list[str] = Field(
        default_factory=lambda: ["generate", "classify"],
        description="Job kinds this worker serves.",
    )
    max_batch: int = Field(default=16, gt=0, le=1024, description="Most jobs in one batch.")
    max_wait_ms: int = Field(default=10, ge=0, description="How long to gather a batch.")
    block_ms: int = Field(default=1000, gt=0, description="Idle wait for the first job.")
    forward_batch_size: int = Field(default=64, gt=0, description="Most sequences per forward.")
    visibility_timeout_s: float = Field(
        default=60.0, gt=0, description="A job idle this long in another worker is reclaimed."
    )
    max_deliveries: int = Field(default=3, gt=0, description="Deliveries before dead-lettering.")
    janitor_interval_s: float = Field(default=5.0, gt=0)
    heartbeat_interval_s: float = Field(default=5.0, gt=0)
    metrics_port: int = Field(
        default=9400, ge=0, le=65535, description="Prometheus port (0 = no metrics server)."
    )
    max_queue: int = Field(
        default=1000, gt=0, description="Backlog per job kind before callers get 'busy'."
    )
    result_ttl_s: int = Field(default=600, gt=0, description="How long job results are kept.")
    device: Literal["auto", "cpu", "cuda"] = "auto"


class ModelSettings(BaseModel):
    backend: Literal["local", "remote"] = Field(
        default="local", description="`local` transformers or `remote` OpenAI-compatible server."
    )
    generator: str = Field(
        default=str(STARTER_DIR / "generator"),
        description="Causal LM: hub id or local path (default: the bundled starter).",
    )
    classifier: str = Field(
        default=str(STARTER_DIR / "emotion"),
        description="Sequence classifier: hub id or local path (default: the bundled starter).",
    )
    remote_url: str | None = Field(
        default=None, description="Base URL of a vLLM/TGI server, e.g. http://gpu:8000/v1."
    )
    remote_model: str | None = Field(default=None, description="Model name on the remote server.")
    remote_api_key: SecretStr | None = None
    remote_timeout_s: float = Field(default=60.0, gt=0)
    context_tokens: int = Field(
        default=512, gt=0, description="Prompt tokens kept (left side cut)."
    )

    @model_validator(mode="after")
    def _remote_needs_url(self) -> ModelSettings:
        if self.backend == "remote" and not self.remote_url:
            raise ValueError("backend=remote needs NORAE_MODELS_REMOTE_URL")
        return self


class InferenceSettings(BaseModel):
    timeout_s: float = Field(default=30.0, gt=0, description="Default wait for a job's answer.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="_",
        env_nested_max_split=1,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    data_dir: Path = Field(default=Path(".data"), description="Local state (embedded Redis).")
    log_level: str = "INFO"
    redis: RedisSettings = RedisSettings()
    discord: DiscordSettings = DiscordSettings()
    kakao: KakaoSettings = KakaoSettings()
    web: WebSettings = WebSettings()
    worker: WorkerSettings = WorkerSettings()
    models: ModelSettings = ModelSettings()
    inference: InferenceSettings = InferenceSettings()


class SettingsError(ValueError):
    """A setting has a bad value; the message names the environment variable."""


def env_name(loc: tuple[int | str, ...]) -> str:
    """``("worker", "max_batch")`` -> ``NORAE_WORKER_MAX_BATCH``."""
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return ENV_PREFIX + "_".join(parts).upper()


def load_settings(**overrides: object) -> Settings:
    """Read settings now; a bad value raises :class:`SettingsError` naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except SourceError as exc:  # a value that is not even parseable (lists are JSON)
        raise SettingsError(
            f"invalid setting\n  {exc} (list values are JSON, e.g. NORAE_WORKER_KINDS='[\"generate\"]')"
        ) from None
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = env_name(err["loc"]) if err["loc"] else ENV_PREFIX + "*"
            secret = any(word in name for word in ("TOKEN", "SECRET", "KEY"))
            got = "" if secret or isinstance(err.get("input"), dict) else f" (got {err['input']!r})"
            lines.append(f"{name}: {err['msg']}{got}")
        raise SettingsError("invalid setting\n  " + "\n  ".join(lines)) from None
