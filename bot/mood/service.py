"""The mood companion (platform-neutral): hear a feeling, answer it, and recommend songs.

One DM message goes through, in this order:

1. **Crisis check first**, before any other check (the user id, an empty or too long message, a
   number): a message the crisis detector (``bot/mood/crisis.py``, Korean and English, plus
   ``settings.crisis_words``) reads as suicidal or self-harm intent gets a warm reply in the
   user's language with the crisis line from settings (default: Korea's 109) and nothing else:
   no model call, no songs, on every platform. ``norae mood check`` reads messages through the same
   :class:`~bot.mood.reading.MoodReader`.
2. **A number** ("2", "2번", "#2") when the user has a list: that is a pick (step 5).
3. **Emotion**: the ``classify`` job -> one of the 7 labels and its probability. Labels a hub model
   spells otherwise (Korean names, upper case) are mapped; unknown ones count as neutral.
4. **An empathetic answer**: from the generator only when ``settings.generator_replies`` says the
   configured model can chat; each candidate is checked (same language as the user by Hangul ratio,
   bounded length, not a restatement of the user's words, no crisis wording, no links/mentions).
   Otherwise, or when no candidate passes, a curated answer for the emotion and language — never
   the one this user got last time.
5. **Songs**: ``settings.songs`` (5) from the moods the user's policy maps the emotion to (``match``
   the feeling or ``lift`` it). Never one recommended to this user within the last ``no_repeat``
   (20) recommendations: when fewer new songs fit than asked, the reply gives just those and says
   so plainly; when none is left, it gives new songs of other moods and says that; when nothing
   new is left at all, it gives none and says why. About 60% of a list is in the user's language
   where the catalog has such songs (a song's ``language``). Each card carries up to two lyric
   lines chosen by word overlap with the message ("" when the song has no lyrics).
6. **Pick** -> a song with audio gets sound-alikes from the worker's ``similar`` job; a song
   without audio gets neighbours by artist and mood (:meth:`Catalog.neighbours`), and the answer
   says which likeness it used (``MoodReply.likeness``). Never the picked song, no duplicates,
   nothing from the no-repeat window: a thin list is said so, not padded with repeats.

Decisions:

- Inference errors while classifying (busy, timeout, failed job) do not fail the message: the
  user still gets a curated answer (as for *neutral*), songs for *neutral*, and a one-line note
  that the emotion model was busy; ``emotion`` is "neutral" and ``score`` 0.0 so a caller can tell.
  A person who wrote how they feel should get an answer, not an error.
- Generator errors fall back to the curated answer silently (logged). ``similar`` errors answer
  with a message and keep the previous list, so the user can pick again.
- Bad input raises :class:`MoodError`, a catalog code (``bot/locales/<lang>/mood.ftl``); its
  ``str()`` is both languages, since the writer's language may not be known yet.
- The crisis turn is kept in the history like any other (``forget`` deletes it with the rest); a
  crisis message longer than ``max_message_chars`` is answered in full and kept cut to that length.
  When the user id itself is unusable the crisis reply is still given, and nothing is kept.
"""

from __future__ import annotations

import asyncio
import dataclasses
import difflib
import logging
import math
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, Protocol

from bot import texts
from bot.catalog import Catalog, Song, song_language
from bot.inference import InferenceError, JobError
from bot.mood.crisis import CrisisDetector, CrisisVerdict
from bot.mood.reading import MoodError as MoodError  # re-exported: it lived here first
from bot.mood.reading import MoodReader
from contract.emotions import normalize_emotion as normalize_emotion
from contract.jobs import ErrorCode, Prediction, SimilarResult
from contract.settings import MoodSettings

if TYPE_CHECKING:
    from bot.limits import Toll
from storage.batches import Batch
from storage.catalog import CatalogStore, version_of
from storage.connection import Redis
from storage.conversations import ConversationStore, MoodState, Snapshot, Turn

log = logging.getLogger(__name__)

Policy = Literal["match", "lift"]
POLICIES: tuple[str, ...] = ("match", "lift")

MAX_USER_CHARS = 200
SNIPPET_LINES = 2
SNIPPET_LINE_CHARS = 80
PROMPT_TURNS = 3
MIN_REPLY_CHARS = 4
RESTATEMENT_RATIO = 0.6
MAX_SIMILAR_EXCLUDE = 1000
PREFERRED_LANGUAGE_SHARE = 0.6  # of a list, from songs in the user's language where there are some
CANDIDATES_PER_SONG = 8  # songs looked at per song shown, to find those in the user's language

_HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_WORD_RE = re.compile(r"[^\W_]+")
_NOT_WORD_RE = re.compile(r"[\W_]+")
_CHOICE_RE = re.compile(r"^#?\s*(\d{1,3})\s*(?:번째|번)?\s*(?:곡|노래|song)?\s*[.!)]?$")
_UNSAFE_OUTPUT_RE = re.compile(r"https?://|www\.|@|<|>|\[|\]")
_SENTENCE_END_RE = re.compile(r"[.!?。！？~]+(?=\s|$)")
_EN_STOPWORD_TEXT = """
a an the and or but i im me my you your it its is are was were be been am to of in on at for with
so just that this what how do dont did not no yes very really too feel feeling today
"""
_EN_STOPWORDS = frozenset(_EN_STOPWORD_TEXT.split())


class _Answer(Protocol):
    async def __call__(
        self, text: str, cards: Sequence[SongCard] = (), *, likeness: str = ""
    ) -> MoodReply: ...


class MoodInference(Protocol):
    """What the service needs from bot/inference.py's InferenceClient."""

    async def classify(
        self, texts: list[str], *, timeout: float | None = None
    ) -> list[Prediction]: ...

    async def generate(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> list[list[str]]: ...

    async def similar(
        self,
        song_id: str,
        *,
        k: int = 5,
        exclude: Sequence[str] = (),
        timeout: float | None = None,
    ) -> SimilarResult: ...


@dataclass(frozen=True)
class SongCard:
    id: str
    title: str
    artist: str
    url: str
    snippet: str  # up to two lyric lines ("\n" between them), or ""
    mood: str  # the catalog mood it was chosen for (or its first mood)
    audio: str = ""  # the song's own audio reference (a packaged file a player may stream), or ""


@dataclass(frozen=True)
class MoodReply:
    """What a platform renders. ``choices`` label the songs in order (buttons / quick replies);
    ``picked`` is the song a sound-alike list is for."""

    text: str
    emotion: str = ""
    score: float = 0.0
    songs: list[SongCard] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    crisis: bool = False
    language: str = "en"
    policy: str = ""
    picked: SongCard | None = None
    likeness: str = ""  # a pick's list: "sound", or "artist" / "mood" / "artist+mood" / "other"


# --- what the companion says ---------------------------------------------------------------------
#
# Every text is a catalog code (bot/locales/<lang>/mood.ftl): the curated answers
# ``mood-answer-<emotion>-<n>`` (n = 1, 2, …), the crisis reply ``mood-crisis-reply`` (with the
# help line as ``$line``), the notes and intros of a song list (``mood-intro-match``, ``mood-thin``…)
# and the catalog's moods by name (``mood-name-<mood>``).


@cache
def answer_codes(emotion: str) -> tuple[str, ...]:
    """The codes of the curated answers for ``emotion``, in order; neutral's for an emotion that
    has none."""
    found: list[str] = []
    while texts.has(code := f"mood-answer-{emotion}-{len(found) + 1}"):
        found.append(code)
    return tuple(found) if found or emotion == "neutral" else answer_codes("neutral")


def mood_name(mood: str, lang: str) -> str:
    """A catalog mood as the companion names it; one an operator added, as it is spelled."""
    code = f"mood-name-{mood}"
    return texts.text(code, lang) if texts.has(code) else mood


# --- text helpers --------------------------------------------------------------------------------


def hangul_ratio(text: str) -> float:
    """Share of the letters that are Hangul (0.0 without letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if _HANGUL_RE.match(c)) / len(letters)


def language_of(text: str) -> str:
    """``"ko"`` when at least a fifth of the letters are Hangul, else ``"en"``."""
    return "ko" if hangul_ratio(text) >= 0.2 else "en"


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def is_crisis(text: str, extra: Iterable[str] = ()) -> bool:
    """True when ``text`` states suicidal or self-harm intent (see ``bot/mood/crisis.py``)."""
    return CrisisDetector(extra).check(text).crisis


def parse_choice(choice: int | str) -> int | None:
    """A 1-based number from ``3``, ``"3"``, ``"3번"``, ``"#3"``, ``"３"``; None otherwise."""
    if isinstance(choice, bool):
        return None
    if isinstance(choice, int):
        return choice
    m = _CHOICE_RE.match(unicodedata.normalize("NFKC", choice).strip().lower())
    return int(m.group(1)) if m else None


def tokens(text: str) -> set[str]:
    """Words for overlap: lower-case words (English stop words dropped); for Hangul words also the
    first two syllables, so "슬퍼요" and "슬퍼서" meet at "슬퍼" without a morphological analyser."""
    out: set[str] = set()
    for word in _WORD_RE.findall(_normalize(text).replace("'", "").replace("’", "")):
        if _HANGUL_RE.match(word):
            out.add(word)
            if len(word) > 2:
                out.add(word[:2])
        elif len(word) > 1 and word not in _EN_STOPWORDS and not word.isdigit():
            out.add(word)
    return out


def choose_snippet(lyrics: str, message: str) -> str:
    """Up to two consecutive lyric lines sharing the most words with ``message`` (the opening
    lines when none share any); "" without lyrics. Section headers ("[Chorus]") are skipped."""
    lines = [" ".join(line.split()) for line in lyrics.splitlines()]
    lines = [line for line in lines if line and not (line.startswith("[") and line.endswith("]"))]
    if not lines:
        return ""
    wanted = tokens(message)
    per_line = [tokens(line) & wanted for line in lines]
    best, best_score = 0, 0
    for i in range(len(lines)):
        score = len(set().union(*per_line[i : i + SNIPPET_LINES]))
        if score > best_score:  # the earliest window wins a tie
            best, best_score = i, score
    if best_score and not per_line[best] and best + 1 < len(lines):
        best += 1  # the window's match is its second line: start there, keep the next one
    window = lines[best : best + SNIPPET_LINES]
    return "\n".join(_shorten(line, SNIPPET_LINE_CHARS) for line in window)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _squash(text: str) -> str:
    return _NOT_WORD_RE.sub("", _normalize(text))


def is_restatement(candidate: str, message: str) -> bool:
    """The candidate mostly repeats the user's words back."""
    cand, msg = _squash(candidate), _squash(message)
    if not cand:
        return True
    if cand in msg or (len(msg) >= 6 and msg in cand):
        return True
    if difflib.SequenceMatcher(None, cand, msg, autojunk=False).ratio() >= RESTATEMENT_RATIO:
        return True
    cand_tokens = tokens(candidate)
    if len(cand_tokens) >= 2:
        shared = len(cand_tokens & tokens(message)) / len(cand_tokens)
        if shared >= 0.7:
            return True
    return False


def _cut_reply(text: str, limit: int) -> str:
    """The reply up to ``limit`` characters, cut after a sentence end where there is one."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(head)]
    return head[: ends[-1]].strip() if ends and ends[-1] >= limit // 3 else ""


# --- the service ---------------------------------------------------------------------------------


class MoodService:
    def __init__(
        self,
        redis: Redis,
        inference: MoodInference,
        catalog: Catalog,
        settings: MoodSettings,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.inference = inference
        self.catalog = catalog
        self.settings = settings
        self.rng = rng or random.Random()
        self.reader = MoodReader(inference, settings)
        self.store = ConversationStore(
            redis,
            ttl_s=settings.ttl_s,
            max_turns=settings.history_turns,
            recent_size=settings.no_repeat,
        )

    # --- public API ------------------------------------------------------------------------

    def is_crisis(self, text: str) -> bool:
        """The companion's own crisis check (with the configured extra words): front doors ask
        it before a rate limit, so a crisis message is never refused."""
        return self.reader.crisis(text).crisis

    async def message(self, user: str, text: str, *, toll: Toll | None = None) -> MoodReply:
        """Answer one DM message (see the module docstring for the order of things).

        ``toll`` (a front door's rate limit, :meth:`bot.limits.Limiter.toll`) rides in the first
        batch, with the user's state and the catalog's version; a crisis message never pays it."""
        verdict = self.reader.crisis(text)  # first: nothing may stand before it
        if verdict.crisis:
            return await self._crisis(user, str(text), verdict)
        user = self._check_user(user)
        text = self._check_text(text)
        lang = language_of(text)
        number = parse_choice(text)
        batch = Batch(self.store.redis)
        if toll is not None:
            toll.queue(batch)
        at_version = batch.add(CatalogStore.queue_version)

        async def remembered() -> Snapshot:
            snap = await self.store.snapshot(
                user, turns=PROMPT_TURNS if self.settings.generator_replies else 0, batch=batch
            )
            if toll is not None:
                await toll.settle()  # a refusal: what the batch read is dropped
            return snap

        if number is None and toll is None:  # not a pick: classify while the state is read
            snap, read = await asyncio.gather(remembered(), self.reader.emotion(text))
        else:  # a toll first (a refused message must cost the model nothing), or a pick
            snap = await remembered()
            if number is not None and snap.state.last_list:
                return await self._pick(user, number, snap.state, typed=text, recent=snap.recent)
            read = await self.reader.emotion(text)
        version = version_of(batch.reply(at_version))
        state = snap.state
        emotion, score, classified = read.label, read.score, read.classified
        answer, answer_id = await self._answer(text, lang, emotion, snap)
        policy = self._policy(state)
        moods = self._moods(policy, emotion)
        songs, notes = await self._recommend(snap.recent, text, moods, lang, version=version)
        parts = [answer]
        if not classified:
            parts.append(texts.text("mood-classify-failed", lang))
        if songs:
            parts.append(texts.text(f"mood-intro-{policy}", lang))
        window = self.settings.no_repeat
        parts.extend(texts.text(note, lang, n=len(songs), window=window) for note in notes)
        reply_text = "\n\n".join(parts)
        ids = [s.id for s in songs]
        await self.store.record(
            user,
            Turn(text, reply_text, kind="mood", emotion=emotion, score=score, song_ids=tuple(ids)),
            recommended=ids,
            last_list=ids if ids else None,
            last_kind="mood" if ids else None,
            last_answer=answer_id,
            language=lang,
        )
        return MoodReply(
            text=reply_text,
            emotion=emotion,
            score=score,
            songs=songs,
            choices=self._choices(lang, len(songs)),
            language=lang,
            policy=policy,
        )

    async def attach_message(self, user: str, message_ref: str, reply: MoodReply) -> None:
        """Remember the list a platform message showed (``"discord:<message id>"``)."""
        if reply.songs:
            await self.store.attach_list(
                self._check_user(user), message_ref, [s.id for s in reply.songs]
            )

    async def pick(
        self, user: str, choice: int | str, *, message_ref: str | None = None
    ) -> MoodReply:
        """Songs that sound like song number ``choice`` (1-based) of a list: the one shown by
        ``message_ref`` when it is known, otherwise the user's last list."""
        user = self._check_user(user)
        number = parse_choice(choice)
        state = await self.store.state(user)
        if message_ref is not None:
            shown = await self.store.list_for(user, message_ref)
            if shown:
                state = dataclasses.replace(state, last_list=shown)
        if not state.last_list:
            raise MoodError("mood-no-list")
        if number is None or not 1 <= number <= len(state.last_list):
            raise MoodError("mood-bad-choice", count=len(state.last_list))
        return await self._pick(user, number, state, typed=str(choice))

    async def set_policy(self, user: str, policy: str) -> MoodReply:
        """Switch between ``match`` (songs that fit the feeling) and ``lift`` (songs to lift it)."""
        user = self._check_user(user)
        chosen = policy.strip().lower() if isinstance(policy, str) else ""
        if chosen not in POLICIES:
            raise MoodError("mood-bad-policy")
        await self.store.set_policy(user, chosen)
        lang = (await self.store.state(user)).language or "en"
        reply = texts.text(f"mood-policy-{chosen}", lang)
        return MoodReply(text=reply, language=lang, policy=chosen)

    async def policy(self, user: str) -> str:
        return self._policy(await self.store.state(self._check_user(user)))

    async def history(self, user: str, limit: int | None = None) -> list[Turn]:
        return await self.store.turns(self._check_user(user), limit)

    async def forget(self, user: str) -> int:
        """Delete everything kept about ``user``; the number of Redis keys removed."""
        return await self.store.forget(self._check_user(user))

    # --- validation ------------------------------------------------------------------------

    @staticmethod
    def _check_user(user: str) -> str:
        if not isinstance(user, str) or not user.strip() or len(user) > MAX_USER_CHARS:
            raise MoodError("mood-bad-user")
        if any(c.isspace() or unicodedata.category(c) == "Cc" for c in user):
            raise MoodError("mood-bad-user")
        return user

    def _check_text(self, text: str) -> str:
        return self.reader.clean(text)

    # --- steps -----------------------------------------------------------------------------

    async def _crisis(self, user: str, text: str, verdict: CrisisVerdict) -> MoodReply:
        lang = language_of(text)
        line = self.settings.crisis_line_ko if lang == "ko" else self.settings.crisis_line_en
        reply = texts.text("mood-crisis-reply", lang, line=line)
        kept = " ".join(text.split())
        if len(kept) > self.settings.max_message_chars:
            kept = kept[: self.settings.max_message_chars - 1] + "…"
        try:
            user = self._check_user(user)
        except MoodError:
            log.warning("crisis message from an unusable user id: answered, nothing kept")
        else:
            await self.store.record(
                user, Turn(kept, reply, kind="crisis", score=verdict.score), language=lang
            )
        log.info("crisis in a mood message (%s): answered with the crisis line", verdict.why)
        return MoodReply(text=reply, crisis=True, language=lang, score=verdict.score)

    async def _answer(self, text: str, lang: str, emotion: str, snap: Snapshot) -> tuple[str, str]:
        """(answer, id to remember: the curated variant's, or "" for a generated answer)."""
        state = snap.state
        if self.settings.generator_replies:
            generated = await self._generated(snap.turns, text, lang)
            if generated:
                return generated, ""
        variants = answer_codes(emotion)
        ids = [f"{lang}:{emotion}:{i}" for i in range(len(variants))]
        options = [i for i, vid in enumerate(ids) if vid != state.last_answer] or [0]
        i = self.rng.choice(options)
        return texts.text(variants[i], lang), ids[i]

    async def _generated(self, turns: Sequence[Turn], text: str, lang: str) -> str | None:
        prompt = self._prompt(turns, text, lang)
        try:
            got = await self.inference.generate(
                [prompt],
                n=self.settings.reply_candidates,
                max_new_tokens=self.settings.reply_max_new_tokens,
                temperature=self.settings.temperature,
                top_p=self.settings.top_p,
                stop=["\n", "사용자:", "User:"],
                timeout=self.settings.generate_timeout_s,
            )
        except InferenceError as exc:
            log.warning("mood: generation failed (%s); using a curated answer", exc.detail)
            return None
        for candidate in got[0] if got else []:
            checked = self.check_generated(candidate, text, lang)
            if checked:
                return checked
        log.info("mood: no generated answer passed the checks; using a curated answer")
        return None

    @staticmethod
    def _prompt(turns: Sequence[Turn], text: str, lang: str) -> str:
        """The generator's prompt: the last kept mood turns (``PROMPT_TURNS``), then ``text``."""
        me, them = ("친구", "사용자") if lang == "ko" else ("Friend", "User")
        head = (
            "다음은 마음을 잘 들어 주는 다정한 친구와의 대화입니다."
            if lang == "ko"
            else "A conversation with a kind friend who listens and comforts."
        )
        lines = [head]
        for turn in turns[-PROMPT_TURNS:]:
            if turn.kind != "mood":
                continue
            lines.append(f"{them}: {' '.join(turn.user_text.split())}")
            answer = turn.reply.split("\n\n")[0]  # the answer, not the song intro after it
            lines.append(f"{me}: {' '.join(answer.split())}")
        lines.append(f"{them}: {' '.join(text.split())}")
        lines.append(f"{me}:")
        return "\n".join(lines)

    def check_generated(self, candidate: str, message: str, lang: str) -> str | None:
        """The candidate, cleaned and cut, when it passes every check; None otherwise."""
        reply = _cut_reply(candidate, self.settings.reply_max_chars)
        if len(reply) < MIN_REPLY_CHARS or not any(c.isalpha() for c in reply):
            return None
        ratio = hangul_ratio(reply)
        if (lang == "ko" and ratio < 0.5) or (lang == "en" and ratio > 0.05):
            return None
        if _UNSAFE_OUTPUT_RE.search(reply) or self.reader.crisis(reply).crisis:
            return None
        if is_restatement(reply, message):
            return None
        return reply

    def _policy(self, state: MoodState) -> Policy:
        return "lift" if (state.policy or self.settings.default_policy) == "lift" else "match"

    def _moods(self, policy: Policy, emotion: str) -> list[str]:
        mapping = self.settings.lift if policy == "lift" else self.settings.match
        return list(mapping.get(emotion) or mapping.get("neutral") or [])

    async def _recommend(
        self,
        recent: Sequence[str],
        text: str,
        moods: Sequence[str],
        lang: str,
        *,
        version: int | None = None,
    ) -> tuple[list[SongCard], list[str]]:
        """(cards, notes): new fitting songs; none left: new songs of other moods; never a song
        from the user's no-repeat window (``recent``). Notes (catalog codes) say plainly what was
        short. Songs in the user's language fill most of the list where the catalog has them
        (:meth:`_choose`). Each song is read once: the mood sets, then the sampled songs; what this
        process already read at the catalog's ``version`` is not read again."""
        count = self.settings.songs
        seen = set(recent)
        fitting = await self.catalog.ids_by_moods(moods, version=version)
        fresh = sorted(fitting - seen)
        chosen = await self._choose(fresh, count, lang, version=version)
        notes: list[str] = []
        if 0 < len(chosen) < count:
            notes.append("mood-thin")
        elif not chosen:
            others = sorted(await self.catalog.ids(version=version) - fitting - seen)
            chosen = await self._choose(others, count, lang, version=version)
            if chosen:
                notes.append("mood-fitting-used-up" if fitting else "mood-no-fitting")
            elif fitting or seen:
                notes.append("mood-all-used-up")
            else:
                notes.append("mood-empty-catalog")
        return [self._card(s, text, moods) for s in chosen], notes

    async def _choose(
        self, pool: Sequence[str], count: int, lang: str, *, version: int | None = None
    ) -> list[Song]:
        """Up to ``count`` random songs from ``pool`` (ids): about 60% in ``lang`` when there are
        some (a Korean writer hears mostly Korean songs, an English one mostly English), the rest
        from any language, so a list still mixes. Looks at a random sample of the pool, not all of
        it, read in one round trip; ids no longer in the catalog are left out."""
        candidates = self.rng.sample(list(pool), min(len(pool), count * CANDIDATES_PER_SONG))
        songs = await self.catalog.songs(candidates, version=version)
        if len(candidates) <= count:
            return songs
        mine = [s for s in songs if song_language(s) == lang]
        rest = [s for s in songs if song_language(s) != lang]
        want = min(len(mine), math.ceil(count * PREFERRED_LANGUAGE_SHARE))
        chosen = mine[:want] + rest[: count - want]
        chosen += mine[want : want + count - len(chosen)]
        self.rng.shuffle(chosen)
        return chosen

    @staticmethod
    def _card(song: Song, message: str, moods: Sequence[str]) -> SongCard:
        mood = next((m for m in moods if m in song.moods), song.moods[0] if song.moods else "")
        return SongCard(
            id=song.id,
            title=song.title,
            artist=song.artist,
            url=song.url,
            snippet=choose_snippet(song.lyrics, message) if song.lyrics else "",
            mood=mood,
            audio=song.audio,
        )

    async def _pick(
        self,
        user: str,
        number: int,
        state: MoodState,
        *,
        typed: str,
        recent: Sequence[str] | None = None,
    ) -> MoodReply:
        """Song number ``number`` of the state's list and its likes (``recent``: the no-repeat
        window when the caller read it already)."""
        lang = state.language or "en"
        if not 1 <= number <= len(state.last_list):
            raise MoodError("mood-bad-choice", count=len(state.last_list))
        song_id = state.last_list[number - 1]
        song = await self.catalog.song(song_id)
        policy = self._policy(state)

        picked = self._card(song, "", song.moods) if song is not None else None

        async def answer(
            text: str, cards: Sequence[SongCard] = (), *, likeness: str = ""
        ) -> MoodReply:
            ids = [c.id for c in cards]
            await self.store.record(
                user,
                Turn(typed, text, kind="pick", song_ids=tuple(ids)),
                recommended=ids,
                last_list=ids or None,
                last_kind="similar" if ids else None,
            )
            return MoodReply(
                text=text,
                songs=list(cards),
                choices=self._choices(lang, len(ids)),
                language=lang,
                policy=policy,
                picked=picked,
                likeness=likeness,
            )

        if song is None:
            return await answer(texts.text("mood-song-gone", lang))
        if recent is None:
            recent = await self.store.recent(user)
        if not song.audio:
            return await self._neighbours(song, recent, lang, answer)
        try:
            ids, found = await self._similar(song_id, [*recent, song_id])
        except JobError as exc:
            log.warning("mood: similar job failed for %s: %s", song_id, exc.detail)
            code = "mood-no-index" if exc.job_code is ErrorCode.NO_INDEX else "mood-similar-failed"
            return await answer(texts.text(code, lang))
        except InferenceError as exc:
            log.warning("mood: similar job for %s: %s", song_id, exc.detail)
            return await answer(texts.text("mood-similar-failed", lang))
        if not found:
            return await answer(texts.text("mood-not-indexed", lang, title=song.title))
        songs = await self.catalog.songs(ids)
        cards = [self._card(s, "", s.moods) for s in songs if s.id != song_id]
        if not cards:
            return await answer(texts.text("mood-none-similar", lang, title=song.title))
        parts = [texts.text("mood-similar-intro", lang, title=song.title)]
        if len(cards) < self.settings.songs:
            parts.append(texts.text("mood-similar-thin", lang, n=len(cards)))
        return await answer("\n\n".join(parts), cards, likeness="sound")

    async def _neighbours(
        self, song: Song, recent: Sequence[str], lang: str, answer: _Answer
    ) -> MoodReply:
        """A song without audio: its neighbours by artist and mood, and which likeness it was."""
        songs, kinds = await self.catalog.neighbours(song, self.settings.songs, exclude=recent)
        if not songs:
            return await answer(texts.text("mood-no-neighbours", lang, title=song.title))
        likeness = "+".join(k for k in ("artist", "mood") if k in kinds) or "other"
        moods = ", ".join(mood_name(m, lang) for m in song.moods)
        code = "mood-neighbours-" + likeness.replace("+", "-")
        parts = [texts.text(code, lang, title=song.title, artist=song.artist, moods=moods)]
        if len(songs) < self.settings.songs:
            parts.append(texts.text("mood-similar-thin", lang, n=len(songs)))
        cards = [self._card(s, "", s.moods) for s in songs]
        return await answer("\n\n".join(parts), cards, likeness=likeness)

    async def _similar(self, song_id: str, exclude: Sequence[str]) -> tuple[list[str], bool]:
        """(distinct neighbour ids without the song itself, whether the song is in the index)."""
        result = await self.inference.similar(
            song_id,
            k=self.settings.songs,
            exclude=list(dict.fromkeys(exclude))[:MAX_SIMILAR_EXCLUDE],
            timeout=self.settings.similar_timeout_s,
        )
        ids = [i for i in result.song_ids if i != song_id]
        return list(dict.fromkeys(ids)), result.found

    @staticmethod
    def _choices(lang: str, count: int) -> list[str]:
        return [texts.text("mood-choice", lang, n=i) for i in range(1, count + 1)]
