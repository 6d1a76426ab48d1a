"""Batched local generation: n candidates, stop strings, per-job lengths, seeds, odd prompts."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.jobs import GenerateRequest
from models.generation import LocalGenerator
from models.loading import load_causal_lm
from models.text import apply_stop, drop_broken_chars


@pytest.fixture(scope="module")
def generator(tiny_gpt2: Path) -> LocalGenerator:
    return LocalGenerator(load_causal_lm(str(tiny_gpt2)), context_tokens=64, forward_batch_size=4)


def test_results_follow_jobs_prompts_and_n(generator: LocalGenerator) -> None:
    reqs = [
        GenerateRequest(prompts=["옛날에", "Once upon"], n=3, max_new_tokens=4, seed=1),
        GenerateRequest(prompts=["하나"], n=1, max_new_tokens=2, seed=1),
    ]
    out = generator.generate(reqs)  # 7 rows in chunks of 4
    assert [len(r.texts) for r in out] == [2, 1]
    assert [len(t) for t in out[0].texts] == [3, 3] and len(out[1].texts[0]) == 1


def test_seed_makes_a_batch_repeatable(generator: LocalGenerator) -> None:
    req = GenerateRequest(prompts=["The night"], n=2, max_new_tokens=6, seed=42)
    assert generator.generate([req]) == generator.generate([req])


def test_greedy_decoding_needs_no_sampling(generator: LocalGenerator) -> None:
    req = GenerateRequest(prompts=["abc"], max_new_tokens=5, temperature=0.0)
    first = generator.generate([req])[0].texts[0][0]
    assert generator.generate([req])[0].texts[0][0] == first


def test_empty_and_overlong_prompts_still_generate(generator: LocalGenerator) -> None:
    req = GenerateRequest(prompts=["", "노래 " * 2000], max_new_tokens=3, seed=0)
    out = generator.generate([req])[0].texts
    assert len(out) == 2  # the long one was cut from the left to fit the context


def test_mixed_sampling_settings_are_refused(generator: LocalGenerator) -> None:
    a = GenerateRequest(prompts=["a"], temperature=0.5)
    b = GenerateRequest(prompts=["b"], temperature=0.9)
    with pytest.raises(ValueError, match="share sampling settings"):
        generator.generate([a, b])


def test_too_many_new_tokens_get_what_fits_beside_the_prompt(generator: LocalGenerator) -> None:
    # the tiny model has few positions: 1000 new tokens become what fits beside a prompt
    positions = generator.max_positions
    assert positions is not None and generator.new_tokens(1000) < positions
    assert generator.new_tokens(3) == 3
    req = GenerateRequest(prompts=["a " * 500], max_new_tokens=1000, temperature=0.0)
    [result] = generator.generate([req])
    ids = generator.parts.tokenizer.encode(result.texts[0][0], add_special_tokens=False)
    assert len(ids) <= generator.new_tokens(1000)


def test_apply_stop_cuts_at_the_earliest_stop() -> None:
    assert apply_stop("one. two\n\nthree", ["\n\n", "two"]) == "one. "
    assert apply_stop("nothing to cut", ["@@"]) == "nothing to cut"


def test_broken_characters_never_reach_the_caller(generator: LocalGenerator) -> None:
    # a random byte-level model emits invalid UTF-8 often: none of it may come out as U+FFFD
    req = GenerateRequest(prompts=["노래", "song"], n=4, max_new_tokens=12, seed=5)
    texts = [t for row in generator.generate([req])[0].texts for t in row]
    assert texts and all("\ufffd" not in t for t in texts)
    assert drop_broken_chars("가\ufffd나") == "가나"
