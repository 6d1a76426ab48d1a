"""Settings: one section per concern, read from the environment (``NORAE_`` prefix) and ``.env``.

Names map one to one: ``NORAE_WORKER_MAX_BATCH`` is ``settings.worker.max_batch``. Nothing here is
read at import time; call :func:`load_settings` in an entry point and pass the result down.
Sections are one level deep (``env_nested_max_split=1``: everything after ``NORAE_<SECTION>_`` is
one field name), so a setting shared by several sections — the sampling of the relay, lyrics and
mood generations — is one annotated type (:mod:`contract.jobs`: ``Temperature``, ``TopP``,
``RepetitionPenalty``, the job's own bounds) with each section's default, not a nested model.
Secrets (tokens, shared secrets) are ``SecretStr`` and only come from the environment.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError as SourceError

from contract.jobs import RepetitionPenalty, Temperature, TopP

ENV_PREFIX = "NORAE_"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTER_DIR = PROJECT_ROOT / "models" / "starter"

# What NORAE_MODELS_GENERATOR may name besides a hub id or a path: the default model, prepared
# once into <data dir>/models/<name> (``norae models prepare``, models/prepare.py), and the bundled
# starter. The bot process reads the same layout to tell whether the default is prepared.
DEFAULT_GENERATOR = "gemma-3-270m"
STARTER_GENERATOR = "starter"
MODELS_SUBDIR = "models"


def prepared_generator_dir(data_dir: Path, name: str = DEFAULT_GENERATOR) -> Path:
    """Where the prepared model ``name`` lives under ``data_dir``."""
    return Path(data_dir) / MODELS_SUBDIR / name


class RedisSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="Redis URL (redis://host:port/0), or a cluster (redis+cluster://host:port). "
        "Unset: `norae up` starts its own redis-server.",
    )
    max_connections: int = Field(
        default=32, gt=0, description="Connection pool size (per node on a cluster)."
    )
    socket_timeout_s: float = Field(default=10.0, gt=0)
    job_partitions: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Streams per job kind, each in its own cluster slot; every bot process and "
        "worker must use the same number.",
    )


class DiscordSettings(BaseModel):
    token: SecretStr | None = Field(default=None, description="Bot token (secret).")
    owner_ids: list[int] = Field(default_factory=list, description="Users who may sync commands.")
    shard_count: int | None = Field(default=None, gt=0)
    shard_ids: list[int] | None = Field(default=None, description="Shards this process runs.")

    @field_validator("token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value  # compose passes ${NORAE_DISCORD_TOKEN:-} as ""


# Where Kakao i Open Builder's one-time callback URLs point
# (https://bot-api.kakao.com/v1/bots/<bot id>/callback/<token>).
KAKAO_CALLBACK_HOSTS = ("bot-api.kakao.com",)
_CALLBACK_HOST_RE = re.compile(
    r"(?:\.?[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?"
)


class KakaoSettings(BaseModel):
    secret: SecretStr | None = Field(default=None, description="Shared secret for /kakao/skill.")
    bot_ids: list[str] = Field(
        default_factory=list, description="Allowed Kakao bot ids (empty: any bot)."
    )
    callback_enabled: bool = Field(
        default=True,
        description="Answer slow requests with useCallback when Kakao sends a callbackUrl.",
    )
    # Kakao gives up 5 s after *it* sent the request; this clock starts when the handler does.
    # The time before (network, TLS, a proxy, the queue in front of aiohttp) and after (the
    # answer back to Kakao) is not on it, so 1.5 s of the 5 are left for them.
    reply_budget_s: float = Field(
        default=3.5,
        gt=0,
        lt=5.0,
        description=(
            "Without a callback: answer within this, then offer to fetch the rest. Measured "
            "inside the handler, so it leaves Kakao's 5 s a margin for the network."
        ),
    )
    pending_ttl_s: int = Field(
        default=600, gt=0, description="How long a late answer waits to be fetched."
    )
    thumbnail_url: str | None = Field(
        default=None,
        description="Image for song cards (basicCard needs one); unset: textCard, no image.",
    )
    callback_hosts: list[str] = Field(
        default_factory=lambda: list(KAKAO_CALLBACK_HOSTS),
        description=(
            "Hosts a callbackUrl may name: `host` (its scheme's default port only), "
            "`host:port`, or `.domain` (any subdomain, default port). Kakao's callback API is "
            "bot-api.kakao.com; any other URL is never called, and the answer comes within "
            "the reply budget instead."
        ),
    )
    callback_allow_http: bool = Field(
        default=False, description="Also call http:// callback URLs (local tests only)."
    )
    dedupe_window_s: int = Field(
        default=10,
        ge=1,
        le=600,
        description=(
            "A request without a callbackUrl that repeats one from the last this-many seconds "
            "(same bot, user, chat, block, utterance and params) is Kakao retrying: it gets the "
            "first answer and runs nothing."
        ),
    )

    @field_validator("secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("callback_hosts")
    @classmethod
    def _host_entries(cls, value: list[str]) -> list[str]:
        hosts = [v.strip().lower() for v in value if v.strip()]
        for host in hosts:
            if not _CALLBACK_HOST_RE.fullmatch(host):
                raise ValueError(
                    f"{host!r} is not a host: write bot-api.kakao.com, .kakao.com, "
                    "127.0.0.1:8080 or [::1]:8080 (no scheme, no path; IDN hosts in xn-- form)"
                )
        return hosts


class WebSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    trust_forwarded_for: bool = Field(
        default=False,
        description="Take the client address from X-Forwarded-For (only behind a proxy that "
        "sets it); otherwise the connection's address counts for per-address limits.",
    )


class Rate(BaseModel):
    """A token bucket: ``burst`` actions at once, then ``per_minute`` on average."""

    burst: float = Field(ge=1)
    per_minute: float = Field(gt=0)

    @property
    def per_s(self) -> float:
        return self.per_minute / 60.0


class LimitSettings(BaseModel):
    """Abuse limits (bot/limits.py): token buckets per user and per address, for each action.

    Each action is JSON, e.g. ``NORAE_LIMITS_WRITE='{"burst": 10, "per_minute": 30}'``. The same
    bucket serves every platform; a web request also spends from its address's bucket, which is
    ``address_factor`` times larger (several people may share one address).
    """

    enabled: bool = Field(default=True, description="Off: no rate limits at all (tests, demos).")
    start: Rate = Field(
        default=Rate(burst=5, per_minute=20 / 1440),
        description="Story starts: 5 at once, 20 a day.",
    )
    write: Rate = Field(default=Rate(burst=10, per_minute=30), description="Lines, undo, end.")
    continue_: Rate = Field(
        default=Rate(burst=3, per_minute=6),
        alias="continue",
        description="Model continuations and rerolls.",
    )
    vote: Rate = Field(default=Rate(burst=20, per_minute=60), description="Votes of any kind.")
    propose: Rate = Field(default=Rate(burst=5, per_minute=10), description="Proposals.")
    mood: Rate = Field(
        default=Rate(burst=5, per_minute=12),
        description="Mood messages and picks (a crisis message is never refused).",
    )
    lyrics: Rate = Field(default=Rate(burst=5, per_minute=10), description="Lyrics requests.")
    lyrics_import: Rate = Field(
        default=Rate(burst=3, per_minute=10 / 60),
        description="Artist imports from the web page: 3 at once, 10 an hour.",
    )
    identity: Rate = Field(
        default=Rate(burst=20, per_minute=20 / 60),
        description="New web identities (cookies) one address may be given: 20 at once, 20 an hour.",
    )
    address_factor: float = Field(
        default=5.0, ge=1.0, description="An address's buckets are this many times a user's."
    )
    voters_per_address: int = Field(
        default=3, ge=1, description="Web voters from one address counted in one round."
    )

    model_config = {"populate_by_name": True}

    def rate(self, action: str) -> Rate:
        rate = getattr(self, "continue_" if action == "continue" else action, None)
        if not isinstance(rate, Rate):
            raise KeyError(action)
        return rate


class WorkerSettings(BaseModel):
    kinds: list[str] = Field(
        default_factory=lambda: ["generate", "classify", "similar"],
        description="Job kinds this worker serves.",
    )
    max_batch: int = Field(default=16, gt=0, le=1024, description="Most jobs in one batch.")
    max_wait_ms: int = Field(default=10, ge=0, description="How long to gather a batch.")
    block_ms: int = Field(default=1000, gt=0, description="Idle wait for the first job.")
    forward_batch_size: int = Field(default=64, gt=0, description="Most sequences per forward.")
    visibility_timeout_s: float = Field(
        default=6.0,
        gt=0,
        description="A job its worker stopped holding this long is reclaimed (a live worker "
        "renews its hold every third of this); keep it plus the janitor interval well below the "
        "callers' timeouts, so a worker crash costs a delay, not a failure.",
    )
    max_deliveries: int = Field(default=3, gt=0, description="Deliveries before dead-lettering.")
    janitor_interval_s: float = Field(
        default=1.5, gt=0, description="How often a worker looks for abandoned jobs."
    )
    heartbeat_interval_s: float = Field(default=5.0, gt=0)
    metrics_port: int = Field(
        default=9400, ge=0, le=65535, description="Prometheus port (0 = no metrics server)."
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the metrics server listens on (0.0.0.0 to let a scraper in from "
        "another machine or container; docker-compose.yml does).",
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
        default=DEFAULT_GENERATOR,
        description="Causal LM: `gemma-3-270m` (the default, prepared once into the data dir "
        "from its package), `starter` (the small bundled model), a hub id or a local path.",
    )
    quantize: Literal["auto", "none", "int8"] = Field(
        default="auto",
        description="CPU only: int8 dynamic quantization of the generator's linear layers "
        "(`auto`: for models over 100M parameters).",
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

    def generator_path(self, data_dir: Path) -> str:
        """The generator to load: the prepared default's directory, the starter's, or as set."""
        if self.generator == DEFAULT_GENERATOR:
            return str(prepared_generator_dir(data_dir))
        if self.generator == STARTER_GENERATOR:
            return str(STARTER_DIR / "generator")
        return self.generator

    @model_validator(mode="after")
    def _remote_needs_url(self) -> ModelSettings:
        if self.backend == "remote" and not self.remote_url:
            raise ValueError("backend=remote needs NORAE_MODELS_REMOTE_URL")
        return self


class InferenceSettings(BaseModel):
    timeout_s: float = Field(default=30.0, gt=0, description="Default wait for a job's answer.")


class RelaySettings(BaseModel):
    """Relay stories (bot/relay/service.py): round timing, voting rules, size limits, generation."""

    candidates: int = Field(default=3, ge=2, le=9, description="Candidates per round (1️⃣-9️⃣).")
    round_seconds: float = Field(default=60.0, gt=0, description="How long a round stays open.")
    quorum: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Close early once this fraction of the channel's recent writers voted (0: off).",
    )
    platform_quorum: dict[str, float] = Field(
        default_factory=lambda: {"web": 1.0},
        description="`quorum` for the channels of one platform (the channel id's prefix: `web`, "
        "`discord`, `kakao`); others use `quorum`. Web rooms close once every recent writer "
        "has voted, so a writer alone never waits out the timer.",
    )
    recent_writers_window_s: float = Field(
        default=1800.0, gt=0, description="Who wrote within this many seconds is a recent writer."
    )
    no_vote_policy: Literal["keep_first", "drop"] = Field(
        default="keep_first", description="A round without votes keeps candidate 1, or nothing."
    )
    max_line_chars: int = Field(default=500, gt=0, description="Longest line a person may write.")
    max_story_chars: int = Field(default=20_000, gt=0, description="Story size limit (chars).")
    max_story_lines: int = Field(default=300, gt=0, description="Story size limit (lines).")
    new_tokens_default: int = Field(
        default=60, gt=0, description="max_new_tokens without `length`."
    )
    new_tokens_min: int = Field(default=16, gt=0, description="Smallest `length` accepted.")
    new_tokens_max: int = Field(
        default=160, gt=0, le=1024, description="Largest `length` accepted."
    )
    context_chars: int = Field(
        default=800, ge=50, description="Newest story text put in the prompt (after title/genre)."
    )
    overgenerate: int = Field(
        default=2,
        ge=1,
        le=4,
        description="The model writes this many times the candidates; the best ones are shown.",
    )
    temperature: Temperature = 0.8
    top_p: TopP = 0.92
    repetition_penalty: RepetitionPenalty = 1.15
    generate_timeout_s: float = Field(default=30.0, gt=0, description="Wait for the model.")
    max_rerolls: int = Field(default=2, ge=0, description="Rerolls allowed per round.")
    keyword_max_chars: int = Field(default=30, gt=0)
    max_proposals: int = Field(default=10, gt=0, description="Open proposals per kind and channel.")
    close_grace_s: float = Field(
        default=10.0, gt=0, description="A closed round whose closer died is finished after this."
    )
    empty_story_ttl_s: int = Field(
        default=24 * 3600,
        gt=0,
        description="A started story nobody writes in is gone after this (abandoned starts).",
    )
    idle_story_ttl_s: int = Field(
        default=30 * 24 * 3600,
        gt=0,
        description="An active story (and the channel's proposals) expires this long after its "
        "last line; ending a story archives it for good.",
    )
    reservation_lease_s: float = Field(
        default=10.0,
        ge=1.0,
        description="A continuation holds its channel this long past its writer's last sign of "
        "life (renewed while the model writes): a dead process frees the channel within it.",
    )

    @model_validator(mode="after")
    def _length_range(self) -> RelaySettings:
        if not self.new_tokens_min <= self.new_tokens_default <= self.new_tokens_max:
            raise ValueError("need new_tokens_min <= new_tokens_default <= new_tokens_max")
        bad = {k: v for k, v in self.platform_quorum.items() if not 0.0 <= v <= 1.0}
        if bad:
            raise ValueError(f"platform_quorum values must be from 0 to 1: {bad}")
        return self

    def quorum_for(self, channel: str) -> float:
        """The quorum of ``channel``: its platform's (the id's prefix) or the default."""
        return self.platform_quorum.get(channel.split(":", 1)[0], self.quorum)


class LyricsSettings(BaseModel):
    """Lyrics in an artist's style (bot/lyrics/service.py): song size, retrieval, sampling, novelty guard."""

    lines_default: int = Field(default=12, gt=0, description="Lines of a song without `lines`.")
    lines_min: int = Field(default=4, gt=0, description="Fewest lines a user may ask for.")
    lines_max: int = Field(default=32, gt=0, le=80, description="Most lines a user may ask for.")
    theme_max_chars: int = Field(default=100, gt=0, description="Longest theme accepted.")
    context_lines: int = Field(
        default=6, ge=0, le=40, description="Lines of the artist's songs put in the prompt."
    )
    tokens_per_line: int = Field(
        default=16, gt=0, description="max_new_tokens = lines x this (capped by the job limit)."
    )
    max_line_tokens: int = Field(
        default=14, ge=4, le=200, description="A longer line is broken at the next word."
    )
    max_new_tokens: int = Field(
        default=600,
        gt=0,
        le=1024,
        description="Cap (a model with fewer positions gets what fits beside the prompt).",
    )
    candidates: int = Field(default=3, ge=1, le=16, description="Candidates per generation call.")
    max_regenerations: int = Field(
        default=3, ge=0, description="Extra calls when every candidate copies the artist."
    )
    novelty_span: int = Field(
        default=8, ge=3, description="Consecutive shared words/morphemes that make a copy."
    )
    temperature: Temperature = 0.9
    top_p: TopP = 0.92
    repetition_penalty: RepetitionPenalty = 1.15
    generate_timeout_s: float = Field(default=30.0, gt=0, description="Wait for the model.")
    max_line_chars: int = Field(default=60, ge=10, description="Longer lines are broken.")
    autocomplete_limit: int = Field(default=25, gt=0, le=25, description="Names offered.")
    import_max_bytes: int = Field(
        default=200_000,
        ge=1_000,
        le=4_000_000,
        description="Most text (UTF-8 bytes) one import from the web page may paste.",
    )
    import_max_songs: int = Field(
        default=100, gt=0, le=1000, description="Most songs one import from the web page may hold."
    )

    @model_validator(mode="after")
    def _lines_range(self) -> LyricsSettings:
        if not self.lines_min <= self.lines_default <= self.lines_max:
            raise ValueError("need lines_min <= lines_default <= lines_max")
        return self


class CatalogSettings(BaseModel):
    """The song catalog (``norae catalog import``) and the ``similar`` job's Annoy index."""

    index_dir: Path | None = Field(
        default=None, description="Where index versions are written (unset: <data_dir>/catalog)."
    )
    n_trees: int = Field(default=32, gt=0, le=1000, description="Annoy trees per index build.")
    search_k: int = Field(
        default=2000, ge=-1, description="Annoy nodes inspected per query (-1: n_trees x k)."
    )
    import_jobs: int = Field(
        default=0, ge=0, description="Processes analysing audio on import (0: one per CPU)."
    )
    reload_check_s: float = Field(
        default=1.0, ge=0, description="How often a worker checks Redis for a new index version."
    )
    keep_versions: int = Field(default=3, gt=0, description="Index versions kept on disk.")

    def index_path(self, data_dir: Path) -> Path:
        return self.index_dir if self.index_dir is not None else data_dir / "catalog"


class MoodSettings(BaseModel):
    """The mood companion (bot/mood/service.py): limits, memory, the emotion -> mood mappings, safety."""

    max_message_chars: int = Field(
        default=1000, gt=0, le=5000, description="Longest message the companion reads."
    )
    history_turns: int = Field(default=20, gt=0, description="Exchanges kept per user.")
    ttl_s: int = Field(
        default=7 * 86400, gt=0, description="Everything about a user expires after this idle time."
    )
    songs: int = Field(default=5, ge=1, le=10, description="Songs per recommendation.")
    no_repeat: int = Field(
        default=20, ge=0, le=500, description="A song is not offered again within this many."
    )
    default_policy: Literal["match", "lift"] = Field(
        default="match", description="`match` the feeling or `lift` it, until a user switches."
    )
    match: dict[str, list[str]] = Field(
        default_factory=lambda: MoodSettings.default_match(),
        description="Emotion -> catalog moods that match it (JSON; missing emotions: defaults).",
    )
    lift: dict[str, list[str]] = Field(
        default_factory=lambda: MoodSettings.default_lift(),
        description="Emotion -> catalog moods that lift it (JSON; missing emotions: defaults).",
    )
    crisis_line_ko: str = Field(
        default="자살예방상담전화 109 (24시간, 무료)",
        min_length=1,
        description="Shown to Korean writers.",
    )
    crisis_line_en: str = Field(
        default=(
            "Korea: call 109, the suicide prevention line (24 h, free). Elsewhere: your local "
            "emergency number, or find a line at https://findahelpline.com"
        ),
        min_length=1,
        description="Shown to English writers.",
    )
    crisis_words: list[str] = Field(
        default_factory=list, description="Extra crisis words/phrases (either language)."
    )
    generator_replies: bool = Field(
        default=False,
        description="The configured generator is chat-capable: answer with it (checked), "
        "falling back to curated answers. The bundled starter is not a chat model.",
    )
    reply_max_chars: int = Field(default=240, ge=20, description="Longest generated answer kept.")
    reply_max_new_tokens: int = Field(default=64, gt=0, le=1024)
    reply_candidates: int = Field(default=3, ge=1, le=16, description="Generated answers checked.")
    temperature: Temperature = 0.8
    top_p: TopP = 0.9
    classify_timeout_s: float = Field(default=10.0, gt=0, description="Wait for the emotion.")
    generate_timeout_s: float = Field(default=15.0, gt=0, description="Wait for an answer.")
    similar_timeout_s: float = Field(default=10.0, gt=0, description="Wait for sound-alikes.")

    @staticmethod
    def default_match() -> dict[str, list[str]]:
        return {
            "joy": ["happy", "energetic"],
            "sadness": ["tender", "calm"],
            "anger": ["energetic"],
            "fear": ["calm", "tender"],
            "surprise": ["energetic", "happy"],
            "disgust": ["calm"],
            "neutral": ["calm", "nostalgic"],
        }

    @staticmethod
    def default_lift() -> dict[str, list[str]]:
        return {
            "joy": ["happy", "energetic"],
            "sadness": ["happy", "energetic"],
            "anger": ["calm", "tender"],
            "fear": ["happy", "tender"],
            "surprise": ["calm", "nostalgic"],
            "disgust": ["happy", "tender"],
            "neutral": ["happy", "energetic"],
        }

    @model_validator(mode="after")
    def _complete_mappings(self) -> MoodSettings:
        for name, defaults in (("match", self.default_match()), ("lift", self.default_lift())):
            given: dict[str, list[str]] = getattr(self, name)
            unknown = sorted(set(given) - set(defaults))
            if unknown:
                raise ValueError(f"{name}: unknown emotions {unknown} (known: {sorted(defaults)})")
            merged = defaults | given
            for emotion, moods in merged.items():
                clean = [" ".join(m.strip().lower().split()) for m in moods if m.strip()]
                if not clean:
                    raise ValueError(f"{name}: {emotion} needs at least one mood")
                merged[emotion] = clean
            setattr(self, name, merged)
        return self


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
    limits: LimitSettings = LimitSettings()
    worker: WorkerSettings = WorkerSettings()
    models: ModelSettings = ModelSettings()
    inference: InferenceSettings = InferenceSettings()
    relay: RelaySettings = RelaySettings()
    catalog: CatalogSettings = CatalogSettings()
    lyrics: LyricsSettings = LyricsSettings()
    mood: MoodSettings = MoodSettings()

    @model_validator(mode="after")
    def _crash_costs_a_delay(self) -> Settings:
        """A job a dead worker held must be reclaimed while its caller still waits."""
        reclaim = self.worker.visibility_timeout_s + self.worker.janitor_interval_s
        waits = {
            "NORAE_INFERENCE_TIMEOUT_S": self.inference.timeout_s,
            "NORAE_RELAY_GENERATE_TIMEOUT_S": self.relay.generate_timeout_s,
            "NORAE_LYRICS_GENERATE_TIMEOUT_S": self.lyrics.generate_timeout_s,
            "NORAE_MOOD_CLASSIFY_TIMEOUT_S": self.mood.classify_timeout_s,
            "NORAE_MOOD_GENERATE_TIMEOUT_S": self.mood.generate_timeout_s,
            "NORAE_MOOD_SIMILAR_TIMEOUT_S": self.mood.similar_timeout_s,
        }
        name, shortest = min(waits.items(), key=lambda kv: kv[1])
        if reclaim >= shortest:
            raise ValueError(
                f"NORAE_WORKER_VISIBILITY_TIMEOUT_S + NORAE_WORKER_JANITOR_INTERVAL_S ({reclaim:g}s) "
                f"must be below every caller's timeout ({name} is {shortest:g}s): a job held by "
                "a crashed worker would otherwise always fail its caller"
            )
        return self


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
