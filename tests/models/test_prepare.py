"""Preparing the default generator: a tiny Gemma 3 GGUF through the real converting code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contract.settings import DEFAULT_GENERATOR, ModelSettings
from models.loading import load_causal_lm
from models.prepare import (
    MANIFEST,
    PrepareError,
    is_prepared,
    prepare,
    prepared_dir,
)
from models.starter import STARTER_DIR


def test_the_prepared_directory_loads_as_gemma3(tiny_gemma: Path) -> None:
    loaded = load_causal_lm(str(tiny_gemma))
    assert type(loaded.model).__name__ == "Gemma3ForCausalLM"
    assert loaded.model.config.hidden_size == 64 and loaded.model.config.num_hidden_layers == 2
    manifest = json.loads((tiny_gemma / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["dtype"] == "bfloat16" and "Gemma Terms of Use" in manifest["terms"]
    assert "model.safetensors" in manifest["files"] and len(manifest["sha256"]) == 64
    assert not list(tiny_gemma.glob("*.bin")) and not list(tiny_gemma.glob("*.gguf"))
    tok = loaded.tokenizer
    assert tok.bos_token_id == 2 and tok.eos_token_id == 1 and tok.pad_token_id == 0


def test_prepare_is_idempotent(tmp_path: Path, tiny_gemma_gguf: tuple[Path, str]) -> None:
    gguf, sha = tiny_gemma_gguf
    first = prepare(tmp_path, gguf=gguf, expected_sha256=sha, say=lambda _: None)
    assert first.prepared and is_prepared(tmp_path)
    weights = first.path / "model.safetensors"
    stamp = weights.stat().st_mtime_ns
    again = prepare(tmp_path, gguf=gguf, expected_sha256=sha, say=lambda _: None)
    assert not again.prepared and again.sha256 == sha
    assert weights.stat().st_mtime_ns == stamp  # nothing was rewritten
    forced = prepare(tmp_path, gguf=gguf, expected_sha256=sha, force=True, say=lambda _: None)
    assert forced.prepared and is_prepared(tmp_path)
    # the old version was swept: one versioned directory, one link, no temporary leftovers
    entries = sorted(p.name for p in (tmp_path / "models").iterdir() if p.name != ".prepare.lock")
    assert len(entries) == 2 and DEFAULT_GENERATOR in entries


def test_a_bad_checksum_is_refused_and_changes_nothing(
    tmp_path: Path, tiny_gemma_gguf: tuple[Path, str]
) -> None:
    gguf, _ = tiny_gemma_gguf
    with pytest.raises(PrepareError, match=r"checksum .* expected .*nothing was changed"):
        prepare(tmp_path, gguf=gguf, expected_sha256="0" * 64, say=lambda _: None)
    assert not is_prepared(tmp_path) and not prepared_dir(tmp_path).exists()
    assert not list((tmp_path / "models").glob(".prepare-*"))  # no half-written leftovers


def test_a_missing_gguf_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PrepareError, match="no GGUF file"):
        prepare(tmp_path, gguf=tmp_path / "nope.gguf", expected_sha256="0" * 64)


def test_a_killed_prepare_leaves_the_old_model_usable(
    tmp_path: Path, tiny_gemma_gguf: tuple[Path, str]
) -> None:
    gguf, sha = tiny_gemma_gguf
    prepare(tmp_path, gguf=gguf, expected_sha256=sha, say=lambda _: None)
    before = (prepared_dir(tmp_path) / MANIFEST).read_text(encoding="utf-8")
    # A forced prepare in another process, killed while it converts.
    script = (
        "import sys, time; from pathlib import Path; import models.prepare as p\n"
        "real = p.convert_gguf\n"
        "def slow(*a, **k):\n"
        "    out = real(*a, **k); print('converted', flush=True); time.sleep(60); return out\n"
        "p.convert_gguf = slow\n"
        f"p.prepare(Path({str(tmp_path)!r}), gguf=Path({str(gguf)!r}), "
        f"expected_sha256={sha!r}, force=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    line = b""
    while time.monotonic() < deadline and b"converted" not in line:
        line = proc.stdout.readline()
    assert b"converted" in line, "the child never reached the conversion"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    # the previous model is whole and in place; the leftovers go on the next prepare
    assert is_prepared(tmp_path)
    assert (prepared_dir(tmp_path) / MANIFEST).read_text(encoding="utf-8") == before
    load_causal_lm(str(prepared_dir(tmp_path)))
    assert list((tmp_path / "models").glob(".prepare-*"))
    again = prepare(tmp_path, gguf=gguf, expected_sha256=sha, say=lambda _: None)
    assert not again.prepared and not list((tmp_path / "models").glob(".prepare-*"))


def test_the_generator_setting_names(tmp_path: Path) -> None:
    def path(generator: str) -> str:
        return ModelSettings(generator=generator).generator_path(tmp_path)

    assert path("gemma-3-270m") == str(tmp_path / "models" / "gemma-3-270m")
    assert path("gemma-3-270m") == str(prepared_dir(tmp_path))  # where prepare() puts it
    assert path("starter") == str(STARTER_DIR / "generator")
    assert path("skt/kogpt2-base-v2") == "skt/kogpt2-base-v2"


def test_the_cli_prepares_with_a_given_file(
    tmp_path: Path, tiny_gemma_gguf: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from bot.cli.main import app

    gguf, sha = tiny_gemma_gguf
    monkeypatch.setenv("NORAE_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    bad = runner.invoke(app, ["models", "prepare", "--gguf", str(gguf), "--sha256", "1" * 64])
    assert bad.exit_code == 1 and "checksum" in bad.output and "Traceback" not in bad.output
    ok = runner.invoke(app, ["models", "prepare", "--gguf", str(gguf), "--sha256", sha])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout.strip().splitlines()[-1])["state"] == "prepared"
    info = runner.invoke(app, ["models", "info"])
    assert info.exit_code == 0 and json.loads(info.stdout)["prepared"] is True
