"""A lexical head beside a neural classifier: hashed character and morpheme n-grams, TF-IDF, and a
linear layer, blended into the classifier's probabilities for texts in the head's language.

Why it exists: the starter encoder is pretrained on a few MB of Korean text, and on Korean a
linear model over character and morpheme n-grams scores about as well as the encoder while making
different mistakes, so the blend beats both (figures in the starter's model card). A classifier
directory without the two files below loads and runs exactly as before.

Stored beside the model as ``lexical_head.json`` (settings, labels, blend weight, the kiwipiepy
version that cut the morphemes) and ``lexical_head.npz`` (``idf``, ``coef``, ``intercept``) for
the Korean head; an English head, serving every text that is not Korean, sits beside it as
``lexical_head_en.json`` + ``lexical_head_en.npz`` (same format; optional). Nothing is pickled;
the hashing vectorizers are stateless, so the arrays are the whole model.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

log = logging.getLogger(__name__)

JSON_FILE = "lexical_head.json"
NPZ_FILE = "lexical_head.npz"
ARRAYS = ("idf", "coef", "intercept")
LANGUAGES = ("ko", "en")  # the head languages a classifier directory may carry, in blend order
FORMAT = 1
MAX_CHARS = 1000  # the head reads a text's first 1,000 characters (the encoder: 256 tokens)


class LexicalHeadError(ValueError):
    """A lexical head file is missing, corrupt or does not fit its classifier."""


def hangul_share(text: str) -> float:
    """Hangul's share of the letters of ``text`` (0 when it has none). A syllable block counts
    as two letters: it carries about what two Latin letters do."""
    hangul = other = 0
    for c in text:
        if "\uac00" <= c <= "\ud7a3":
            hangul += 2
        elif "\u3131" <= c <= "\u318e":
            hangul += 1
        elif c.isalpha():
            other += 1
    return hangul / (hangul + other) if hangul + other else 0.0


def is_korean(text: str) -> bool:
    return hangul_share(text) >= 0.3


def head_files(language: str) -> tuple[str, str]:
    """The (json, npz) file names of the head for ``language``: the Korean head keeps the
    original names, others carry the language (``lexical_head_en.json``)."""
    if language == "ko":
        return JSON_FILE, NPZ_FILE
    return f"lexical_head_{language}.json", f"lexical_head_{language}.npz"


class MorphemeCutter:
    """Kiwi morphemes as ``form/TAG`` strings; one Kiwi per process, built on first use."""

    _lock = threading.Lock()
    _kiwi: Any = None

    @classmethod
    def version(cls) -> str:
        import kiwipiepy

        return str(kiwipiepy.__version__)

    @classmethod
    def cut(cls, texts: Sequence[str]) -> list[list[str]]:
        with cls._lock:
            if cls._kiwi is None:
                from kiwipiepy import Kiwi

                cls._kiwi = Kiwi()
            kiwi = cls._kiwi
        return [[f"{t.form}/{t.tag}" for t in tokens] for tokens in kiwi.tokenize(list(texts))]


def morpheme_grams(morphemes: list[str]) -> list[str]:
    """Morpheme unigrams and bigrams."""
    return [*morphemes, *(f"{a} {b}" for a, b in itertools.pairwise(morphemes))]


@dataclass
class LexicalHead:
    labels: tuple[str, ...]
    language: str  # the head serves texts of this language ("ko"); others keep the neural output
    weight: float  # the head's share of the blended probabilities for the texts it serves
    char_ngrams: tuple[int, int]
    n_features: int  # hash buckets per feature family (characters, morphemes)
    idf: np.ndarray  # (2 * n_features,)
    coef: np.ndarray  # (labels, 2 * n_features)
    intercept: np.ndarray  # (labels,)
    kiwi_version: str = ""

    # --- features and scores ---

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """Sublinear TF-IDF over hashed character and morpheme n-grams, rows L2-normalised."""
        return tfidf(raw_counts(texts, self.char_ngrams, self.n_features), self.idf)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        logits = np.asarray(self.features(texts) @ self.coef.T, dtype=np.float32)
        logits += self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        probs: np.ndarray = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return probs

    def serves(self, text: str) -> bool:
        """The Korean head serves Korean texts; the English head every other text."""
        if self.language == "ko":
            return is_korean(text)
        return self.language == "en" and not is_korean(text)

    def blend(self, texts: Sequence[str], probs: np.ndarray) -> np.ndarray:
        """``probs`` (the classifier's, rows in ``labels`` order) with the head mixed in for the
        texts it serves; other rows are returned unchanged."""
        rows = [i for i, t in enumerate(texts) if self.serves(t)]
        out = np.array(probs, dtype=np.float32, copy=True)
        if rows and self.weight > 0:
            lexical = self.predict_proba([texts[i] for i in rows])
            out[rows] = (1 - self.weight) * out[rows] + self.weight * lexical
        return out

    # --- files ---

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        meta = {
            "format": FORMAT,
            "labels": list(self.labels),
            "language": self.language,
            "weight": round(float(self.weight), 4),
            "char_ngrams": list(self.char_ngrams),
            "n_features": self.n_features,
            "kiwi_version": self.kiwi_version,
        }
        json_name, npz_name = head_files(self.language)
        (directory / json_name).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        np.savez_compressed(
            directory / npz_name,
            idf=self.idf.astype(np.float16),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
        )

    @classmethod
    def load(cls, directory: Path, language: str = "ko") -> LexicalHead:
        """Read the two files of the head for ``language``; errors name the file and what is
        wrong with it."""
        directory = Path(directory)
        json_name, npz_name = head_files(language)
        meta_path, arrays_path = directory / json_name, directory / npz_name
        if not arrays_path.is_file():
            raise LexicalHeadError(f"lexical head file {arrays_path} is missing")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            labels = tuple(str(x) for x in meta["labels"])
            lo, hi = (int(x) for x in meta["char_ngrams"])
            n_features, weight = int(meta["n_features"]), float(meta["weight"])
            stored_language = str(meta["language"])
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise LexicalHeadError(f"lexical head file {meta_path} is corrupt: {exc}") from exc
        if int(meta.get("format", 0)) != FORMAT:
            raise LexicalHeadError(f"lexical head file {meta_path}: unknown format")
        if stored_language != language:
            raise LexicalHeadError(
                f"lexical head file {meta_path} is for language {stored_language!r}, "
                f"not {language!r}"
            )
        try:
            with np.load(arrays_path, allow_pickle=False) as data:
                arrays = {name: np.asarray(data[name], dtype=np.float32) for name in ARRAYS}
        except Exception as exc:  # zip, npy and key errors all mean an unreadable file
            raise LexicalHeadError(f"lexical head file {arrays_path} is corrupt: {exc}") from exc
        width = 2 * n_features
        shapes = {"idf": (width,), "coef": (len(labels), width), "intercept": (len(labels),)}
        for name, shape in shapes.items():
            if arrays[name].shape != shape:
                raise LexicalHeadError(
                    f"lexical head file {arrays_path} is corrupt: {name} has shape "
                    f"{arrays[name].shape}, expected {shape}"
                )
        if not 0.0 <= weight <= 1.0:
            raise LexicalHeadError(f"lexical head file {meta_path}: weight {weight} not in [0, 1]")
        head = cls(
            labels=labels,
            language=language,
            weight=weight,
            char_ngrams=(lo, hi),
            n_features=n_features,
            idf=arrays["idf"],
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            kiwi_version=str(meta.get("kiwi_version", "")),
        )
        if head.kiwi_version and head.kiwi_version != MorphemeCutter.version():
            log.warning(
                "lexical head in %s was trained with kiwipiepy %s; this is %s (morphemes may "
                "differ slightly)",
                directory,
                head.kiwi_version,
                MorphemeCutter.version(),
            )
        return head


def has_lexical_head(directory: Path, language: str = "ko") -> bool:
    return (Path(directory) / head_files(language)[0]).is_file()


@dataclass
class LexicalHeads:
    """The heads beside one classifier (Korean, and English when present). Each serves its own
    texts, so at most one head touches a text."""

    heads: tuple[LexicalHead, ...]

    def blend(self, texts: Sequence[str], probs: np.ndarray) -> np.ndarray:
        for head in self.heads:
            probs = head.blend(texts, probs)
        return probs

    def get(self, language: str) -> LexicalHead | None:
        return next((h for h in self.heads if h.language == language), None)

    def warm_up(self) -> None:
        """Build the morpheme analyser now rather than on the first user's message (about 2 s)."""
        for head in self.heads:
            head.predict_proba(["준비" if head.language == "ko" else "ready"])


def raw_counts(texts: Sequence[str], char_ngrams: tuple[int, int], n_features: int) -> csr_matrix:
    """Hashed counts: character n-grams (within words) then morpheme uni- and bigrams, of each
    text's first :data:`MAX_CHARS` characters."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import HashingVectorizer

    chars = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=char_ngrams,
        n_features=n_features,
        alternate_sign=False,
        norm=None,
        lowercase=True,
    )
    morphs = HashingVectorizer(
        analyzer=morpheme_grams, n_features=n_features, alternate_sign=False, norm=None
    )
    texts = [t[:MAX_CHARS] for t in texts]
    counts = hstack([chars.transform(texts), morphs.transform(MorphemeCutter.cut(texts))])
    return counts.tocsr().astype(np.float32)


def tfidf(counts: csr_matrix, idf: np.ndarray) -> csr_matrix:
    """``1 + log(tf)`` times idf, each row scaled to unit length (sklearn's sublinear TF-IDF)."""
    from sklearn.preprocessing import normalize

    weighted = counts.copy()
    weighted.data = 1.0 + np.log(weighted.data)
    weighted = weighted.multiply(idf.astype(np.float32)[None, :]).tocsr()
    return normalize(weighted, norm="l2", copy=False)


def fit_idf(counts: csr_matrix) -> np.ndarray:
    """Smoothed idf, as sklearn's ``TfidfTransformer(smooth_idf=True)``."""
    docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf: np.ndarray = (np.log((1 + docs) / (1 + df)) + 1.0).astype(np.float32)
    return idf


def train_lexical_head(
    texts: Sequence[str],
    labels: Sequence[int],
    label_names: Sequence[str],
    *,
    language: str = "ko",
    char_ngrams: tuple[int, int] = (1, 3),
    n_features: int = 2**16,
    c: float = 2.0,
    weight: float = 0.5,
    sample_weight: Sequence[float] | None = None,
    class_weight: str | None = None,
) -> LexicalHead:
    """Fit the TF-IDF weights and a multinomial logistic regression on ``texts`` (rows weighted
    by ``sample_weight``; ``class_weight="balanced"`` evens out the classes' total weight)."""
    from sklearn.linear_model import LogisticRegression

    if not texts or len(texts) != len(labels):
        raise ValueError("need the same, non-zero number of texts and labels")
    counts = raw_counts(texts, char_ngrams, n_features)
    idf = fit_idf(counts)
    model = LogisticRegression(C=c, max_iter=3000, class_weight=class_weight)
    model.fit(
        tfidf(counts, idf),
        list(labels),
        sample_weight=None if sample_weight is None else np.asarray(sample_weight, dtype=float),
    )
    coef = np.zeros((len(label_names), 2 * n_features), dtype=np.float32)
    intercept = np.full(len(label_names), -30.0, dtype=np.float32)  # classes never seen: ~0
    classes = [int(cls) for cls in model.classes_]
    if len(classes) == 2:  # binary LR keeps one row: the second class against the first
        rows = {classes[0]: (0.0, 0.0), classes[1]: (model.coef_[0], model.intercept_[0])}
    else:
        rows = {cls: (model.coef_[i], model.intercept_[i]) for i, cls in enumerate(classes)}
    for cls, (w, b) in rows.items():
        coef[cls], intercept[cls] = w, b
    return LexicalHead(
        labels=tuple(label_names),
        language=language,
        weight=weight,
        char_ngrams=char_ngrams,
        n_features=n_features,
        idf=idf,
        coef=coef,
        intercept=intercept,
        kiwi_version=MorphemeCutter.version(),
    )


def best_weight(
    neural: np.ndarray, lexical: np.ndarray, gold: Sequence[int], score: Any
) -> tuple[float, float]:
    """The blend weight in 0, 0.05, ..., 1 whose ``score(gold, pred)`` is best once averaged with
    its two grid neighbours: a weight in the middle of a plateau rather than a lucky spike of a
    noisy valid split. Ties go to the smaller weight. Returns (weight, its own unsmoothed score).
    """
    grid = [step / 20 for step in range(21)]
    values = [
        float(score(list(gold), ((1 - w) * neural + w * lexical).argmax(axis=1).tolist()))
        for w in grid
    ]
    smoothed = [
        sum(values[max(0, i - 1) : i + 2]) / len(values[max(0, i - 1) : i + 2])
        for i in range(len(grid))
    ]
    top = max(smoothed)
    best = next(i for i, v in enumerate(smoothed) if v >= top - 1e-9)
    return grid[best], values[best]
