"""Audio features on clips the tests synthesize: shape, determinism, and every refusal reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from models import audio


def write_tone(path: Path, seconds: float, *, freq: float = 440.0, sr: int = 22_050) -> Path:
    t = np.arange(int(seconds * sr)) / sr
    rng = np.random.default_rng(int(freq))
    y = 0.4 * np.sin(2 * np.pi * freq * t) + 0.02 * rng.standard_normal(t.size)
    sf.write(path, y.astype(np.float32), sr)
    return path


def test_features_are_a_fixed_finite_vector(tmp_path: Path) -> None:
    vec = audio.extract(write_tone(tmp_path / "a.wav", 2.0))
    assert vec.shape == (audio.FEATURE_DIM,) == (80,)
    assert vec.dtype == np.float32
    assert np.all(np.isfinite(vec))
    assert np.array_equal(vec, audio.extract(tmp_path / "a.wav"))  # deterministic
    assert np.array_equal(audio.from_bytes(audio.to_bytes(vec)), vec)


def test_different_sounds_give_different_vectors(tmp_path: Path) -> None:
    low = audio.extract(write_tone(tmp_path / "low.wav", 1.5, freq=220.0))
    high = audio.extract(write_tone(tmp_path / "high.wav", 1.5, freq=3000.0))
    noise_path = tmp_path / "noise.wav"
    sf.write(noise_path, np.random.default_rng(1).uniform(-0.5, 0.5, 33_075), 22_050)
    noise = audio.extract(noise_path)
    assert np.linalg.norm(low - high) > 1.0
    assert np.linalg.norm(low - noise) > 1.0


def test_other_rates_and_stereo_are_resampled_to_mono_22k(tmp_path: Path) -> None:
    t = np.arange(44_100 * 2) / 44_100
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 440 * t)], axis=1) * 0.3
    sf.write(tmp_path / "s.flac", stereo.astype(np.float32), 44_100)
    y = audio.load_excerpt(tmp_path / "s.flac")
    assert y.ndim == 1 and abs(y.size - 2 * audio.SAMPLE_RATE) < 10


def test_only_the_first_30_seconds_are_read(tmp_path: Path) -> None:
    sr = 8000
    sf.write(tmp_path / "long.wav", np.full(sr * 40, 0.1, dtype=np.float32), sr)
    y = audio.load_excerpt(tmp_path / "long.wav")
    assert abs(y.size - int(audio.EXCERPT_S * audio.SAMPLE_RATE)) < 10


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: write_tone(p / "short.wav", 0.5), "too short"),
        (
            lambda p: (p / "bad.wav").write_bytes(b"RIFF\x00\x00junk" * 20) and p / "bad.wav",
            "unreadable",
        ),
        (lambda p: p / "missing.wav", "unreadable"),
        (
            lambda p: (
                sf.write(p / "silent.wav", np.zeros(44_100, np.float32), 22_050) or p / "silent.wav"
            ),
            "silent",
        ),
    ],
    ids=["half-second", "corrupted", "missing", "silent"],
)
def test_refused_audio_says_why(tmp_path: Path, make: object, reason: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(audio.AudioError) as err:
        audio.extract(path)
    assert err.value.reason.startswith(reason)


def test_warm_up_runs_the_whole_path() -> None:
    assert audio.warm_up() >= 0.0
