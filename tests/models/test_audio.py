"""Audio features on clips the tests synthesize: shape, determinism, and every refusal reason."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    decoded = audio.decode_ffmpeg(tmp_path / "long.wav")  # stops mid-frame, at the excerpt's end
    assert decoded is not None and decoded[0].size == int(audio.EXCERPT_S * sr)


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
            lambda p: (p / "notes.txt").write_text("not audio\n" * 200) and p / "notes.txt",
            "unreadable",
        ),
        (
            lambda p: (
                sf.write(p / "silent.wav", np.zeros(44_100, np.float32), 22_050) or p / "silent.wav"
            ),
            "silent",
        ),
    ],
    ids=["half-second", "corrupted", "missing", "text", "silent"],
)
def test_refused_audio_says_why(tmp_path: Path, make: object, reason: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(audio.AudioError) as err:
        audio.extract(path)
    assert err.value.reason.startswith(reason)


def test_warm_up_runs_the_whole_path() -> None:
    assert audio.warm_up() >= 0.0


def write_stereo(path: Path, rate: int, **fmt: str) -> Path:
    """A stereo clip whose channels differ (two tones and noise), in any format libsndfile writes."""
    t = np.arange(3 * rate) / rate
    noise = 0.03 * np.random.default_rng(3).standard_normal((t.size, 2))
    left = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.1 * np.sin(2 * np.pi * 1234 * t)
    right = 0.3 * np.sin(2 * np.pi * 660 * t)
    sf.write(path, (np.stack([left, right], axis=1) + noise).astype(np.float32), rate, **fmt)
    return path


def features_through(decode: object, path: Path) -> np.ndarray:
    """The vector of ``path`` with ``decode`` (one of the module's decoders) as its decoder."""
    samples, sr = decode(path)  # type: ignore[operator]
    if sr != audio.SAMPLE_RATE:
        import librosa

        samples = librosa.resample(
            samples, orig_sr=sr, target_sr=audio.SAMPLE_RATE, res_type=audio.RESAMPLER
        )
    return audio.features(np.ascontiguousarray(samples, dtype=np.float32))


LOSSY = [
    ("a.opus", 48_000, {"format": "OGG", "subtype": "OPUS"}),
    ("a.ogg", 44_100, {"format": "OGG", "subtype": "VORBIS"}),
    ("a.mp3", 44_100, {"format": "MP3", "subtype": "MPEG_LAYER_III"}),
]
LOSSLESS = [
    ("a16.wav", 44_100, {"subtype": "PCM_16"}),
    ("a24.flac", 48_000, {"subtype": "PCM_24"}),
    ("af.wav", 22_050, {"subtype": "FLOAT"}),
]


@pytest.mark.parametrize(("name", "rate", "fmt"), LOSSY, ids=[n for n, _, _ in LOSSY])
def test_ffmpeg_gives_the_features_libsndfile_gave(
    tmp_path: Path, name: str, rate: int, fmt: dict[str, str]
) -> None:
    """Two decoders of one lossy stream differ in the last bits of each sample (~1e-3 at most on
    the demo tracks); the pooled vector moves by a relative ~1e-7 here, ~5e-6 on the demo tracks."""
    path = write_stereo(tmp_path / name, rate, **fmt)
    ffmpeg = audio.decode_ffmpeg(path)
    assert ffmpeg is not None
    samples, sr = audio.decode_soundfile(path)
    assert ffmpeg[1] == sr and ffmpeg[0].size == samples.size  # same start, same excerpt
    new, old = (
        features_through(audio.decode_ffmpeg, path),
        features_through(audio.decode_soundfile, path),
    )
    assert np.linalg.norm(new - old) / np.linalg.norm(old) < 1e-4
    assert np.array_equal(audio.extract(path), new)  # extract takes the FFmpeg path


@pytest.mark.parametrize(("name", "rate", "fmt"), LOSSLESS, ids=[n for n, _, _ in LOSSLESS])
def test_lossless_files_give_the_same_floats_either_way(
    tmp_path: Path, name: str, rate: int, fmt: dict[str, str]
) -> None:
    path = write_stereo(tmp_path / name, rate, **fmt)
    ffmpeg = audio.decode_ffmpeg(path)
    assert ffmpeg is not None
    samples, sr = audio.decode_soundfile(path)
    assert ffmpeg[1] == sr and np.array_equal(ffmpeg[0], samples)


@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24"])
def test_full_scale_integer_samples_mix_without_overflow(tmp_path: Path, subtype: str) -> None:
    """Both channels at full scale: their sum does not fit the samples' integer type."""
    t = np.arange(22_050) / 22_050
    loud = np.sign(np.sin(2 * np.pi * 100 * t)) * 0.999
    path = tmp_path / "loud.flac"
    sf.write(path, np.stack([loud, loud], axis=1), 22_050, subtype=subtype)
    decoded = audio.decode_ffmpeg(path)
    assert decoded is not None
    samples, _ = audio.decode_soundfile(path)
    assert np.array_equal(decoded[0], samples) and np.abs(samples).max() > 0.99


def frames_of(channels: np.ndarray, fmt: str, rate: int = 48_000) -> list[Any]:
    """``channels`` (channels x samples, floats in [-1, 1)) as PyAV frames of 960 samples."""
    import av

    kind, scale = {"s16": (np.int16, 0x8000), "s32": (np.int32, 0x80000000)}.get(
        fmt.removesuffix("p"), (np.float32 if fmt.startswith("flt") else np.float64, 1)
    )
    data = (channels * scale).astype(kind) if scale != 1 else channels.astype(kind)
    layout = "stereo" if channels.shape[0] == 2 else "mono"
    frames = []
    for start in range(0, data.shape[1], 960):
        chunk = data[:, start : start + 960]
        if not fmt.endswith("p"):  # packed: one row of interleaved samples
            chunk = chunk.T.reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format=fmt, layout=layout)
        frame.sample_rate = rate
        frames.append(frame)
    return frames


@pytest.mark.parametrize("fmt", ["s16", "s16p", "s32", "s32p", "flt", "fltp", "dbl", "dblp"])
def test_every_sample_format_mixes_to_the_channels_mean(fmt: str) -> None:
    """Full-scale channels whose integer sum overflows the sample type, in each packed and planar
    format FFmpeg's decoders give: the mix is the channels' mean, as libsndfile's floats give it."""
    square = np.sign(np.sin(2 * np.pi * 50 * np.arange(4000) / 48_000))
    channels = np.stack([square * 32767, square * 16384]) / 32768  # exact in every format
    mono, filled, sr = audio._mix_frames(iter(frames_of(channels, fmt)), Path("x"))
    assert mono is not None and (filled, sr) == (4000, 48_000)
    expected = audio._mono(channels.T.astype(np.float32))
    assert np.array_equal(mono[:filled], expected) and np.abs(expected).max() > 0.7


def test_a_stream_changing_channels_or_rate_midway() -> None:
    """A chained Ogg can switch channel counts (each run is divided by its own count) or rates
    (the excerpt ends there)."""
    tone = 0.5 * np.sin(np.arange(1920) / 10)
    frames = frames_of(tone[None, :], "fltp") + frames_of(np.stack([tone, tone / 2]), "fltp")
    mono, filled, _ = audio._mix_frames(iter(frames), Path("x"))
    assert mono is not None and filled == 3840
    assert np.allclose(mono[:1920], tone) and np.allclose(mono[1920:filled], 0.75 * tone)
    frames = frames_of(tone[None, :], "fltp") + frames_of(tone[None, :], "fltp", rate=44_100)
    assert audio._mix_frames(iter(frames), Path("x"))[1] == 1920


def test_what_ffmpeg_leaves_goes_to_libsndfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """8-bit WAV (a sample format left to libsndfile), and every file when PyAV is missing."""
    u8 = write_stereo(tmp_path / "u8.wav", 22_050, subtype="PCM_U8")
    assert audio.decode_ffmpeg(u8) is None
    assert np.array_equal(audio.extract(u8), features_through(audio.decode_soundfile, u8))
    text = tmp_path / "notes.txt"
    text.write_text("not audio\n" * 200)
    assert audio.decode_ffmpeg(text) is None  # FFmpeg reads it as text art: no audio stream

    opus = write_stereo(tmp_path / "a.opus", 48_000, format="OGG", subtype="OPUS")
    monkeypatch.setitem(sys.modules, "av", None)  # `import av` raises ImportError
    assert audio.decode_ffmpeg(opus) is None
    assert np.array_equal(audio.extract(opus), features_through(audio.decode_soundfile, opus))
    with pytest.raises(audio.AudioError) as err:
        audio.extract(text)
    assert err.value.reason == audio.UNREADABLE


KEEP_FREED = """
import resource
import numpy as np
from models import audio

y = (0.1 * np.random.default_rng(0).standard_normal(10 * audio.SAMPLE_RATE)).astype(np.float32)

def faults():
    audio.features(y)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(3):
        audio.features(y)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

plain = faults()
assert audio.keep_freed_memory()
print(plain, faults())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_a_pool_process_reuses_the_memory_songs_free() -> None:
    """Fresh pages for every song's arrays were ~7% of a song's CPU (page faults)."""
    done = subprocess.run(
        [sys.executable, "-c", KEEP_FREED], capture_output=True, text=True, check=True
    )
    plain, kept = (int(v) for v in done.stdout.split())
    assert plain > 100 and kept < plain / 10, (plain, kept)
