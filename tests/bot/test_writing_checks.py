"""The rules that rank candidates and that the quality benchmark reports."""

from __future__ import annotations

from bot.writing_checks import (
    clean_start,
    distinct_n,
    ends_on_boundary,
    has_keyword,
    line_score,
    list_like,
    pick_distinct,
    repeated_lines,
    script_purity,
)


def test_script_purity_counts_letters_outside_the_script_not_in_the_prompt() -> None:
    assert script_purity("비가 내렸다.", "ko") == 1.0
    assert script_purity("비가 民蓂 내렸다", "ko") == 5 / 7
    assert script_purity("나 of 너", "ko") < 1.0
    # a name the story already uses is not a stray script
    assert script_purity("Mara가 웃었다.", "ko", prompt="Mara는 등대에 올랐다.") == 1.0
    assert script_purity("She smiled, 웃었다.", "en") < 1.0
    assert script_purity("…!!", "en") == 1.0  # no letters, nothing stray


def test_clean_start() -> None:
    assert clean_start("그는 웃었다.", "ko") and clean_start("“가자.”", "ko")
    assert not clean_start("을 들고 나갔다.", "ko")  # a particle glued to nothing
    assert not clean_start(". 그리고", "ko") and not clean_start("", "ko")
    assert clean_start("She left.", "en") and not clean_start("and then she left.", "en")


def test_boundaries_keywords_and_repetition() -> None:
    assert (
        ends_on_boundary("그는 웃었다.") and ends_on_boundary('"Go!"') and ends_on_boundary("정말…")
    )
    assert not ends_on_boundary("그는 웃었다 그리고")
    assert has_keyword("우산을 폈다.", "우산") and has_keyword("An UMBRELLA.", "umbrella")
    assert not has_keyword("우 산을 폈다.", "우산")
    assert has_keyword("the old lighthouse", "light house") and has_keyword("무엇이든", None)
    assert distinct_n("a b a b a b") < 0.5 and distinct_n("one two three") == 1.0
    assert repeated_lines(["봄이 왔다", "봄이 왔다!", "여름"]) == 1


def test_list_like_and_web_junk() -> None:
    assert list_like("8. 가시나무 가시\n2014년 3월 25일")
    assert list_like("다시보기 클릭 <30초 동안>")
    assert list_like("visit www.example.com")
    assert not list_like("그는 3월의 바람을 생각했다")  # a month alone is fine
    assert not list_like("봄이 오면 나는 너를 생각해\n꽃잎이 떨어지는 길 위에서")


def test_scores_prefer_the_keyword_then_the_boundary() -> None:
    common = {"logprob": -2.0, "language": "ko", "prompt": "비 오는 날"}
    with_kw = line_score("우산을 든 사람이 웃었다.", keyword="우산", **common)  # type: ignore[arg-type]
    without = line_score("사람이 웃었다.", keyword="우산", **common)  # type: ignore[arg-type]
    unfinished = line_score("우산을 든 사람이 웃었", keyword="우산", **common)  # type: ignore[arg-type]
    stray = line_score("우산을 든 民蓂 사람.", keyword="우산", **common)  # type: ignore[arg-type]
    assert with_kw > unfinished > without and with_kw > stray


def test_pick_distinct_skips_near_copies_unless_nothing_else_is_left() -> None:
    ranked = ["그는 우산을 폈다.", "그는 우산을 폈다!", "비가 그쳤다.", "바람이 불었다."]
    assert pick_distinct(ranked, 3) == ["그는 우산을 폈다.", "비가 그쳤다.", "바람이 불었다."]
    assert pick_distinct(ranked[:2], 2) == ranked[:2]
    assert pick_distinct([], 3) == []


def test_copying_the_story_costs_a_candidate() -> None:
    from bot.writing_checks import prompt_overlap

    prompt = "The street was empty, and the rain was getting heavier."
    assert prompt_overlap("The street was empty, and then a bus came.", prompt) == 5
    assert prompt_overlap("A bus came.", prompt) == 0
    common = {"logprob": -2.0, "language": "en", "prompt": prompt}
    copy = line_score("The street was empty, and the rain was loud.", **common)  # type: ignore[arg-type]
    fresh = line_score("A bus came around the corner at last.", **common)  # type: ignore[arg-type]
    assert fresh > copy
