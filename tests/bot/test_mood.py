"""The mood companion on real Redis: the DM flow, match vs lift, no repeats, curated variety,
forget, the crisis path, picks (with a real ``similar`` worker over an index built here), errors.

Emotions come from a keyword fake with the classify signature (deterministic); one test runs the
real tiny classifier through a worker to check the wiring.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot import texts
from bot.catalog import Catalog
from bot.inference import InferenceBusy, InferenceClient, InferenceTimeout
from bot.mood.service import (
    MoodError,
    MoodReply,
    MoodService,
    answer_codes,
    choose_snippet,
    is_crisis,
    is_restatement,
    parse_choice,
)
from contract.jobs import Prediction, SimilarResult
from contract.settings import MoodSettings
from models.catalog_import import rebuild_index
from models.handlers_similar import SimilarHandler
from storage import keys
from storage.catalog import CatalogStore, Song
from storage.connection import Redis
from storage.conversations import Turn
from tests.bot.refusals import refused
from tests.worker_support import running_worker

MOODS = ("calm", "energetic", "happy", "nostalgic", "tender")
PER_MOOD = 4
NO_AUDIO = "nostalgic-3"
LYRICS = {
    "tender-0": "바람이 불어와\n비가 오는 날엔\n우산을 쓰고\n너를 기다려",
    "calm-0": "morning light on the water\nthe rain keeps falling down\nand I stay here",
}
KEYWORDS = {
    "슬퍼": "sadness",
    "sad": "sadness",
    "기뻐": "joy",
    "happy": "joy",
    "화나": "anger",
    "angry": "anger",
    "무서": "fear",
    "scared": "fear",
}
SAD_KO = "오늘 비가 와서 너무 슬퍼요"


class FakeInference:
    """Keyword emotions, scripted generations; ``similar`` goes to a real worker when given."""

    def __init__(
        self,
        client: InferenceClient | None = None,
        *,
        replies: list[str] | None = None,
        classify_error: Exception | None = None,
        generate_error: Exception | None = None,
    ) -> None:
        self.client = client
        self.replies = replies or []
        self.classify_error = classify_error
        self.generate_error = generate_error
        self.classified: list[str] = []
        self.prompts: list[str] = []

    async def classify(self, texts: list[str], *, timeout: float | None = None) -> list[Prediction]:
        self.classified.extend(texts)
        if self.classify_error is not None:
            raise self.classify_error
        out = []
        for text in texts:
            label = next((e for k, e in KEYWORDS.items() if k in text.lower()), "neutral")
            out.append(Prediction(label=label, score=0.9, probs={label: 0.9}))
        return out

    async def generate(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> list[list[str]]:
        self.prompts.extend(prompts)
        if self.generate_error is not None:
            raise self.generate_error
        return [list(self.replies) for _ in prompts]

    async def similar(
        self,
        song_id: str,
        *,
        k: int = 5,
        exclude: Sequence[str] = (),
        timeout: float | None = None,
    ) -> SimilarResult:
        assert self.client is not None, "this test has no worker"
        return await self.client.similar(song_id, k=k, exclude=exclude, timeout=timeout)


def catalog_songs() -> tuple[list[Song], dict[str, bytes]]:
    rng = np.random.default_rng(0)
    songs, vectors = [], {}
    for m, mood in enumerate(MOODS):
        centre = rng.normal(0, 5, 16) + m
        for i in range(PER_MOOD):
            song_id = f"{mood}-{i}"
            audio = "" if song_id == NO_AUDIO else f"{song_id}.wav"
            songs.append(
                Song(
                    id=song_id,
                    title=f"{mood.title()} {i}",
                    artist="Tester",
                    url=f"https://example.com/{song_id}",
                    moods=(mood,),
                    lyrics=LYRICS.get(song_id, ""),
                    audio=audio,
                )
            )
            if audio:
                vectors[song_id] = (centre + rng.normal(0, 1, 16)).astype("<f4").tobytes()
    return songs, vectors


async def fill_catalog(redis: Redis, index_dir: Path | None = None) -> None:
    store = CatalogStore(redis)
    songs, vectors = catalog_songs()
    await store.upsert(songs, vectors)
    if index_dir is not None:
        assert await rebuild_index(store, index_dir, n_trees=4) is not None


def mood_of(song_id: str) -> str:
    return song_id.rsplit("-", 1)[0]


def service(redis: Redis, inference: FakeInference, seed: int = 0, **settings: Any) -> MoodService:
    return MoodService(
        redis, inference, Catalog(redis), MoodSettings(**settings), rng=random.Random(seed)
    )


def answer_of(reply: MoodReply) -> str:
    return reply.text.split("\n\n")[0]


def answers(emotion: str, lang: str) -> list[str]:
    """The companion's curated answers for ``emotion`` in ``lang``, from the catalogs."""
    found = [texts.text(code, lang) for code in answer_codes(emotion)]
    assert len(found) >= 4, emotion  # several variants, so an answer need not repeat
    return found


@pytest.fixture
async def similar_client(redis: Redis, tmp_path: Path) -> AsyncIterator[InferenceClient]:
    await fill_catalog(redis, tmp_path / "index")
    handler = SimilarHandler(tmp_path / "index", redis=redis, reload_check_s=0)
    async with running_worker(redis, {"similar": handler}), InferenceClient(redis) as client:
        yield client


async def test_whole_dm_flow(redis: Redis, similar_client: InferenceClient) -> None:
    fake = FakeInference(similar_client)
    mood = service(redis, fake)
    user = "discord:1"

    first = await mood.message(user, SAD_KO)
    assert (first.emotion, first.score, first.crisis) == ("sadness", 0.9, False)
    assert first.language == "ko" and first.policy == "match"
    assert answer_of(first) in answers("sadness", "ko")
    assert texts.text("mood-intro-match", "ko") in first.text
    assert len(first.songs) == 5 and len({s.id for s in first.songs}) == 5
    assert {s.mood for s in first.songs} <= {"tender", "calm"}
    assert all(mood_of(s.id) == s.mood for s in first.songs)
    assert first.choices == ["1번", "2번", "3번", "4번", "5번"]
    for card in first.songs:
        assert card.title and card.artist == "Tester" and card.url.startswith("https://")
        assert len(card.snippet.splitlines()) <= 2
        if card.id == "tender-0":
            assert card.snippet == "비가 오는 날엔\n우산을 쓰고"  # overlaps "비가"
        elif card.id != "calm-0":
            assert card.snippet == ""  # no lyrics
    assert fake.classified == [SAD_KO]

    picked = await mood.message(user, "2번")  # typed number -> pick, not a new feeling
    assert fake.classified == [SAD_KO]
    assert picked.picked is not None and picked.picked.id == first.songs[1].id
    ids = [s.id for s in picked.songs]
    assert len(ids) == len(set(ids)) == 5
    assert first.songs[1].id not in ids
    assert not set(ids) & {s.id for s in first.songs}  # no repeats: enough fresh neighbours
    assert first.songs[1].title in picked.text and picked.choices == first.choices

    again = await mood.pick(user, 1)  # the sound-alike list is the new list
    assert again.picked is not None and again.picked.id == ids[0]
    assert ids[0] not in {s.id for s in again.songs} and len(again.songs) == 5

    turns = await mood.history(user)
    assert [t.kind for t in turns] == ["mood", "pick", "pick"]
    assert turns[0].user_text == SAD_KO and turns[0].emotion == "sadness"
    assert list(turns[1].song_ids) == ids


async def test_match_and_lift_give_different_moods(redis: Redis) -> None:
    await fill_catalog(redis)
    mood = service(redis, FakeInference())
    assert await mood.policy("web:a") == "match"
    switched = await mood.set_policy("web:b", "LIFT")
    assert switched.policy == "lift" and switched.text == texts.text("mood-policy-lift", "en")
    matched = await mood.message("web:a", "I feel so sad today")
    lifted = await mood.message("web:b", "I feel so sad today")
    assert {s.mood for s in matched.songs} <= {"tender", "calm"}
    assert {s.mood for s in lifted.songs} <= {"happy", "energetic"}
    assert len(matched.songs) == len(lifted.songs) == 5
    assert texts.text("mood-intro-lift", "en") in lifted.text and lifted.policy == "lift"
    with refused(MoodError, "mood-bad-policy"):
        await mood.set_policy("web:b", "cheer")
    await mood.set_policy("web:b", "match")
    back = await mood.message("web:b", "I feel so sad today")
    assert {s.mood for s in back.songs} <= {"tender", "calm"}


async def test_no_song_repeats_and_an_exhausted_catalog_says_so(redis: Redis) -> None:
    await fill_catalog(redis)
    everything = {"sadness": list(MOODS)}
    mood = service(redis, FakeInference(), match=everything, no_repeat=20)
    lists = [[s.id for s in (await mood.message("kakao:u", "sad")).songs] for _ in range(4)]
    seen = [song for songs in lists for song in songs]
    assert len(seen) == len(set(seen)) == 20  # four messages, twenty different songs
    fifth = await mood.message("kakao:u", "sad again")
    assert fifth.songs == [] and fifth.choices == []  # no repeat within the last 20
    assert texts.text("mood-all-used-up", "en", window=20) in fifth.text
    ko = await service(redis, FakeInference(), match=everything, no_repeat=20).message(
        "kakao:u", "너무 슬퍼"
    )
    assert ko.songs == [] and "최근 20곡 안에 추천하지 않은 노래가 더 없어요" in ko.text


async def test_a_thin_mood_gives_fewer_songs_then_other_moods_never_repeats(
    redis: Redis,
) -> None:
    await fill_catalog(redis)
    mood = service(redis, FakeInference(), match={"sadness": ["tender"]}, no_repeat=50)
    first = await mood.message("web:x", "sad")  # only 4 tender songs: 4, said plainly
    assert [s.mood for s in first.songs] == ["tender"] * 4
    assert texts.text("mood-thin", "en", n=4, window=50) in first.text
    second = await mood.message("web:x", "sad")  # no new tender song: other moods, no repeat
    assert len(second.songs) == 5 and not {s.mood for s in second.songs} & {"tender"}
    assert not {s.id for s in second.songs} & {s.id for s in first.songs}
    assert texts.text("mood-fitting-used-up", "en") in second.text
    assert "Only 4" not in second.text
    third = await mood.message("web:x", "너무 슬퍼")
    assert not {s.id for s in third.songs} & {s.id for s in first.songs + second.songs}
    assert texts.text("mood-fitting-used-up", "ko") in third.text


async def test_a_mood_no_song_has_says_so(redis: Redis) -> None:
    await fill_catalog(redis)
    mood = service(redis, FakeInference(), match={"sadness": ["rainy"]})
    reply = await mood.message("web:y", "sad")
    assert len(reply.songs) == 5 and texts.text("mood-no-fitting", "en") in reply.text


async def test_empty_catalog_says_so(redis: Redis) -> None:
    reply = await service(redis, FakeInference()).message("web:x", "happy!")
    assert reply.songs == [] and reply.choices == []
    assert texts.text("mood-empty-catalog", "en") in reply.text


async def test_never_the_same_curated_answer_twice_in_a_row(redis: Redis) -> None:
    for seed in range(3):
        mood = service(redis, FakeInference(), seed=seed)
        for user, text, lang in (("web:ko", "너무 슬퍼", "ko"), ("web:en", "so sad", "en")):
            got = [answer_of(await mood.message(user, text)) for _ in range(15)]
            assert all(a in answers("sadness", lang) for a in got)
            assert all(a != b for a, b in itertools.pairwise(got))
            assert len(set(got)) >= 3
        await redis.flushall()


async def test_forget_leaves_no_key_of_that_user(redis: Redis) -> None:
    await fill_catalog(redis)
    mood = service(redis, FakeInference())
    user, other = "web:abc123", "web:zzz"
    for who in (user, other):
        await mood.set_policy(who, "lift")
        await mood.message(who, "I am so happy")
        await mood.message(who, "and a bit scared")
    await mood.message(user, "I want to end my life")  # the crisis turn is kept, then forgotten

    async def keys_of(who: str) -> list[bytes]:
        return [k async for k in redis.scan_iter(count=1000) if who.encode() in k]

    assert len(await keys_of(user)) >= 3
    assert await mood.forget(user) >= 3
    assert await keys_of(user) == []
    assert len(await keys_of(other)) >= 3  # the other user is untouched
    assert await redis.exists(keys.catalog_songs())  # and so is the catalog
    assert await mood.forget(user) == 0
    assert await mood.history(user) == [] and await mood.policy(user) == "match"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("요즘 너무 힘들어서 죽고 싶어요", "ko"),
        ("자 살 하고 싶다", "ko"),
        ("다 끝내고... 사라지고싶어", "ko"),
        ("I want to kill myself", "en"),
        ("I DON'T want to live anymore!!", "en"),
        ("thinking about self-harm again", "en"),
    ],
)
async def test_crisis_path_comes_before_classification(redis: Redis, text: str, lang: str) -> None:
    await fill_catalog(redis)
    fake = FakeInference(replies=["should never be used"])
    mood = service(redis, fake, generator_replies=True)
    await mood.store.record("web:c", _turn(), last_list=["calm-0"], language=lang)
    reply = await mood.message("web:c", text)
    assert reply.crisis and reply.songs == [] and reply.choices == []
    assert fake.classified == [] and fake.prompts == []  # nothing ran before the crisis reply
    assert "109" in reply.text and reply.language == lang
    if lang == "ko":
        assert "자살예방상담전화" in reply.text
    else:
        assert "findahelpline.com" in reply.text


async def test_crisis_line_and_words_from_settings(redis: Redis) -> None:
    fake = FakeInference()
    mood = service(
        redis,
        fake,
        crisis_line_en="Samaritans 116 123",
        crisis_words=["unalive myself", "세상과 작별"],
    )
    reply = await mood.message("web:c", "I might unalive myself")
    assert reply.crisis and "Samaritans 116 123" in reply.text
    assert (await mood.message("web:c", "이제 세상과작별할래")).crisis
    assert fake.classified == []
    assert not (await mood.message("web:c", "I killed it at the gym today")).crisis
    assert fake.classified == ["I killed it at the gym today"]


async def test_a_long_crisis_message_gets_the_crisis_line_not_too_long(redis: Redis) -> None:
    fake = FakeInference()
    mood = service(redis, fake)
    text = "오늘 있었던 일을 길게 적어 볼게. " * 60 + "그리고 솔직히 죽고 싶어."
    assert len(text) > mood.settings.max_message_chars
    reply = await mood.message("kakao:long", text)
    assert reply.crisis and "자살예방상담전화 109" in reply.text and reply.songs == []
    assert fake.classified == []
    (turn,) = await mood.history("kakao:long")
    assert turn.kind == "crisis" and len(turn.user_text) == mood.settings.max_message_chars
    # not a crisis: the length check still holds
    with refused(MoodError, "mood-too-long", limit=1000):
        await mood.message("kakao:long", "오늘 있었던 일을 길게 적어 볼게. " * 60)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("오늘 밤에 손목 그을 거야", "ko"),
        ("옥상 올라왔어 뛰어내릴까", "ko"),
        ("I'm done with life", "en"),
        ("i wanna unalive myself", "en"),
        ("kms", "en"),
        ("wrote my goodbye letters already", "en"),
        ("gonna jump off the roof", "en"),
    ],
)
async def test_the_issues_missed_messages_get_the_crisis_reply(
    redis: Redis, text: str, lang: str
) -> None:
    await fill_catalog(redis)
    fake = FakeInference()
    reply = await service(redis, fake).message("web:c", text)
    assert reply.crisis and reply.songs == [] and reply.language == lang
    assert fake.classified == []
    line = "자살예방상담전화 109" if lang == "ko" else "findahelpline.com"
    assert line in reply.text
    assert ("혼자가 아니에요" in reply.text) if lang == "ko" else ("not alone" in reply.text)


async def test_the_crisis_reply_comes_even_before_the_user_check(redis: Redis) -> None:
    fake = FakeInference()
    mood = service(redis, fake)
    reply = await mood.message("has space", "죽고 싶어")  # an unusable id: answered, nothing kept
    assert reply.crisis and "109" in reply.text
    assert await redis.keys("norae:mood:*") == []
    with refused(MoodError, "mood-bad-user"):
        await mood.message("has space", "오늘 좋은 하루")


async def test_everyday_hyperbole_gets_an_ordinary_answer(redis: Redis) -> None:
    await fill_catalog(redis)
    fake = FakeInference()
    mood = service(redis, fake)
    for text in ("배고파 죽겠다", "웃겨 죽는 줄", "this exam is killing me", "I'm dead lol"):
        reply = await mood.message("web:h", text)
        assert not reply.crisis and reply.songs, text
    assert len(fake.classified) == 4


def test_crisis_matching() -> None:
    assert is_crisis("죽.고.싶.다") and is_crisis("Suicidal thoughts") and is_crisis("자해했어")
    assert not is_crisis("유서 깊은 절에 다녀왔어요")  # "historic", not a suicide note
    assert not is_crisis("I ran 5 km and I'm dying of thirst lol")
    assert not is_crisis("The movie killed me, so funny")


async def test_pick_by_number_text_and_its_errors(
    redis: Redis, similar_client: InferenceClient
) -> None:
    mood = service(redis, FakeInference(similar_client))
    with refused(MoodError, "mood-no-list") as no_list:
        await mood.pick("web:p", 1)  # no list yet
    assert "먼저" in no_list.value.message("ko")
    first = await mood.message("web:p", "I'm so happy")
    for bad in ("9", "0", "abc", "2.5"):
        with refused(MoodError, "mood-bad-choice", count=5):
            await mood.pick("web:p", bad)
    got = await mood.pick("web:p", "２번")  # full-width digit, Korean counter
    assert got.picked is not None and got.picked.id == first.songs[1].id
    assert got.choices == ["#1", "#2", "#3", "#4", "#5"]
    typed = await mood.message("web:p", "#3")
    assert typed.picked is not None and typed.picked.id == got.songs[2].id


async def test_pick_a_song_without_audio_or_outside_the_index(
    redis: Redis, similar_client: InferenceClient
) -> None:
    mood = service(redis, FakeInference(similar_client))
    await CatalogStore(redis).upsert(
        [Song(id="late", title="Late", moods=("calm",), audio="late.wav")], {"late": b"\0" * 64}
    )  # imported after the index was built
    await mood.store.record("web:n", _turn(), last_list=[NO_AUDIO, "late", "gone"], language="en")
    no_audio = await mood.pick("web:n", 1)  # neighbours: songs that share its mood
    assert no_audio.picked is not None and no_audio.picked.id == NO_AUDIO
    assert no_audio.likeness == "artist"  # every song here is by "Tester"
    assert no_audio.text == "\n\n".join(
        [
            texts.text("mood-neighbours-artist", "en", title="Nostalgic 3", artist="Tester"),
            texts.text("mood-similar-thin", "en", n=3),
        ]
    )
    assert sorted(s.id for s in no_audio.songs) == ["nostalgic-0", "nostalgic-1", "nostalgic-2"]
    assert NO_AUDIO not in {s.id for s in no_audio.songs}
    await mood.store.record("web:n", _turn(), last_list=[NO_AUDIO, "late", "gone"], language="en")
    late = await mood.pick("web:n", 2)
    assert late.songs == [] and "hasn't been analysed" in late.text
    gone = await mood.pick("web:n", 3)
    assert gone.songs == [] and gone.text == texts.text("mood-song-gone", "en")
    assert (await mood.store.state("web:n")).last_list == (NO_AUDIO, "late", "gone")  # kept


async def test_pick_without_an_index_or_worker_answers_clearly(
    redis: Redis, tmp_path: Path
) -> None:
    await fill_catalog(redis)  # no index built
    handler = SimilarHandler(tmp_path / "none", redis=redis)
    async with running_worker(redis, {"similar": handler}), InferenceClient(redis) as client:
        mood = service(redis, FakeInference(client))
        await mood.message("web:i", "happy")
        reply = await mood.pick("web:i", 1)
        assert reply.songs == [] and reply.text == texts.text("mood-no-index", "en")
    async with InferenceClient(redis) as client:  # no worker at all
        mood = service(redis, FakeInference(client), similar_timeout_s=0.3)
        reply = await mood.pick("web:i", 1)
        assert reply.songs == [] and reply.text == texts.text("mood-similar-failed", "en")
        assert "worker" not in reply.text and "similar" not in reply.text  # no job details


async def test_bad_input_is_refused(redis: Redis) -> None:
    fake = FakeInference()
    mood = service(redis, fake, max_message_chars=50)
    for bad in ("", "   \n ", "\x00\x01"):
        with refused(MoodError, "mood-empty") as empty:
            await mood.message("web:e", bad)
    # before the writer's language is known: both texts, Korean first
    assert str(empty.value) == f"{empty.value.message('ko')} / {empty.value.message('en')}"
    assert str(empty.value).startswith("메시지가 비어 있어요.")
    with refused(MoodError, "mood-too-long", limit=50) as too_long:
        await mood.message("web:e", "슬퍼" * 26)
    assert "50자" in too_long.value.message("ko") and "50 characters" in str(too_long.value)
    for user in ("", "a b", "x" * 201):
        with refused(MoodError, "mood-bad-user"):
            await mood.message(user, "hello")
    assert fake.classified == []
    assert (await mood.message("web:e", "슬퍼" * 25)).emotion == "sadness"  # the limit itself


async def test_busy_classifier_still_answers(redis: Redis) -> None:
    await fill_catalog(redis)
    fake = FakeInference(classify_error=InferenceBusy(detail="2 classify jobs waiting"))
    reply = await service(redis, fake).message("web:b", "오늘 너무 슬퍼")
    assert (reply.emotion, reply.score) == ("neutral", 0.0)
    assert answer_of(reply) in answers("neutral", "ko")
    assert texts.text("mood-classify-failed", "ko") in reply.text and len(reply.songs) == 5


async def test_generated_answers_are_checked(redis: Redis) -> None:
    good = "많이 속상했겠어요. 따뜻한 차 한 잔 마시면서 오늘은 푹 쉬어요."
    fake = FakeInference(
        replies=[
            "I hear you, that sounds hard.",  # wrong language
            "오늘 비가 와서 너무 슬퍼요.",  # restatement
            "자세한 건 https://example.com 에서 봐요.",  # a link
            "응",  # too short
            good,
        ]
    )
    mood = service(redis, fake, generator_replies=True)
    reply = await mood.message("web:g", SAD_KO)
    assert answer_of(reply) == good
    assert SAD_KO in fake.prompts[0] and fake.prompts[0].endswith("친구:")

    fake.replies = ["오늘 비가 와서 너무 슬퍼요", "Sorry to hear that."]
    fallback = await mood.message("web:g", SAD_KO)
    assert answer_of(fallback) in answers("sadness", "ko")
    assert "사용자: " + SAD_KO in fake.prompts[1]  # the earlier turn is in the prompt

    fake.generate_error = InferenceTimeout(detail="no answer")
    timed_out = await mood.message("web:g", "so sad")
    assert answer_of(timed_out) in answers("sadness", "en")


async def test_with_the_tiny_classifier_on_a_worker(redis: Redis, tiny_classifier: Path) -> None:
    from models.classification import LocalClassifier
    from models.handlers import ClassifyHandler
    from models.loading import load_classifier

    await fill_catalog(redis)
    handler = ClassifyHandler(LocalClassifier(load_classifier(str(tiny_classifier))))
    async with running_worker(redis, {"classify": handler}), InferenceClient(redis) as client:
        mood = MoodService(redis, client, Catalog(redis), MoodSettings())
        reply = await mood.message("web:t", "I lost my keys and I'm upset")
    assert reply.emotion in {"joy", "sadness", "anger", "fear", "surprise", "disgust", "neutral"}
    assert 0.0 < reply.score <= 1.0 and len(reply.songs) == 5


def test_helpers() -> None:
    typed = ("2번", "#3", "３", "2 번째", "4번 노래", 5)
    assert [parse_choice(c) for c in typed] == [2, 3, 3, 2, 4, 5]
    assert [parse_choice(c) for c in ("two", "2.5", "", True)] == [None, None, None, None]
    assert choose_snippet("", "rain") == ""
    assert choose_snippet("a\n[Chorus]\nrain falls\nsun", "the rain") == "rain falls\nsun"
    assert choose_snippet("one\ntwo\nthree", "nothing shared") == "one\ntwo"
    assert is_restatement("오늘 비가 와서 슬프군요", SAD_KO)
    assert not is_restatement("많이 속상했겠어요. 푹 쉬어요.", SAD_KO)


def _turn() -> Turn:
    return Turn("earlier", "earlier reply")


async def test_a_message_refused_by_its_rate_limit_costs_the_model_nothing(redis: Redis) -> None:
    # the limit rides in the first batch with the user's state: only a message it lets through
    # asks the model for its emotion (a flood of refused messages must not reach the workers)
    from bot.limits import Limiter, SlowDown
    from contract.settings import LimitSettings, Rate

    await fill_catalog(redis)
    fake = FakeInference()
    mood = service(redis, fake)
    one = Rate(burst=1, per_minute=6)
    limits = Limiter(redis, LimitSettings.model_validate({"mood": one}), clock=lambda: 1000.0)
    reply = await mood.message("web:r", "오늘 너무 슬퍼", toll=limits.toll("mood", user="web:r"))
    assert reply.emotion == "sadness" and fake.classified == ["오늘 너무 슬퍼"]
    with refused(SlowDown, "slow-down", seconds=10):
        await mood.message("web:r", "또 슬퍼", toll=limits.toll("mood", user="web:r"))
    assert fake.classified == ["오늘 너무 슬퍼"]  # the refused one was never classified
    assert len(await mood.store.turns("web:r")) == 1  # nor recorded
