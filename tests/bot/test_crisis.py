"""The crisis detector (bot/mood/crisis.py): the evaluation set's aim, the issue's cases, spelling tricks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.crisis_eval import LANGUAGES, figures, load
from bot.mood.crisis import MODEL_PATH, CrisisDetector, learned_signal, learned_tokens, normalize

DETECTOR = CrisisDetector()


def test_the_scored_split_meets_the_aim() -> None:
    examples = load()
    predicted = [DETECTOR.check(e.text).crisis for e in examples]
    scored = figures(examples, predicted, split="score")
    assert scored.positives >= 60 and scored.negatives >= 60
    assert scored.recall >= 0.95, f"recall {scored.recall:.3f}"
    assert scored.false_alarm_rate <= 0.05, f"false alarms {scored.false_alarm_rate:.3f}"
    for language in LANGUAGES:  # and each language on its own
        alone = figures(examples, predicted, split="score", language=language)
        assert alone.recall >= 0.95, f"{language}: recall {alone.recall:.3f}"
        assert alone.false_alarm_rate <= 0.05, (
            f"{language}: false alarms {alone.false_alarm_rate:.3f}"
        )


def test_the_evaluation_set_is_what_it_claims() -> None:
    examples = load()
    assert len(examples) >= 240
    assert {e.split for e in examples} == {"tune", "score"}
    assert {e.language for e in examples} == {"ko", "en"}
    assert len({e.text for e in examples}) == len(examples)  # no message twice


@pytest.mark.parametrize(
    "text",
    [
        # the issue's misses, word for word
        "오늘 밤에 손목 그을 거야",
        "옥상 올라왔어 뛰어내릴까",
        "I'm done with life",
        "i wanna unalive myself",
        "kms",
        "wrote my goodbye letters already",
        "gonna jump off the roof",
        "everyone would be better off without me",
        # and what a list of words would never catch
        "나만 없으면 다들 행복할 텐데",
        "한강 물 온도 검색해 봤어",
        "I hope I don't wake up tomorrow",
    ],
)
def test_crisis_messages_from_the_issue_are_caught(text: str) -> None:
    verdict = DETECTOR.check(text)
    assert verdict.crisis, verdict.why
    assert verdict.score == 1.0 and verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "배고파 죽겠다",
        "웃겨 죽는 줄",
        "이 노래 진짜 죽인다",
        "this exam is killing me",
        "I'm dead lol",
        "dying of laughter",
        "유서 깊은 절에 다녀왔어요",  # a historic temple, not a suicide note
        "자살골 넣어서 졌어",  # an own goal
        "여자 살 빼는 운동 추천해줘",  # «자 살» across two words
        "ran 10 kms this morning",
        "뉴스에서 연예인 자살 소식 들었어",  # news about someone else
        "I was suicidal back in 2019 but therapy helped, I'm doing great now",
    ],
)
def test_hyperbole_news_and_recovered_past_are_left_alone(text: str) -> None:
    verdict = DETECTOR.check(text)
    assert not verdict.crisis, verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "죽\u200b고 싶\u200d어",  # zero-width characters
        "죽 고 싶 다",
        "죽.고.싶.어",
        "죽고싶어어어어",
        "\u110c\u116e\u11a8\u1100\u1169 \u1109\u1175\u11c1\u110b\u1165",  # decomposed jamo (NFD)
        "ｋｍｓ",  # full-width
        "k\u200bms",
        "k\u0456ll myself",  # Cyrillic i
        "gonna k1ll mys3lf",
        "I want to d i e",
        "I wanna dieeeee",
        "\u202ei want to die\u202c",  # bidi override
        "ㅈㅅ하고 싶다",  # compatibility jamo, which NFKC turns into conjoining ones
        "ㅈㄱㅅㄷ",
    ],
)
def test_spelling_tricks_do_not_slip_through(text: str) -> None:
    assert DETECTOR.check(text).crisis, normalize(text)


def test_negation_and_quoted_titles() -> None:
    assert not DETECTOR.check("I'm not suicidal, just tired").crisis
    assert not DETECTOR.check("죽고 싶지는 않아. 그냥 쉬고 싶어").crisis
    assert not DETECTOR.check("이 노래 제목이 '사라지고 싶은 밤'이래 분위기 좋다").crisis
    assert DETECTOR.check("사라지고 싶은 밤이야").crisis


def test_someone_elses_words_are_not_the_writers_intent() -> None:
    for text in (
        "동생이 죽고 싶다고 해서 너무 걱정돼",
        "친구가 자해한대 어떻게 해야 돼?",
        "이 노래 가사에 죽고 싶다는 말 나오는데 좋더라",
        "my brother said he wants to die, i'm really scared for him",
        "my roommate seems suicidal, how do i help?",
    ):
        verdict = DETECTOR.check(text)
        assert not verdict.crisis and not verdict.open_to_learned, verdict.why
        assert "someone else" in verdict.why or not verdict.hits, verdict.why
    # the writer's own words stay a crisis, whoever else is named
    assert DETECTOR.check("친구가 걱정한다고 했는데 나도 죽고 싶어").crisis
    assert DETECTOR.check("my friend is worried about me because i want to die").crisis


def test_widened_constructions() -> None:
    rules_only = CrisisDetector(learned=False)
    for text in (
        "주거버리고 싶다",
        "극단선택 하고싶다",
        "엄마 아빠 사랑해 미안해 안녕",
        "남은 사람들한테 편지 남겼어",
        "let me just die already",
        "i tied the noose already",
        "there's no reason for me to live",
    ):
        assert rules_only.check(text).crisis, text


def test_why_names_the_rules_and_what_context_removed() -> None:
    hit = DETECTOR.check("오늘 밤에 손목 그을 거야")
    assert "self-harm act" in hit.why and "손목" in hit.why
    news = DETECTOR.check("그 드라마 주인공이 마지막에 투신하는 장면이 충격적이었어")
    assert not news.crisis and "not counted" in news.why and "드라마" in news.why
    assert DETECTOR.check("좋은 아침!").why == "no crisis signal"


def test_extra_words_from_settings() -> None:
    detector = CrisisDetector(["세상과 작별", "catch the bus"], learned=False)
    assert detector.check("이제 세상과작별할래").crisis
    assert detector.check("Thinking I'll catch the bus tonight").crisis
    assert "listed: catch the bus" in detector.check("Thinking I'll catch the bus tonight").why
    assert not CrisisDetector(learned=False).check("Thinking I'll catch the bus tonight").crisis


def test_a_crisis_at_the_end_of_a_long_message_is_found() -> None:
    filler = "오늘도 평범한 하루였어. 학교 갔다가 집에 왔어. " * 1500  # ~45,000 characters
    assert DETECTOR.check(filler + "근데 진짜 죽고 싶어").crisis
    assert DETECTOR.check("죽고 싶어. " + filler).crisis
    assert not DETECTOR.check(filler).crisis


def test_the_learned_signal_catches_what_no_rule_lists() -> None:
    rules_only = CrisisDetector(learned=False)
    for text in (
        "나 하나쯤 없어져도 괜찮지 않을까",
        "i just feel like giving up on everything for good",
    ):
        assert not rules_only.check(text).crisis
        verdict = DETECTOR.check(text)
        assert verdict.crisis and verdict.why.startswith("learned signal")
    # it stays quiet where the rules set a message aside: news, a negation, a recovered past
    assert not DETECTOR.check("뉴스에서 연예인 자살 소식 들었어").crisis
    assert not DETECTOR.check("죽고 싶지는 않아. 그냥 쉬고 싶어").crisis
    assert not DETECTOR.check("I don't want to die, I just need sleep").crisis


def test_the_shipped_learned_signal_is_what_its_trainer_makes() -> None:
    """Scored in pure Python exactly as scikit-learn scores it, and trained on today's tune split
    (add tune messages, then run ``python -m bot.mood.crisis_training``)."""
    import json

    from bot.mood.crisis_training import fit

    signal = learned_signal()
    assert signal is not None
    assert MODEL_PATH.stat().st_size < 2_000_000
    shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    tune = [e for e in load() if e.split == "tune"]
    vectorizer, model = fit(
        [learned_tokens(e.text) for e in tune], [e.crisis for e in tune], shipped["c"]
    )
    texts = [*[e.text for e in load()][::7], "", "ㅋㅋ", "x" * 3000]
    expected = model.predict_proba(vectorizer.transform([learned_tokens(t) for t in texts]))[:, 1]
    for text, want in zip(texts, expected, strict=True):
        assert abs(signal.probability(text) - want) < 1e-4, text


def test_the_bot_process_needs_neither_torch_nor_sklearn() -> None:
    code = (
        "import sys; from bot.mood.crisis import CrisisDetector;"
        "assert CrisisDetector().check('kms').crisis;"
        "print(sorted(m for m in ('torch', 'sklearn', 'kiwipiepy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
