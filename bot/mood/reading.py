"""What the mood companion reads in one message: a crisis first, then the emotion.

:class:`MoodReader` is the one code path for both: :class:`bot.mood.service.MoodService` answers with it and
``norae mood check`` prints what it reads, so the audit sees exactly what users get. It holds no
state and needs only something that classifies (the inference client in the bot; a classifier
loaded in-process for the command line when no worker runs).

The crisis check is synchronous and local (``bot/mood/crisis.py``): it never waits for the worker and
runs before any other check, so a busy worker or a too-long message can never hide a crisis.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from bot import texts
from bot.errors import UserError
from bot.inference import InferenceError
from bot.mood.crisis import CrisisDetector, CrisisVerdict
from bot.relay.text import has_visible
from contract.emotions import normalize_emotion
from contract.jobs import Prediction
from contract.settings import MoodSettings

log = logging.getLogger(__name__)


class MoodError(UserError):
    """Bad input for the companion, as a catalog code (``bot/locales/*/mood.ftl``).

    It may come before the writer's language is known (an empty message has none), so ``str()``
    is both texts, Korean first, for a front door that cannot tell; one that can asks
    :meth:`message` for its reader's language.
    """

    def __str__(self) -> str:
        return texts.both(self.code, **self.params)


class Classifier(Protocol):
    """The part of bot/inference.py's InferenceClient the reader uses."""

    async def classify(
        self, texts: list[str], *, timeout: float | None = None
    ) -> list[Prediction]: ...


@dataclass(frozen=True, slots=True)
class Emotion:
    label: str  # one of the 7 labels; "neutral" when the model could not answer
    score: float  # its probability; 0.0 when the model could not answer
    classified: bool  # False: the model was busy or failed


@dataclass(frozen=True, slots=True)
class Reading:
    """What the companion read. For a crisis ``emotion`` is None (nothing is classified then) and
    ``score`` is the crisis detector's; otherwise ``score`` is the emotion's probability (None when
    no emotion was asked for)."""

    crisis: bool
    emotion: str | None
    score: float | None
    why: str

    def as_json(self) -> dict[str, object]:
        return {
            "crisis": self.crisis,
            "emotion": self.emotion,
            "score": self.score,
            "why": self.why,
        }


class MoodReader:
    def __init__(self, classifier: Classifier, settings: MoodSettings) -> None:
        self.classifier = classifier
        self.settings = settings
        self.detector = CrisisDetector(settings.crisis_words)

    def crisis(self, text: object) -> CrisisVerdict:
        """The crisis verdict for any input (not a string: no crisis)."""
        if not isinstance(text, str):
            return CrisisVerdict(False, 0.0, "not a text")
        return self.detector.check(text)

    async def emotion(self, text: str) -> Emotion:
        try:
            predictions = await self.classifier.classify(
                [text], timeout=self.settings.classify_timeout_s
            )
        except InferenceError as exc:
            log.warning("mood: classification failed (%s); answering as neutral", exc.detail)
            return Emotion("neutral", 0.0, False)
        if not predictions:
            return Emotion("neutral", 0.0, False)
        best = predictions[0]
        return Emotion(normalize_emotion(best.label), float(best.score), True)

    def clean(self, text: object) -> str:
        """The message as the companion reads it, or :class:`MoodError` (empty, too long)."""
        if not isinstance(text, str):
            raise MoodError("mood-empty")
        cleaned = "".join(
            c
            for c in unicodedata.normalize("NFC", text)
            if c in "\n\t" or unicodedata.category(c) != "Cc"
        ).strip()
        if not has_visible(cleaned):  # empty, or only zero-width / bidi / filler characters
            raise MoodError("mood-empty")
        if len(cleaned) > self.settings.max_message_chars:
            raise MoodError("mood-too-long", limit=self.settings.max_message_chars)
        return cleaned

    async def read(self, text: str, *, with_emotion: bool = True) -> Reading:
        """What the companion reads in ``text``, in its order: a crisis (and nothing else), then
        the input checks (:class:`MoodError`), then the emotion."""
        verdict = self.crisis(text)
        if verdict.crisis:
            return Reading(True, None, verdict.score, verdict.why)
        cleaned = self.clean(text)
        if not with_emotion:
            return Reading(False, None, None, verdict.why)
        found = await self.emotion(cleaned)
        failed = "; the emotion model did not answer"
        why = verdict.why if found.classified else verdict.why + failed
        return Reading(False, found.label, round(found.score, 4), why)
