"""The worker's own sampling loop: one batched forward per step, rules per row.

``model.generate`` samples well but cannot do what the features need, so the worker runs its own
loop over the model's decoder (KV cache, left padding, the same transformers modules):

- **Logits only over the allowed tokens** (``models/vocab_filter.py``): a Korean row can only
  write Hangul, punctuation and digits, an English row English tokens; the hidden state is
  multiplied by those rows of the output layer alone, most of the saving on a CPU.
- **Shared prefill**: each distinct prompt runs through the model once; its cache is repeated
  for the ``n`` rows that continue it.
- **Stopping rules**: ``length`` (the old behaviour: run to ``max_new_tokens``), ``sentence``
  (stop at the first sentence end after ``min_new_tokens``, before the next word starts; no line
  break or end of text before that) and ``lines`` (exactly ``lines`` non-empty lines; no end of
  text before; an over-long line is broken at a word start).
- **Keyword forcing**: when a keyword must appear, some rows write it themselves and others have
  it inserted, best at the start of a sentence ("The umbrella", «우산»), else at a word start;
  the model then carries on from it (a Korean noun gets its particle from the model). Every row reports the model's mean log-probability of
  its own tokens, forced ones included, so a caller can rank how naturally each insertion fits.
- Finished rows leave the batch, so the slowest row does not make the others pay.
"""

from __future__ import annotations

import inspect
import logging
import math
import random
import re
from dataclasses import dataclass, field
from typing import Any

import torch

from models.vocab_filter import VocabFilter

log = logging.getLogger(__name__)

UNTIL = ("length", "sentence", "lines")
SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’」』)\]]*\s*$")
NO_REPEAT_NGRAM = 3
TOP_K = 256
PHRASE_END = (",", ".", "!", "?", "…", ";")
FORCE_WAIT = 8  # tokens to wait for a sentence start before inserting the keyword elsewhere


@dataclass(frozen=True)
class DecodeSpec:
    """What every row of one batch shares."""

    n: int = 1
    temperature: float = 0.9
    top_p: float = 0.95
    repetition_penalty: float = 1.1
    until: str = "length"
    ban_digits: bool = False
    seed: int | None = None
    max_line_tokens: int = 24


@dataclass(frozen=True)
class PromptSpec:
    """One prompt (token ids, already cut to the context budget) and its own rules."""

    ids: list[int]
    max_new_tokens: int = 64
    min_new_tokens: int = 0
    lines: int | None = None
    keyword: str | None = None
    language: str | None = None


@dataclass
class Sample:
    text: str
    logprob: float  # mean log-probability per token under the model (temperature 1)
    tokens: int
    forced: bool  # the keyword was inserted, not written by the model
    finished: bool  # a stopping rule ended it (False: it ran out of tokens)


@dataclass
class _Row:
    prompt: int
    max_new: int
    min_new: int
    lines: int | None
    keyword: str | None
    kw: KeywordForms
    ids: list[int] = field(default_factory=list)
    text: str = ""
    logprob: float = 0.0
    force_at: int | None = None
    queue: list[int] = field(default_factory=list)
    forced: bool = False
    line_count: int = 0
    line_tokens: int = 0
    done: bool = False
    finished: bool = False


class DecoderParts:
    """What the loop needs from a causal LM, found once per loaded model."""

    def __init__(self, model: Any, tokenizer: Any, vocab: VocabFilter | None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.decoder = getattr(model, model.base_model_prefix)
        head = model.get_output_embeddings()
        self.weight: torch.Tensor = head.weight
        self.bias: torch.Tensor | None = getattr(head, "bias", None)
        self.softcap: float | None = getattr(model.config, "final_logit_softcapping", None)
        params = inspect.signature(self.decoder.forward).parameters
        self.cache_arg = "cache" if "cache" in params else "past_key_values"
        self.eos_id: int | None = tokenizer.eos_token_id
        self.bos_id: int | None = tokenizer.bos_token_id
        newline = tokenizer.encode("\n", add_special_tokens=False)
        self.newline_id: int | None = newline[-1] if newline else None
        self._pieces: dict[int, str] = {}
        self.quantize_head = False  # set by LocalGenerator for int8 CPU models
        self._language_heads: dict[str, tuple[torch.Tensor, Any]] = {}

    def language_head(self, language: str) -> tuple[torch.Tensor, Any] | None:
        """The ids of ``language``'s tokens and an int8 linear layer over their output rows,
        made once; None when the head is not quantized or the language has no filter."""
        if not self.quantize_head or self.vocab is None or self.bias is not None:
            return None
        ids = self.vocab.allowed.get(language)
        if ids is None:
            return None
        cached = self._language_heads.get(language)
        if cached is None:
            rows = self.weight.index_select(0, ids.to(self.weight.device)).float()
            linear = torch.nn.Linear(rows.shape[1], rows.shape[0], bias=False)
            linear.weight.data = rows
            quantized = torch.ao.quantization.quantize_dynamic(
                torch.nn.Sequential(linear), {torch.nn.Linear}, dtype=torch.qint8
            )
            cached = (ids, quantized)
            self._language_heads[language] = cached
        return cached

    def piece(self, token: int) -> str:
        if self.vocab is not None and token < len(self.vocab.pieces):
            return self.vocab.pieces[token]
        cached = self._pieces.get(token)
        if cached is None:
            cached = self.tokenizer.decode([token])
            self._pieces[token] = cached
        return cached

    def new_cache(self) -> Any:
        from transformers import DynamicCache

        try:
            return DynamicCache(config=self.model.config)
        except TypeError:  # older transformers
            return DynamicCache()

    def forward(
        self, ids: torch.Tensor, mask: torch.Tensor, positions: torch.Tensor, cache: Any
    ) -> torch.Tensor:
        out = self.decoder(
            input_ids=ids,
            attention_mask=mask,
            position_ids=positions,
            use_cache=True,
            **{self.cache_arg: cache},
        )
        return out.last_hidden_state[:, -1, :]


@dataclass(frozen=True)
class KeywordForms:
    """The keyword's tokens for each place it can be inserted."""

    spaced: list[int]  # inside a sentence, after a word
    bare: list[int]  # inside a sentence, after a space
    sentence_spaced: list[int]  # starting a sentence, after the previous one's end
    sentence_bare: list[int]  # starting the text or a line

    def all_ids(self) -> list[int]:
        return self.spaced + self.bare + self.sentence_spaced + self.sentence_bare


NO_FORMS = KeywordForms([], [], [], [])


def keyword_forms(parts: DecoderParts, keyword: str) -> KeywordForms:
    """A Korean keyword is written as it is (the model adds its particle). A lower-case English
    word starts a sentence as "The word" (a bare noun mid-sentence reads badly: "He umbrella");
    any other English keyword is capitalized there."""
    tok = parts.tokenizer

    def enc(text: str) -> list[int]:
        return list(tok.encode(text, add_special_tokens=False))

    opening = keyword
    if keyword[:1].isascii() and keyword[:1].isalpha():
        simple = keyword.isascii() and keyword.isalpha() and keyword.islower()
        opening = f"The {keyword}" if simple else keyword[:1].upper() + keyword[1:]
    return KeywordForms(enc(" " + keyword), enc(keyword), enc(" " + opening), enc(opening))


def _word_start(piece: str) -> bool:
    return bool(piece) and piece[0].isspace()


@torch.inference_mode()  # type: ignore[untyped-decorator]
def decode(
    parts: DecoderParts,
    prompts: list[PromptSpec],
    spec: DecodeSpec,
    *,
    device: torch.device,
) -> list[list[Sample]]:
    """``spec.n`` samples for each prompt."""
    if spec.until not in UNTIL:
        raise ValueError(f"until must be one of {UNTIL}")
    n_prompts = len(prompts)
    if n_prompts == 0:
        return []
    prompt_ids = [p.ids for p in prompts]
    rng = random.Random(spec.seed)
    gen = torch.Generator(device="cpu")
    gen.manual_seed(spec.seed if spec.seed is not None else rng.randrange(2**31))

    # --- the allowed vocabulary: one union for the batch, a mask per prompt ---------------------
    forms: list[KeywordForms] = []
    allowed_sets: list[torch.Tensor | None] = []
    for p in prompts:
        keyword = (p.keyword or "").strip()
        kw = keyword_forms(parts, keyword) if keyword else NO_FORMS
        forms.append(kw)
        extra = p.ids + kw.all_ids()
        allowed_sets.append(
            parts.vocab.ids_for(p.language, extra) if parts.vocab is not None else None
        )
    vocab_size = parts.weight.shape[0]
    head = _Head.build(parts, prompts, allowed_sets, vocab_size)
    width = head.width
    to_sub, to_full = head.to_sub, head.to_full

    prompt_masks: list[torch.Tensor | None] = []
    for allowed in allowed_sets:
        if head.order is None or allowed is None or allowed.numel() == width:
            prompt_masks.append(None)
        else:
            m = torch.zeros(width, dtype=torch.bool)
            m[head.index_map[allowed]] = True
            prompt_masks.append(m)

    eos_sub = to_sub(parts.eos_id) if parts.eos_id is not None else None
    newline_subs = [s for s in (to_sub(t) for t in _newline_ids(parts)) if s is not None]
    digit_subs = (
        [s for s in (to_sub(t) for t in parts.vocab.digit_ids) if s is not None]
        if spec.ban_digits and parts.vocab is not None
        else []
    )
    newline_full = parts.newline_id

    # --- prefill each prompt once, then one row per sample ------------------------------------
    longest = max(len(ids) for ids in prompt_ids)
    pad = parts.tokenizer.pad_token_id or 0
    input_ids = torch.full((n_prompts, longest), pad, dtype=torch.long)
    mask = torch.zeros((n_prompts, longest), dtype=torch.long)
    for i, ids in enumerate(prompt_ids):
        input_ids[i, longest - len(ids) :] = torch.tensor(ids, dtype=torch.long)
        mask[i, longest - len(ids) :] = 1
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    cache = parts.new_cache()
    hidden = parts.forward(input_ids.to(device), mask.to(device), positions.to(device), cache)
    n = spec.n
    if n > 1:
        cache.batch_repeat_interleave(n)
        hidden = hidden.repeat_interleave(n, dim=0)
        mask = mask.repeat_interleave(n, dim=0)
        positions = positions.repeat_interleave(n, dim=0)
    next_pos = positions[:, -1] + 1
    mask = mask.to(device)

    rows: list[_Row] = []
    for i in range(n_prompts * n):
        p = prompts[i // n]
        row_keyword = (p.keyword or "").strip() or None
        row = _Row(
            prompt=i // n,
            max_new=p.max_new_tokens,
            min_new=p.min_new_tokens,
            lines=p.lines,
            keyword=row_keyword,
            kw=forms[i // n],
        )
        if row_keyword and i % n >= n // 3:
            # A third of the rows (rounded down) write freely; the rest get the keyword at a
            # word start somewhere in the first half of the minimum length.
            latest = max(1, (p.min_new_tokens or p.max_new_tokens) // 2)
            row.force_at = rng.randint(0, latest)
        rows.append(row)
    active = list(range(len(rows)))

    longest_run = max(p.max_new_tokens for p in prompts)
    for _ in range(longest_run + 1):
        if not active:
            break
        logits = head.logits(hidden)
        logp = torch.log_softmax(logits, dim=-1)
        scores = logits.clone()
        for b, r in enumerate(active):
            row = rows[r]
            pm = prompt_masks[row.prompt]
            if pm is not None:
                scores[b, ~pm] = -math.inf
            _apply_bans(scores[b], row, spec, eos_sub, newline_subs, digit_subs, to_sub)
            if spec.repetition_penalty != 1.0 and row.ids:
                subs = torch.tensor(
                    sorted({s for s in (to_sub(t) for t in row.ids) if s is not None}),
                    dtype=torch.long,
                )
                if subs.numel():
                    vals = scores[b, subs]
                    scores[b, subs] = torch.where(
                        vals > 0, vals / spec.repetition_penalty, vals * spec.repetition_penalty
                    )
        if eos_sub is not None:
            # a row whose every token was banned (a tiny vocabulary) may end its text
            dead = scores.max(dim=-1).values == -math.inf
            if bool(dead.any()):
                scores[dead, eos_sub] = 0.0
        chosen_sub = _sample(scores, spec, gen)

        keep: list[int] = []
        next_tokens: list[int] = []
        for b, r in enumerate(active):
            row = rows[r]
            sub = int(chosen_sub[b])
            token = to_full(sub)
            if row.queue:
                token = row.queue.pop(0)
            elif (
                row.keyword
                and row.force_at is not None
                and not row.forced
                and len(row.ids) >= row.force_at
                and row.keyword.casefold() not in row.text.casefold()
            ):
                form = _insertion(row, parts.piece(token))
                if form:
                    row.forced = True
                    row.queue = list(form[1:])
                    token = form[0]
            elif (
                spec.until == "lines"
                and newline_full is not None
                and _word_start(parts.piece(token))
                and (
                    row.line_tokens >= spec.max_line_tokens
                    # past half the limit, a phrase end is a good place for a line to end
                    or (
                        row.line_tokens >= spec.max_line_tokens // 2
                        and row.text.rstrip()[-1:] in PHRASE_END
                    )
                )
            ):
                token = newline_full
            if _finish_before(row, token, parts, spec):
                row.done = row.finished = True
                continue
            sub_t = to_sub(token)
            row.logprob += float(logp[b, sub_t]) if sub_t is not None else -20.0
            row.ids.append(token)
            row.text = parts.tokenizer.decode(row.ids, skip_special_tokens=True)
            _count_lines(row, parts.piece(token))
            if token == parts.eos_id or (
                spec.until == "lines" and row.lines is not None and row.line_count >= row.lines
            ):
                row.done = row.finished = True
            elif len(row.ids) >= row.max_new and not row.queue:  # an insertion is finished
                row.done = True
            if row.done:
                continue
            keep.append(b)
            next_tokens.append(token)
        if not keep:
            break
        if len(keep) < len(active):
            idx = torch.tensor(keep, dtype=torch.long, device=device)
            cache.batch_select_indices(idx)
            mask = mask.index_select(0, idx)
            next_pos = next_pos.index_select(0, idx.cpu())
        active = [active[b] for b in keep]
        step_ids = torch.tensor(next_tokens, dtype=torch.long, device=device).unsqueeze(1)
        mask = torch.cat([mask, torch.ones((len(active), 1), dtype=mask.dtype, device=device)], 1)
        hidden = parts.forward(step_ids, mask, next_pos.unsqueeze(1).to(device), cache)
        next_pos = next_pos + 1

    out: list[list[Sample]] = [[] for _ in range(n_prompts)]
    for row in rows:
        text = row.text
        if spec.until == "lines":
            text = text.rstrip("\n")
        tokens = len(row.ids)
        out[row.prompt].append(
            Sample(
                text=text,
                logprob=row.logprob / tokens if tokens else -math.inf,
                tokens=tokens,
                forced=row.forced,
                finished=row.finished,
            )
        )
    return out


def _insertion(row: _Row, next_piece: str) -> list[int] | None:
    """The keyword's tokens if this is the place to insert them, else None.

    Best at a sentence start; after waiting ``FORCE_WAIT`` tokens for one, at any word start;
    after twice that, anywhere (a keyword must appear)."""
    text = row.text
    after_space = not text or text[-1].isspace()
    boundary = after_space or _word_start(next_piece)
    waited = len(row.ids) - (row.force_at or 0)
    if boundary and (not text.strip() or SENTENCE_END.search(text)):
        return row.kw.sentence_bare if after_space else row.kw.sentence_spaced
    if boundary and waited >= FORCE_WAIT:
        return row.kw.bare if after_space else row.kw.spaced
    # a keyword must appear: never leave it so late that the row runs out of tokens first
    if waited >= 2 * FORCE_WAIT or row.max_new - len(row.ids) <= len(row.kw.spaced) + FORCE_WAIT:
        return row.kw.spaced if text else row.kw.sentence_bare
    return None


class _Head:
    """The output layer cut to the batch's allowed tokens, with the maps between full token ids
    and positions in it.

    When every prompt of the batch writes one language and the model was quantized for a CPU,
    the rows for that language's tokens come from an int8 copy made once per language
    (:meth:`DecoderParts.language_head`): most of a step's output-layer work at a quarter of the
    memory traffic. The few extra tokens (the prompt's own words, the keyword, end of text) are
    computed in full precision beside it.
    """

    def __init__(
        self,
        parts: DecoderParts,
        order: torch.Tensor | None,
        vocab_size: int,
        quantized: Any = None,
        n_quantized: int = 0,
    ) -> None:
        self.parts = parts
        self.order = order
        self.vocab_size = vocab_size
        self.width = vocab_size if order is None else int(order.numel())
        self.quantized = quantized
        self.n_quantized = n_quantized
        self.index_map = torch.full((vocab_size,), -1, dtype=torch.long)
        if order is None:
            self.weight, self.bias = parts.weight, parts.bias
        else:
            self.index_map[order] = torch.arange(self.width)
            rest = order[n_quantized:].to(parts.weight.device)
            self.weight = parts.weight.index_select(0, rest)
            self.bias = parts.bias.index_select(0, rest) if parts.bias is not None else None

    @classmethod
    def build(
        cls,
        parts: DecoderParts,
        prompts: list[PromptSpec],
        allowed_sets: list[torch.Tensor | None],
        vocab_size: int,
    ) -> _Head:
        if any(a is None for a in allowed_sets):
            return cls(parts, None, vocab_size)
        union = torch.unique(torch.cat([a for a in allowed_sets if a is not None]))
        if parts.eos_id is not None:
            union = torch.unique(torch.cat([union, torch.tensor([parts.eos_id])]))
        languages = {p.language for p in prompts}
        language = languages.pop() if len(languages) == 1 else None
        cached = parts.language_head(language) if language else None
        if cached is None:
            return cls(parts, union, vocab_size)
        base_ids, quantized = cached
        extra = union[~torch.isin(union, base_ids)]
        return cls(parts, torch.cat([base_ids, extra]), vocab_size, quantized, len(base_ids))

    def to_sub(self, token: int) -> int | None:
        if not 0 <= token < self.vocab_size:
            return None
        if self.order is None:
            return token
        pos = int(self.index_map[token])
        return pos if pos >= 0 else None

    def to_full(self, sub: int) -> int:
        return sub if self.order is None else int(self.order[sub])

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        pieces = [self.quantized(hidden.float())] if self.quantized is not None else []
        if self.weight.shape[0]:
            rest = hidden.to(self.weight.dtype) @ self.weight.T
            pieces.append(rest + self.bias if self.bias is not None else rest)
        out = torch.cat([p.float() for p in pieces], dim=-1)
        if self.parts.softcap:
            out = torch.tanh(out / self.parts.softcap) * self.parts.softcap
        return out


def _newline_ids(parts: DecoderParts) -> list[int]:
    if parts.vocab is not None:
        return sorted(parts.vocab.newline_ids)
    return [parts.newline_id] if parts.newline_id is not None else []


def _apply_bans(
    scores: torch.Tensor,
    row: _Row,
    spec: DecodeSpec,
    eos_sub: int | None,
    newline_subs: list[int],
    digit_subs: list[int],
    to_sub: Any,
) -> None:
    early = len(row.ids) < row.min_new
    if eos_sub is not None and (
        early or (spec.until == "lines" and (row.lines or 0) > row.line_count)
    ):
        scores[eos_sub] = -math.inf
    if newline_subs and (
        (spec.until == "sentence" and early) or (spec.until == "lines" and row.line_tokens == 0)
    ):
        scores[newline_subs] = -math.inf
    if digit_subs:
        scores[digit_subs] = -math.inf
    if len(row.ids) >= NO_REPEAT_NGRAM:
        # no 3-gram twice in one row: the loops a small model falls into
        prefix = tuple(row.ids[-(NO_REPEAT_NGRAM - 1) :])
        ids = row.ids
        for i in range(len(ids) - NO_REPEAT_NGRAM + 1):
            if tuple(ids[i : i + NO_REPEAT_NGRAM - 1]) == prefix:
                sub = to_sub(ids[i + NO_REPEAT_NGRAM - 1])
                if sub is not None:
                    scores[sub] = -math.inf


def _finish_before(row: _Row, token: int, parts: DecoderParts, spec: DecodeSpec) -> bool:
    """True when ``row`` is complete and ``token`` would start something after it."""
    if spec.until != "sentence" or len(row.ids) < row.min_new or not row.ids:
        return False
    piece = parts.piece(token)
    if "\n" in piece or token == parts.eos_id:
        return True
    return _word_start(piece) and bool(SENTENCE_END.search(row.text))


def _count_lines(row: _Row, piece: str) -> None:
    if "\n" in piece:
        before, _, after = piece.partition("\n")
        if row.line_tokens > 0 or before.strip():
            row.line_count += 1
        row.line_tokens = 1 if after.strip() else 0
    elif piece.strip() or row.line_tokens > 0:
        row.line_tokens += 1


def _sample(scores: torch.Tensor, spec: DecodeSpec, gen: torch.Generator) -> torch.Tensor:
    if spec.temperature <= 0:
        return scores.argmax(dim=-1)
    # Nucleus sampling within the TOP_K best tokens: the same draw in practice (a nucleus of
    # 0.95 rarely reaches past a few dozen tokens) without sorting the whole vocabulary.
    k = min(TOP_K, scores.shape[-1])
    top, order = scores.topk(k, dim=-1)
    probs = torch.softmax(top / spec.temperature, dim=-1)
    if spec.top_p < 1.0:
        cum = probs.cumsum(dim=-1)
        probs = probs.masked_fill(cum - probs > spec.top_p, 0.0)
    probs = torch.nan_to_num(probs, nan=0.0)
    empty = probs.sum(dim=-1) <= 0
    if bool(empty.any()):
        probs[empty] = 1.0
    pick = torch.multinomial(probs, 1, generator=gen)
    return order.gather(-1, pick).squeeze(1)
