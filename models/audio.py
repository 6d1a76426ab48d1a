"""Audio features for the song index: MFCCs (+ deltas) over a song's first 30 s, pooled to 80 numbers.

A song becomes one fixed vector: 20 MFCCs and their first-order deltas, each summarised by its mean
and standard deviation over time (20 x 2 x 2 = 80). Audio is decoded to mono at 22.05 kHz and cut to
the first :data:`EXCERPT_S` seconds.

Decoding goes through PyAV (FFmpeg's demuxers and decoders, in its wheel): only the excerpt is
decoded, frames are mixed to mono as they arrive, and the excerpt is resampled once, with soxr.
Files FFmpeg cannot open, or whose sample format it gives in a form not handled here, go to
libsndfile (soundfile), then to librosa's audioread backend. On the demo tracks (Ogg Opus, 48 kHz
stereo) FFmpeg's Opus decoder takes ~60 ms of CPU for 30 s where libsndfile's took ~180 ms; the
features take ~20 ms and resampling ~5 ms. Both decoders give the same features to within a
relative 1e-5 on Opus, Vorbis and MP3, and the same floats for PCM WAV and FLAC (see the tests),
so vectors stored before the switch stay valid (:data:`FEATURE_VERSION` is unchanged).
Standardization (per-dimension mean/std over the catalog) is done when the index is built
(``models/song_index.py``), since it depends on the whole catalog.

Refused audio raises :class:`AudioError` with a short reason the importer reports:

- ``unreadable``: no decoder could open it (corrupt, not audio, missing codec);
- ``too short``: under :data:`MIN_DURATION_S` (1 s: a 1 s excerpt still gives ~43 MFCC frames,
  enough for stable means and a 9-frame delta window; anything shorter is a click, not a song);
- ``silent``: RMS under :data:`SILENCE_RMS` (-80 dBFS): its MFCCs are all floor noise;
- ``invalid samples``: NaN or infinite values after decoding.

Cold start: librosa compiles its numba kernels on first use (~20-35 s on a small CPU when numba's
on-disk cache is empty, a few seconds when it is warm). :func:`warm_up` pays it once on a second of
synthetic noise; the importer calls it in each pool process's initializer so no song's timing (or
timeout) carries it. The worker's ``similar`` job never imports librosa: it only reads vectors.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

SAMPLE_RATE = 22_050
EXCERPT_S = 30.0
MIN_DURATION_S = 1.0
SILENCE_RMS = 1e-4
N_MFCC = 20
N_FFT = 2048
HOP_LENGTH = 512
FEATURE_DIM = N_MFCC * 4  # (mfcc, delta) x (mean, std)
RESAMPLER = "soxr_hq"  # librosa's default, named so that a librosa upgrade cannot change it
# Bump when anything above changes: stored vectors with another version are recomputed.
FEATURE_VERSION = "mfcc20-delta-meanstd-v1"

Vector = npt.NDArray[np.float32]


UNREADABLE = "unreadable: not a sound file, or a format that cannot be opened here"


class AudioError(Exception):
    """This audio cannot be analysed; ``reason`` is short and safe to show in an import report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_excerpt(path: str | Path) -> npt.NDArray[np.float32]:
    """The first :data:`EXCERPT_S` seconds of ``path``, mono, at :data:`SAMPLE_RATE`."""
    samples, sr = _decode(Path(path))
    if samples.size == 0:
        raise AudioError("too short: no samples")
    if not np.all(np.isfinite(samples)):
        raise AudioError("invalid samples: NaN or infinite values")
    if sr != SAMPLE_RATE:
        import librosa

        samples = librosa.resample(samples, orig_sr=sr, target_sr=SAMPLE_RATE, res_type=RESAMPLER)
    return np.ascontiguousarray(samples, dtype=np.float32)


def _decode(path: Path) -> tuple[npt.NDArray[np.float32], int]:
    """The excerpt, mono, at the file's own rate: FFmpeg first, then libsndfile, then audioread."""
    if not path.is_file():
        raise AudioError("unreadable: no such file")
    decoded = decode_ffmpeg(path)
    if decoded is not None:
        return decoded
    return decode_soundfile(path)


# FFmpeg's sample formats (planar ones end in "p") -> numpy dtype and the factor to [-1, 1): the
# same normalization as libsndfile's, so a WAV or FLAC gives the same floats through either.
_SAMPLE_FORMATS: dict[str, tuple[type[np.generic], float]] = {
    "flt": (np.float32, 1.0),
    "dbl": (np.float64, 1.0),
    "s16": (np.int16, 1.0 / 0x8000),
    "s32": (np.int32, 1.0 / 0x80000000),
}


def decode_ffmpeg(path: Path) -> tuple[npt.NDArray[np.float32], int] | None:
    """The excerpt through PyAV (FFmpeg's demuxers and decoders), or None when FFmpeg cannot
    give it (no audio stream, a format it does not know, an odd sample format, PyAV missing).

    Frames are mixed to mono as they come (the channels' mean, as :func:`_mono` computes it)
    into one buffer, and decoding stops once the excerpt is full. FFmpeg's own resampler is not
    used: through PyAV, its downmix alone costs more than decoding a 30 s Opus stream, and soxr
    resamples once afterwards.
    """
    try:
        import av
    except ImportError:  # a worker installed without PyAV still reads what libsndfile reads
        return None
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        log.debug("FFmpeg cannot open %s (%s)", path, exc)
        return None
    with container:
        if not container.streams.audio:
            return None
        mono, filled, sr = _mix_frames(container.decode(container.streams.audio[0]), path)
    if mono is None or filled == 0:
        return None
    return mono[:filled], sr


def _mix_frames(
    frames: Iterator[Any], path: Path
) -> tuple[npt.NDArray[np.float32] | None, int, int]:
    """(buffer, samples filled, rate): the channels' sum of each frame, scaled to [-1, 1) for
    integer formats, then divided by the channel count (once per run of equal counts)."""
    import av

    frombuffer = np.frombuffer
    mono: npt.NDArray[np.float32] | None = None
    runs: list[tuple[int, int]] = []  # (end, channels), a new run where the count changes
    filled = limit = sr = 0
    try:
        for frame in frames:
            name = frame.format.name
            dtype, scale = _SAMPLE_FORMATS.get(name.removesuffix("p"), (None, 1.0))
            if dtype is None:
                log.debug("%s: sample format %s is left to libsndfile", path, name)
                return None, 0, 0
            if mono is None:
                sr = int(frame.sample_rate)
                limit = int(EXCERPT_S * sr)
                mono = np.empty(limit, dtype=np.float32)
            elif frame.sample_rate != sr:  # a chained stream at another rate: the excerpt ends
                break
            n = min(frame.samples, limit - filled)
            channels = frame.layout.nb_channels
            out = mono[filled : filled + n]
            planes = frame.planes
            if name.endswith("p") and channels > 1:
                first = frombuffer(planes[0], dtype=dtype, count=n)
                second = frombuffer(planes[1], dtype=dtype, count=n)
                np.add(first, second, out=out, dtype=np.float32)  # float32: no int overflow
                for c in range(2, channels):
                    out += frombuffer(planes[c], dtype=dtype, count=n)
            elif name.endswith("p"):
                out[:] = frombuffer(planes[0], dtype=dtype, count=n)
            else:
                packed = frombuffer(planes[0], dtype=dtype, count=n * channels)
                out[:] = packed[0::channels]
                for c in range(1, channels):
                    out += packed[c::channels]
            if scale != 1.0:
                out *= np.float32(scale)
            filled += n
            if runs and runs[-1][1] == channels:
                runs[-1] = (filled, channels)
            else:
                runs.append((filled, channels))
            if filled >= limit:
                break
    except (av.error.FFmpegError, ValueError) as exc:
        if filled < MIN_DURATION_S * max(sr, 1):
            log.debug("FFmpeg could not decode %s (%s)", path, exc)
            return None, 0, 0
        log.debug("FFmpeg stopped decoding %s after %d samples (%s)", path, filled, exc)
    start = 0
    for end, channels in runs:
        if channels > 1 and mono is not None:
            mono[start:end] /= np.float32(channels)
        start = end
    return mono, filled, sr


def decode_soundfile(path: Path) -> tuple[npt.NDArray[np.float32], int]:
    """Read only the excerpt's frames through libsndfile (WAV, FLAC, OGG/Vorbis/Opus, MP3)."""
    import soundfile as sf

    try:
        with sf.SoundFile(str(path)) as f:
            sr = int(f.samplerate)
            data = f.read(frames=int(EXCERPT_S * sr), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        log.debug("libsndfile could not read %s (%s); trying audioread", path, exc)
        return _decode_fallback(path)
    return _mono(data), sr


def _mono(data: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The channels' mean, column by column: the same numbers as ``data.mean(axis=1)`` for mono
    and stereo, ~10x faster (a mean along a 2-wide axis is numpy's slow case: ~20 ms for 30 s)."""
    channels = data.shape[1]
    mono = data[:, 0].copy()
    for c in range(1, channels):
        mono += data[:, c]
    if channels > 1:
        mono /= np.float32(channels)
    return mono


def _decode_fallback(path: Path) -> tuple[npt.NDArray[np.float32], int]:
    """Formats neither FFmpeg nor libsndfile read, through librosa's audioread backend, if any."""
    import warnings

    import librosa

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # librosa warns that audioread is deprecated
            y, sr = librosa.load(str(path), sr=None, mono=True, duration=EXCERPT_S)
    except Exception as exc:  # any decoder failure is a per-file problem, never the import's
        log.debug("no decoder could read %s (%s)", path, type(exc).__name__)
        raise AudioError(UNREADABLE) from None
    return np.asarray(y, dtype=np.float32), int(sr)


def features(samples: npt.NDArray[np.float32], sr: int = SAMPLE_RATE) -> Vector:
    """The pooled 80-dim vector of an excerpt (already mono at ``sr``)."""
    import librosa

    duration = samples.size / sr
    if duration < MIN_DURATION_S:
        raise AudioError(f"too short: {duration:.2f}s < {MIN_DURATION_S:g}s")
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    if rms < SILENCE_RMS:
        raise AudioError(f"silent: RMS {rms:.1e}")
    with _one_blas_thread():
        mfcc = librosa.feature.mfcc(
            y=samples, sr=sr, n_mfcc=N_MFCC, n_fft=N_FFT, hop_length=HOP_LENGTH
        )
    delta = librosa.feature.delta(mfcc, mode="nearest")
    stacked = np.concatenate([mfcc, delta], axis=0)
    vector = np.concatenate([stacked.mean(axis=1), stacked.std(axis=1)]).astype(np.float32)
    if not np.all(np.isfinite(vector)):
        raise AudioError("invalid samples: features are not finite")
    return vector


_blas: Any = None


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """The mel projection is a BLAS product whose rounding depends on its thread count: one
    thread gives the same vector in an import's pool, in one process and on any machine."""
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas = ThreadpoolController()  # after librosa's import: it sees numpy's BLAS
        except ImportError:
            _blas = False
    if _blas is False:
        return contextlib.nullcontext()
    return cast(contextlib.AbstractContextManager[object], _blas.limit(limits=1, user_api="blas"))


def extract(path: str | Path) -> Vector:
    """Decode, cut and summarise one file. Raises :class:`AudioError` with a reason."""
    return features(load_excerpt(path))


def warm_up() -> float:
    """Run the whole feature path once on synthetic audio; returns the seconds it took.

    Call it once per process before timing-sensitive work: it pays numba's compilation (and the
    resampler's set-up), which would otherwise land on the first real song.
    """
    import time

    import librosa

    started = time.perf_counter()
    with contextlib.suppress(ImportError):
        import av  # noqa: F401  (its import, ~0.1 s, is part of the start-up, not of a song)
    rng = np.random.default_rng(0)
    noise = (0.1 * rng.standard_normal(44_100)).astype(np.float32)
    features(librosa.resample(noise, orig_sr=44_100, target_sr=SAMPLE_RATE, res_type=RESAMPLER))
    return time.perf_counter() - started


def keep_freed_memory() -> bool:
    """Let this process reuse the memory each song frees instead of handing it back to the kernel.

    glibc unmaps large freed blocks at once and trims the heap's top, so each song's arrays
    (~8 MB: the spectrogram, the resampled excerpt) land on fresh pages: ~2,100 page faults and
    ~7 ms of system time a song, ~7% of its CPU. Blocks up to 32 MB from the heap, and a heap
    trimmed only past 128 MB free, make the next song reuse the same pages. For processes that
    only analyse audio (the import's pool); False where the C library has no ``mallopt`` (not
    glibc), which changes nothing but speed.
    """
    import ctypes

    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(m_mmap_threshold, 32 << 20)) and bool(mallopt(m_trim_threshold, 128 << 20))


def to_bytes(vector: Vector) -> bytes:
    """Little-endian float32 bytes (how vectors are stored in Redis)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes) -> Vector:
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)
