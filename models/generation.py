"""Batched text generation with a local causal LM (CPU, or CUDA with bf16).

All prompts of a batch of jobs (each repeated ``n`` times) go through ``model.generate`` together,
left-padded, in chunks of ``forward_batch_size`` rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torch

from models.jobs import GenerateRequest, GenerateResult
from models.loading import LoadedModel
from models.text import apply_stop, drop_broken_chars

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Row:
    job: int
    prompt: int
    max_new_tokens: int


class LocalGenerator:
    def __init__(
        self, loaded: LoadedModel, *, context_tokens: int = 512, forward_batch_size: int = 64
    ) -> None:
        self.loaded = loaded
        self.forward_batch_size = forward_batch_size
        limit = getattr(loaded.model.config, "max_position_embeddings", None) or getattr(
            loaded.model.config, "n_positions", None
        )
        self.max_positions: int | None = int(limit) if limit else None
        self.context_tokens = context_tokens

    def _context_budget(self, max_new_tokens: int) -> int:
        budget = self.context_tokens
        if self.max_positions is not None:
            budget = min(budget, self.max_positions - max_new_tokens)
        if budget < 1:
            raise ValueError(
                f"max_new_tokens={max_new_tokens} leaves no room for a prompt in a model "
                f"with {self.max_positions} positions"
            )
        return budget

    @torch.inference_mode()  # type: ignore[untyped-decorator]
    def generate(self, requests: list[GenerateRequest]) -> list[GenerateResult]:
        """One result per request, in order. Requests must share :meth:`sampling_key`."""
        if not requests:
            return []
        first = requests[0]
        if any(r.sampling_key() != first.sampling_key() for r in requests):
            raise ValueError("requests in one batch must share sampling settings")
        rows: list[_Row] = []
        texts: list[str] = []
        for j, req in enumerate(requests):
            for p, prompt in enumerate(req.prompts):
                for _ in range(req.n):
                    rows.append(_Row(j, p, req.max_new_tokens))
                    texts.append(prompt)
        outputs: list[str] = []
        for start in range(0, len(rows), self.forward_batch_size):
            chunk_rows = rows[start : start + self.forward_batch_size]
            chunk_texts = texts[start : start + self.forward_batch_size]
            outputs.extend(self._forward(chunk_texts, chunk_rows, first))
        results = [GenerateResult(texts=[[] for _ in req.prompts]) for req in requests]
        for row, text in zip(rows, outputs, strict=True):
            req = requests[row.job]
            results[row.job].texts[row.prompt].append(apply_stop(drop_broken_chars(text), req.stop))
        return results

    def _forward(self, texts: list[str], rows: list[_Row], params: GenerateRequest) -> list[str]:
        model, tok, device = self.loaded.model, self.loaded.tokenizer, self.loaded.device
        max_new = max(r.max_new_tokens for r in rows)
        # An empty prompt still needs one token to start from.
        start_token = tok.bos_token or tok.eos_token or ""
        texts = [t if t.strip() else start_token + t for t in texts]
        enc = tok(
            texts,
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=self._context_budget(max_new),
            add_special_tokens=False,
        ).to(device)
        if params.seed is not None:
            torch.manual_seed(params.seed)
        sample = params.temperature > 0
        out = model.generate(
            **enc,
            max_new_tokens=max_new,
            do_sample=sample,
            temperature=params.temperature if sample else None,
            top_p=params.top_p if sample else None,
            top_k=0 if sample else None,
            repetition_penalty=params.repetition_penalty,
            pad_token_id=tok.pad_token_id,
            eos_token_id=tok.eos_token_id,
        )
        new_tokens = out[:, enc["input_ids"].shape[1] :]
        return [
            tok.decode(ids[: row.max_new_tokens], skip_special_tokens=True)
            for ids, row in zip(new_tokens, rows, strict=True)
        ]
