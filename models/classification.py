"""Batched text classification with a local sequence classifier (label probabilities per text)."""

from __future__ import annotations

import numpy as np
import torch

from contract.jobs import ClassifyRequest, ClassifyResult, Prediction
from models.loading import LoadedModel

MAX_TOKENS = 256


class LocalClassifier:
    def __init__(self, loaded: LoadedModel, *, forward_batch_size: int = 64) -> None:
        self.loaded = loaded
        self.forward_batch_size = forward_batch_size
        config = loaded.model.config
        self.labels = [str(config.id2label[i]) for i in range(config.num_labels)]
        limit = getattr(config, "max_position_embeddings", None) or MAX_TOKENS
        self.max_tokens = min(MAX_TOKENS, int(limit))
        if loaded.lexical is not None:
            loaded.lexical.warm_up()

    @torch.inference_mode()  # type: ignore[untyped-decorator]
    def neural_probs(self, texts: list[str]) -> np.ndarray:
        """The sequence classifier's own probabilities, rows in input order."""
        tok, model, device = self.loaded.tokenizer, self.loaded.model, self.loaded.device
        rows = []
        for start in range(0, len(texts), self.forward_batch_size):
            chunk = [
                t if t.strip() else " " for t in texts[start : start + self.forward_batch_size]
            ]
            enc = tok(
                chunk,
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
            ).to(device)
            rows.append(torch.softmax(model(**enc).logits.float(), dim=-1).cpu().numpy())
        if not rows:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return np.concatenate(rows)

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Label probabilities per text: the classifier's, blended with its lexical heads (when it
        has them: Korean, English) for the texts each serves."""
        probs = self.neural_probs(texts)
        if self.loaded.lexical is not None:
            probs = self.loaded.lexical.blend(texts, probs)
        out: list[Prediction] = []
        for row in probs:
            best = int(row.argmax())
            out.append(
                Prediction(
                    label=self.labels[best],
                    score=float(row[best]),
                    probs={
                        lab: round(float(p), 6) for lab, p in zip(self.labels, row, strict=True)
                    },
                )
            )
        return out

    def classify(self, requests: list[ClassifyRequest]) -> list[ClassifyResult]:
        """All texts of all requests in one pass, split back per request."""
        flat = [t for r in requests for t in r.texts]
        preds = self.predict(flat)
        results, at = [], 0
        for r in requests:
            results.append(ClassifyResult(predictions=preds[at : at + len(r.texts)]))
            at += len(r.texts)
        return results
