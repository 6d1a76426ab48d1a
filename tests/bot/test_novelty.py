"""The novelty guard: planted copies in Korean and English are caught, 7-token overlaps are not."""

from __future__ import annotations

from bot import novelty
from bot.novelty import CorpusIndex, check, cut_copied_spans, longest_shared_span, tokenize

KO_SONG = (
    "봄비가 내리는 오래된 골목길을 혼자서 천천히 걸어가면\n"
    "젖은 돌담 위로 작은 새들이 날아가고\n"
    "어머니의 목소리가 멀리서 들려온다"
)
EN_SONG = (
    "Morning has broken over the silent valley of my fathers\n"
    "Light of the hills, shine on the weary traveller\n"
    "Sing to the river and sing to the sea"
)


def _index() -> CorpusIndex:
    return CorpusIndex.build({"ko": KO_SONG, "en": EN_SONG})


def _prefix_of_tokens(text: str, count: int) -> str:
    tokens = tokenize(text)
    return text[: tokens[count - 1].end]


def test_korean_is_cut_into_morphemes_and_english_into_words() -> None:
    ko = [t.form for t in tokenize("봄비가 내리는 골목길.")]
    assert ko[:3] == ["봄비", "가", "내리"]
    assert [t.form for t in tokenize("Sing, to the RIVER!")] == ["sing", "to", "the", "river"]


def test_planted_korean_copy_is_caught_and_cut() -> None:
    index = _index()
    candidate = f"새로운 아침이 밝았다\n{KO_SONG.splitlines()[0]}\n달빛이 창가에 머문다"
    spans = check(candidate, index)
    assert len(spans) == 1
    assert spans[0].song_ids == {"ko"}
    assert spans[0].length >= 8
    assert "골목길" in spans[0].text
    cut = cut_copied_spans(candidate, index)
    assert cut == "새로운 아침이 밝았다\n달빛이 창가에 머문다"
    assert check(cut, index) == []


def test_planted_english_copy_is_caught_across_punctuation_and_case() -> None:
    index = _index()
    candidate = "We wander home tonight; LIGHT of the hills shine on the weary traveller, my friend"
    spans = index.check(candidate)
    assert [s.length for s in spans] == [9]
    assert spans[0].text == "LIGHT of the hills shine on the weary traveller"
    assert index.cut_copied_spans(candidate) == "We wander home tonight; my friend"


def test_seven_shared_tokens_are_not_a_copy() -> None:
    index = _index()
    en = "Under the moon " + _prefix_of_tokens(EN_SONG, 7) + " and a dove flew by"
    assert longest_shared_span(en, index)[0] == 7
    assert index.check(en) == []
    ko_seven = _prefix_of_tokens(KO_SONG, 7)
    ko = f"눈부신 햇살 {ko_seven} 하얀 구름"
    length, span = longest_shared_span(ko, index)
    assert length == 7
    assert span == ko_seven
    assert index.check(ko) == []
    ko_eight = f"눈부신 햇살 {_prefix_of_tokens(KO_SONG, 8)} 하얀 구름"
    assert [s.length for s in index.check(ko_eight)] == [8]


def test_longest_shared_span_reports_the_run() -> None:
    index = _index()
    assert longest_shared_span("nothing here matches zebra", index) == (0, "")
    length, text = longest_shared_span("oh sing to the river and sing to me", index)
    assert (length, text) == (7, "sing to the river and sing to")


def test_cut_never_leaves_a_copy_even_when_joined_words_copy_again() -> None:
    index = CorpusIndex.build({"a": "one two three four five six seven eight nine ten"})
    text = "one two three four five six seven eight nine ten\nplain words stay here"
    assert cut_copied_spans(text, index) == "plain words stay here"


def test_kiwi_is_created_once() -> None:
    tokenize("첫 번째 문장")
    first = novelty._kiwi
    tokenize("두 번째 문장")
    assert first is not None and novelty._kiwi is first


def test_language_detection() -> None:
    assert novelty.detect_language("봄비가 내린다 rain") == "ko"
    assert novelty.detect_language("rain falls 비") == "en"
