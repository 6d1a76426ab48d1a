"""Settings: NORAE_ variables map to sections; bad values fail naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.settings import SettingsError, load_settings


def test_defaults_need_no_environment() -> None:
    s = load_settings()
    assert s.redis.url is None and s.discord.token is None
    assert s.worker.max_batch > 1 and s.models.backend == "local"
    assert s.models.generator == "gemma-3-270m"  # the prepared default (models/prepare.py)
    assert s.models.generator_path(s.data_dir).endswith("models/gemma-3-270m")


def test_environment_maps_to_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORAE_REDIS_URL", "redis://example:6380/2")
    monkeypatch.setenv("NORAE_WORKER_MAX_BATCH", "32")
    monkeypatch.setenv("NORAE_WORKER_KINDS", '["generate"]')
    monkeypatch.setenv("NORAE_DISCORD_TOKEN", "abc.def.ghi")
    s = load_settings()
    assert s.redis.url == "redis://example:6380/2"
    assert s.worker.max_batch == 32 and s.worker.kinds == ["generate"]
    assert s.discord.token is not None and s.discord.token.get_secret_value() == "abc.def.ghi"
    assert "abc.def.ghi" not in repr(s)  # secrets never print


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("NORAE_WEB_PORT=9999\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().web.port == 9999


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NORAE_WORKER_MAX_BATCH", "0", "NORAE_WORKER_MAX_BATCH: Input should be greater than 0"),
        ("NORAE_WEB_PORT", "http", "NORAE_WEB_PORT: Input should be a valid integer"),
        (
            "NORAE_MODELS_BACKEND",
            "gpu",
            "NORAE_MODELS_BACKEND: Input should be 'local' or 'remote'",
        ),
        ("NORAE_MODELS_BACKEND", "remote", "needs NORAE_MODELS_REMOTE_URL"),
    ],
)
def test_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_unparsable_list_names_the_section(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORAE_KAKAO_BOT_IDS", "not-json-list")
    with pytest.raises(SettingsError, match=r'field "kakao".*list values are JSON'):
        load_settings()


def test_bad_secret_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORAE_MODELS_REMOTE_API_KEY", "sk-very-secret")
    monkeypatch.setenv("NORAE_MODELS_REMOTE_TIMEOUT_S", "-1")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert "NORAE_MODELS_REMOTE_TIMEOUT_S" in str(err.value)
    assert "sk-very-secret" not in str(err.value)


def test_cli_reports_a_bad_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bot.cli.main import app

    monkeypatch.setenv("NORAE_WORKER_MAX_BATCH", "-3")
    result = CliRunner().invoke(app, ["health"])
    assert result.exit_code == 2
    assert "NORAE_WORKER_MAX_BATCH" in result.output


def test_sampling_settings_keep_their_names_and_the_jobs_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contract.jobs import GenerateRequest

    s = load_settings()
    assert (s.relay.temperature, s.relay.top_p, s.relay.repetition_penalty) == (0.8, 0.92, 1.15)
    assert (s.lyrics.temperature, s.lyrics.top_p, s.lyrics.repetition_penalty) == (0.9, 0.92, 1.15)
    assert (s.mood.temperature, s.mood.top_p) == (0.8, 0.9)
    monkeypatch.setenv("NORAE_RELAY_TEMPERATURE", "1.2")
    monkeypatch.setenv("NORAE_RELAY_REPETITION_PENALTY", "1.3")
    monkeypatch.setenv("NORAE_LYRICS_TOP_P", "0.5")
    monkeypatch.setenv("NORAE_MOOD_TOP_P", "0.7")
    s = load_settings()
    assert (s.relay.temperature, s.relay.repetition_penalty) == (1.2, 1.3)
    assert (s.lyrics.top_p, s.mood.top_p) == (0.5, 0.7)
    for section in (s.relay, s.lyrics):  # what a section allows, the job takes
        GenerateRequest(
            prompts=["x"],
            temperature=section.temperature,
            top_p=section.top_p,
            repetition_penalty=section.repetition_penalty,
        )
    # and what the job would refuse is refused where it is set, naming the variable
    for name, bad in (
        ("NORAE_RELAY_TOP_P", "0"),
        ("NORAE_LYRICS_TEMPERATURE", "6"),
        ("NORAE_LYRICS_REPETITION_PENALTY", "0.5"),
        ("NORAE_MOOD_TEMPERATURE", "-1"),
    ):
        monkeypatch.setenv(name, bad)
        with pytest.raises(SettingsError, match=name):
            load_settings()
        monkeypatch.delenv(name)


def test_the_generator_names_resolve_without_the_model_side(tmp_path: Path) -> None:
    from contract.settings import STARTER_DIR, ModelSettings, prepared_generator_dir

    def path(generator: str) -> str:
        return ModelSettings(generator=generator).generator_path(tmp_path)

    assert path("gemma-3-270m") == str(prepared_generator_dir(tmp_path))
    assert path("starter") == str(STARTER_DIR / "generator")
    assert path("/models/mine") == "/models/mine"
