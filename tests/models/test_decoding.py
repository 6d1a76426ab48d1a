"""The worker's decoding loop on a tiny Gemma 3 (prepared from a GGUF the test writes): the
language filter, the stopping rules, keyword insertion, digits, seeds and batching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract.jobs import GenerateRequest
from models.decoding import DecodeSpec, PromptSpec, decode
from models.generation import LocalGenerator
from models.loading import load_causal_lm
from models.tiny import build_tiny_gpt2
from models.vocab_filter import build_vocab_filter, classify_piece

HANGUL_OR_COMMON = re.compile(r"^[\uac00-\ud7a3\s.,!?…'\"“”‘’()\-–—:;·~0-9]*$")
ENGLISH_OR_COMMON = re.compile(r"^[A-Za-z\s.,!?…'\"“”‘’()\-–—:;·~0-9]*$")


@pytest.fixture(scope="module")
def gemma(tiny_gemma: Path) -> LocalGenerator:
    return LocalGenerator(load_causal_lm(str(tiny_gemma)), context_tokens=128)


def texts(gen: LocalGenerator, **params: object) -> list[str]:
    [result] = gen.generate([GenerateRequest(**params)])  # type: ignore[arg-type]
    return [t for row in result.texts for t in row]


def test_pieces_are_classified_by_script() -> None:
    assert classify_piece(" 우산") == "ko" and classify_piece("the") == "en"
    assert classify_piece(" .") == "common" and classify_piece("\n") == "newline"
    assert classify_piece("雨") == "other" and classify_piece("<div>") == "other"
    assert classify_piece("a우") == "other"  # mixed scripts in one piece


def test_korean_rows_write_only_korean(gemma: LocalGenerator) -> None:
    # a random model left alone writes every script in its vocabulary; the filter keeps Korean
    out = texts(gemma, prompts=["비 오는 날\n"], n=6, max_new_tokens=30, language="ko", seed=3)
    assert out and all(HANGUL_OR_COMMON.match(t) for t in out), out
    assert any(re.search(r"[\uac00-\ud7a3]", t) for t in out)


def test_english_rows_write_only_english(gemma: LocalGenerator) -> None:
    out = texts(gemma, prompts=["the rain\n"], n=6, max_new_tokens=30, language="en", seed=3)
    assert out and all(ENGLISH_OR_COMMON.match(t) for t in out), out


def test_without_a_language_anything_goes(gemma: LocalGenerator) -> None:
    out = texts(gemma, prompts=["비\n"], n=8, max_new_tokens=40, seed=3)
    assert any(not HANGUL_OR_COMMON.match(t) for t in out)  # what the filter keeps out


def test_the_prompts_own_words_may_come_back(gemma: LocalGenerator) -> None:
    vocab = gemma.parts.vocab
    assert vocab is not None
    tok = gemma.parts.tokenizer
    lantern = tok.convert_tokens_to_ids("▁lantern")
    base = vocab.ids_for("ko")
    assert base is not None and lantern not in set(base.tolist())
    widened = vocab.ids_for("ko", [tok.convert_tokens_to_ids("▁민지"), lantern])
    assert widened is not None and lantern in set(widened.tolist())
    markup = tok.convert_tokens_to_ids("<div>")
    still = vocab.ids_for("ko", [markup])
    assert still is not None and markup not in set(still.tolist())  # markup never


def test_lines_mode_writes_exactly_the_lines_asked(gemma: LocalGenerator) -> None:
    out = texts(
        gemma,
        prompts=["바다\n"],
        n=4,
        max_new_tokens=200,
        until="lines",
        lines=5,
        max_line_tokens=6,
        language="ko",
        ban_digits=True,
        seed=1,
    )
    for text in out:
        lines = [line for line in text.split("\n") if line.strip()]
        assert len(lines) == 5, text
        assert not re.search(r"\d", text)


def test_sentence_mode_respects_the_minimum_and_maximum(gemma: LocalGenerator) -> None:
    parts = gemma.parts
    ids = gemma._prompt_ids("우리는 걸었다.\n", 24)
    spec = DecodeSpec(n=6, until="sentence", seed=2)
    prompt = PromptSpec(ids=ids, max_new_tokens=24, min_new_tokens=10, language="ko")
    [samples] = decode(parts, [prompt], spec, device=gemma.loaded.device)
    for sample in samples:
        assert 10 <= sample.tokens <= 24, sample
        assert "\n" not in sample.text
        # it stopped on a rule (a sentence end, a line break) or ran out of tokens
        assert sample.finished or sample.tokens == 24
        assert sample.logprob < 0
    finished = [s for s in samples if s.finished and s.text.rstrip()[-1:] in ".!?…"]
    for sample in finished:
        assert sample.tokens >= 10  # no sentence end counted before the minimum


def test_the_keyword_is_worked_in(gemma: LocalGenerator) -> None:
    out = texts(
        gemma,
        prompts=["그날 아침.\n"],
        n=4,
        max_new_tokens=20,
        min_new_tokens=8,
        until="sentence",
        keyword="우산",
        language="ko",
        seed=5,
    )
    # half the rows have it inserted at a word start; a tiny random model writes no keyword itself
    assert sum("우산" in t for t in out) >= 2, out


def test_batches_mix_prompts_lengths_and_keywords(gemma: LocalGenerator) -> None:
    a = GenerateRequest(prompts=["비\n", "바다\n"], n=2, max_new_tokens=5, language="ko", seed=1)
    b = GenerateRequest(
        prompts=["the sea\n"], n=3, max_new_tokens=9, language="en", keyword="storm", seed=1
    )
    ra, rb = gemma.generate([a, b])
    assert [len(r) for r in ra.texts] == [2, 2] and [len(r) for r in rb.texts] == [3]
    assert all(ENGLISH_OR_COMMON.match(t) for t in rb.texts[0])


def test_a_seed_repeats_and_greedy_needs_none(gemma: LocalGenerator) -> None:
    req = GenerateRequest(prompts=["민지는\n"], n=3, max_new_tokens=12, language="ko", seed=9)
    assert gemma.generate([req]) == gemma.generate([req])
    greedy = GenerateRequest(prompts=["민지는\n"], max_new_tokens=8, temperature=0.0)
    assert gemma.generate([greedy]) == gemma.generate([greedy])


def test_byte_level_vocabularies_get_no_filter(tmp_path: Path) -> None:
    # GPT-2 style BPE spells Hangul from byte pieces: a filter by token text would break it
    loaded = load_causal_lm(str(build_tiny_gpt2(tmp_path)))
    assert build_vocab_filter(loaded.tokenizer) is None
    gen = LocalGenerator(loaded)
    [result] = gen.generate([GenerateRequest(prompts=["노래"], n=2, language="ko", seed=1)])
    assert len(result.texts[0]) == 2


def test_int8_quantization_keeps_the_model_working(tiny_gemma: Path) -> None:
    gen = LocalGenerator(load_causal_lm(str(tiny_gemma)), quantize="int8")
    assert gen.quantized
    out = texts(gen, prompts=["비\n"], n=2, max_new_tokens=6, language="ko", seed=1)
    assert len(out) == 2 and all(HANGUL_OR_COMMON.match(t) for t in out)
    # "auto" leaves small models alone (the tiny one has far under 100M parameters)
    assert not LocalGenerator(load_causal_lm(str(tiny_gemma)), quantize="auto").quantized
