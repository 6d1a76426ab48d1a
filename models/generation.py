"""Batched text generation with a local causal LM (CPU, or CUDA with bf16).

Requests of one batch share their sampling settings (the worker groups them by
:meth:`GenerateRequest.sampling_key`); within it, requests with the same ``n`` decode together
in one loop (models/decoding.py), ``forward_batch_size`` rows at a time. Each prompt is cut from
the left to the context budget and starts with the model's BOS token.

On a CPU, ``quantize="int8"`` (or ``"auto"`` for models over ``AUTO_INT8_PARAMS``) swaps the
decoder's linear layers for dynamically quantized int8 ones: about three times faster per step
here with text of the same kind. The output layer stays in full precision: only its rows for the
allowed tokens are used (models/vocab_filter.py).
"""

from __future__ import annotations

import logging
import math
from typing import Literal

import torch

from contract.jobs import GenerateRequest, GenerateResult
from models.decoding import DecoderParts, DecodeSpec, PromptSpec, Sample, decode
from models.loading import LoadedModel
from models.text import apply_stop, drop_broken_chars
from models.vocab_filter import build_vocab_filter

log = logging.getLogger(__name__)

Quantize = Literal["auto", "none", "int8"]
AUTO_INT8_PARAMS = 100_000_000
MIN_PROMPT_TOKENS = 64


def quantize_for_cpu(loaded: LoadedModel, mode: Quantize) -> bool:
    """Dynamic int8 for the decoder's linear layers on a CPU; True when applied."""
    if mode == "none" or loaded.device.type != "cpu":
        return False
    params = sum(p.numel() for p in loaded.model.parameters())
    if mode == "auto" and params < AUTO_INT8_PARAMS:
        return False
    model = loaded.model
    prefix = model.base_model_prefix
    quantized = torch.ao.quantization.quantize_dynamic(
        getattr(model, prefix), {torch.nn.Linear}, dtype=torch.qint8
    )
    setattr(model, prefix, quantized)
    log.info("decoder linear layers quantized to int8 (%.0fM parameters)", params / 1e6)
    return True


class LocalGenerator:
    def __init__(
        self,
        loaded: LoadedModel,
        *,
        context_tokens: int = 512,
        forward_batch_size: int = 64,
        quantize: Quantize = "none",
    ) -> None:
        self.loaded = loaded
        self.forward_batch_size = forward_batch_size
        self.quantized = quantize_for_cpu(loaded, quantize)
        limit = getattr(loaded.model.config, "max_position_embeddings", None) or getattr(
            loaded.model.config, "n_positions", None
        )
        self.max_positions: int | None = int(limit) if limit else None
        self.context_tokens = context_tokens
        vocab_size = getattr(loaded.model.config, "vocab_size", None)
        self.parts = DecoderParts(
            loaded.model, loaded.tokenizer, build_vocab_filter(loaded.tokenizer, vocab_size)
        )
        self.parts.quantize_head = self.quantized
        if self.quantized and self.parts.vocab is not None:
            for language in self.parts.vocab.allowed:  # made now, not on a user's first request
                self.parts.language_head(language)

    def new_tokens(self, asked: int) -> int:
        """``asked``, or what fits beside a quarter of the positions (at most 64) for the prompt
        in a model with few positions (the starter has 256)."""
        if self.max_positions is None:
            return asked
        room = self.max_positions - min(MIN_PROMPT_TOKENS, self.max_positions // 4)
        if room < 1:
            raise ValueError(f"a model with {self.max_positions} positions cannot generate")
        return min(asked, room)

    def _context_budget(self, max_new_tokens: int) -> int:
        budget = self.context_tokens
        if self.max_positions is not None:
            budget = min(budget, self.max_positions - max_new_tokens)
        return max(1, budget)

    def _prompt_ids(self, text: str, max_new_tokens: int) -> list[int]:
        tok = self.parts.tokenizer
        budget = self._context_budget(max_new_tokens)
        bos = self.parts.bos_id
        ids: list[int] = tok.encode(text, add_special_tokens=False) if text else []
        room = budget - (1 if bos is not None else 0)
        ids = ids[-room:] if room > 0 else []
        if bos is not None:
            ids = [bos, *ids]
        if not ids:  # a model without BOS still needs one token to start from
            ids = [self.parts.eos_id or 0]
        return ids

    @torch.inference_mode()  # type: ignore[untyped-decorator]
    def generate(self, requests: list[GenerateRequest]) -> list[GenerateResult]:
        """One result per request, in order. Requests must share :meth:`sampling_key`."""
        if not requests:
            return []
        first = requests[0]
        if any(r.sampling_key() != first.sampling_key() for r in requests):
            raise ValueError("requests in one batch must share sampling settings")
        prompts = {
            (j, p): self._prompt_ids(prompt, self.new_tokens(req.max_new_tokens))
            for j, req in enumerate(requests)
            for p, prompt in enumerate(req.prompts)
        }
        samples: dict[tuple[int, int], list[Sample]] = {}
        by_n: dict[int, list[tuple[int, int]]] = {}
        for j, req in enumerate(requests):
            for p in range(len(req.prompts)):
                by_n.setdefault(req.n, []).append((j, p))
        for n, keys in by_n.items():
            spec = DecodeSpec(
                n=n,
                temperature=first.temperature,
                top_p=first.top_p,
                repetition_penalty=first.repetition_penalty,
                until=first.until,
                ban_digits=first.ban_digits,
                seed=first.seed,
                max_line_tokens=first.max_line_tokens,
            )
            per_chunk = max(1, self.forward_batch_size // n)
            for start in range(0, len(keys), per_chunk):
                chunk = keys[start : start + per_chunk]
                specs = [self._prompt_spec(requests[j], prompts[(j, p)]) for j, p in chunk]
                outs = decode(self.parts, specs, spec, device=self.loaded.device)
                for key, out in zip(chunk, outs, strict=True):
                    samples[key] = out
        results = []
        for j, req in enumerate(requests):
            texts: list[list[str]] = []
            scores: list[list[float]] = []
            for p in range(len(req.prompts)):
                row_texts, row_scores = [], []
                for s in samples[(j, p)]:
                    row_texts.append(apply_stop(drop_broken_chars(s.text), req.stop))
                    row_scores.append(s.logprob if math.isfinite(s.logprob) else -99.0)
                texts.append(row_texts)
                scores.append(row_scores)
            results.append(GenerateResult(texts=texts, scores=scores))
        return results

    def _prompt_spec(self, req: GenerateRequest, ids: list[int]) -> PromptSpec:
        max_new = self.new_tokens(req.max_new_tokens)
        return PromptSpec(
            ids=ids,
            max_new_tokens=max_new,
            min_new_tokens=min(req.min_new_tokens, max_new),
            lines=req.lines,
            keyword=req.keyword,
            language=req.language,
        )
