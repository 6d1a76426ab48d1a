"""What the mood companion reads in one message: a crisis first, then the emotion.

:class:`MoodReader` is the one code path for both: :class:`bot.mood.MoodService` answers with it and
``norae mood check`` prints what it reads, so the audit sees exactly what users get. It holds no
state and needs only something that classifies (the inference client in the bot; a classifier
loaded in-process for the command line when no worker runs).

The crisis check is synchronous and local (``bot/crisis.py``): it never waits for the worker and
runs before any other check, so a busy worker or a too-long message can never hide a crisis.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from bot.crisis import CrisisDetector, CrisisVerdict
from bot.inference import InferenceError
from bot.settings import MoodSettings
from models.emotions import EMOTIONS, FROM_KOREAN
from models.jobs import Prediction

log = logging.getLogger(__name__)


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
    """``emotion``/``score`` are None for a crisis (the companion classifies nothing then)."""

    crisis: bool
    emotion: str | None
    score: float | None
    why: str
    crisis_score: float

    def as_json(self) -> dict[str, object]:
        return {
            "crisis": self.crisis,
            "emotion": self.emotion,
            "score": self.score,
            "why": self.why,
        }


def normalize_emotion(label: str) -> str:
    low = label.strip().lower()
    if low in EMOTIONS:
        return low
    return FROM_KOREAN.get(label.strip(), "neutral")


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
            log.warning("mood: classification failed (%s); answering as neutral", exc)
            return Emotion("neutral", 0.0, False)
        if not predictions:
            return Emotion("neutral", 0.0, False)
        best = predictions[0]
        return Emotion(normalize_emotion(best.label), float(best.score), True)

    async def read(self, text: str) -> Reading:
        """What the companion would read: a crisis (and nothing else), or the emotion.

        ``text`` is expected to have passed the companion's input checks when it is not a crisis
        (the caller decides what to do with an empty or too long message)."""
        verdict = self.crisis(text)
        if verdict.crisis:
            return Reading(True, None, None, verdict.why, verdict.score)
        found = await self.emotion(text)
        why = (
            verdict.why if found.classified else f"{verdict.why}; the emotion model did not answer"
        )
        return Reading(False, found.label, round(found.score, 4), why, verdict.score)
