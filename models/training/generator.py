"""Train the text generator: a small GPT-2 from scratch, or fine-tune any causal LM.

From scratch, a byte-level BPE tokenizer is first trained on the corpus (Korean and English
alike; byte-level means no character is ever unknown). Fine-tuning takes a hub id or local path,
optionally through a LoRA adapter (``peft``, imported only then) that is merged before saving.

The result is a plain Hugging Face directory: ``model.safetensors``, ``config.json``,
``generation_config.json`` (the sampling settings the copy-span figure was measured with),
``tokenizer.json`` and friends, ``metrics.json`` and ``loss_curve.png``.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.training import common
from models.training.corpus import (
    DEFAULT_DATA_DIR,
    Document,
    Song,
    generator_corpus,
    read_extra_texts,
    split_by_group,
)

if TYPE_CHECKING:
    import numpy as np
    import torch
    from transformers import PreTrainedTokenizerBase, PreTrainedTokenizerFast

log = logging.getLogger(__name__)

EOS_TOKEN = "<|endoftext|>"
PAD_TOKEN = "<pad>"

# Sampling defaults saved with the model. The copy-span benchmark measures with these: a
# repetition penalty and nucleus sampling keep a small model from reciting its training text.
SAMPLING_DEFAULTS: dict[str, Any] = {
    "do_sample": True,
    "temperature": 0.9,
    "top_p": 0.92,
    "top_k": 0,
    "repetition_penalty": 1.15,
    "no_repeat_ngram_size": 4,
    "max_new_tokens": 120,
}


@dataclass
class GeneratorTrainConfig:
    output_dir: Path
    data_dir: Path = DEFAULT_DATA_DIR
    base_model: str | None = None  # hub id or local path; None trains from scratch
    extra_texts: Sequence[Path] = ()
    # archived relay stories and imported artists' songs, read from Redis by the CLI
    redis_texts: Sequence[str] = ()
    redis_songs: Sequence[Song] = ()
    # model shape (from scratch only)
    vocab_size: int = 8000
    n_layer: int = 4
    n_embd: int = 256
    n_head: int = 4
    block_size: int = 256
    dropout: float = 0.1
    # optimisation
    epochs: float = 10.0
    max_steps: int | None = None
    batch_size: int = 32
    lr: float | None = None  # default: 1e-3 from scratch, 5e-5 fine-tune, 3e-4 LoRA
    weight_decay: float = 0.1
    warmup_steps: int = 100
    eval_every: int = 200
    patience: int = 6
    held_out_fraction: float = 0.05
    max_minutes: float | None = None
    # fine-tuning
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_targets: Sequence[str] | None = None
    # output / runtime
    fp16_weights: bool = False
    device: str = "auto"
    seed: int = 0
    sampling: dict[str, Any] = field(default_factory=lambda: dict(SAMPLING_DEFAULTS))

    def peak_lr(self) -> float:
        if self.lr is not None:
            return self.lr
        if self.base_model is None:
            return 1e-3
        return 3e-4 if self.lora else 5e-5


# --- tokenizer ----------------------------------------------------------------------------------


def train_bpe_tokenizer(
    texts: Sequence[str], vocab_size: int, model_max_length: int
) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer trained on ``texts`` (NFC-normalised)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=[EOS_TOKEN, PAD_TOKEN],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    log.info("trained byte-level BPE with %d tokens", tokenizer.get_vocab_size())
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=EOS_TOKEN,
        eos_token=EOS_TOKEN,
        pad_token=PAD_TOKEN,
        model_max_length=model_max_length,
        clean_up_tokenization_spaces=False,
    )


def load_base_tokenizer(name: str) -> PreTrainedTokenizerBase:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(name)
    if tokenizer.eos_token is None:
        tokenizer.eos_token = EOS_TOKEN
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def encode_stream(tokenizer: PreTrainedTokenizerBase, docs: Sequence[Document]) -> np.ndarray:
    """All documents as one token stream, each ended by EOS."""
    import numpy as np

    eos = tokenizer.eos_token_id
    ids: list[int] = []
    texts = [d.text for d in docs]
    encoded = tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
    for doc_ids in encoded:
        ids.extend(doc_ids)
        ids.append(eos)
    return np.asarray(ids, dtype=np.int64)


# --- model --------------------------------------------------------------------------------------


def build_scratch_model(cfg: GeneratorTrainConfig, tokenizer: PreTrainedTokenizerBase) -> Any:
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=cfg.block_size,
        n_embd=cfg.n_embd,
        n_layer=cfg.n_layer,
        n_head=cfg.n_head,
        resid_pdrop=cfg.dropout,
        embd_pdrop=cfg.dropout,
        attn_pdrop=cfg.dropout,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    return GPT2LMHeadModel(config)


def load_base_model(cfg: GeneratorTrainConfig, tokenizer: PreTrainedTokenizerBase) -> Any:
    import torch
    from transformers import AutoModelForCausalLM

    assert cfg.base_model is not None
    model = AutoModelForCausalLM.from_pretrained(cfg.base_model, dtype=torch.float32)
    model.config.pad_token_id = tokenizer.pad_token_id
    if cfg.lora:
        model = wrap_lora(model, cfg)
    return model


def wrap_lora(model: Any, cfg: GeneratorTrainConfig) -> Any:
    try:
        from peft import LoraConfig, get_peft_model
    except ImportError as exc:  # optional dependency
        raise RuntimeError("LoRA needs the 'peft' package: pip install peft") from exc
    lora = LoraConfig(
        task_type="CAUSAL_LM",
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=0.05,
        target_modules=list(cfg.lora_targets) if cfg.lora_targets else None,
    )
    model = get_peft_model(model, lora)
    model.print_trainable_parameters()
    return model


def count_parameters(model: Any) -> int:
    return sum(p.numel() for p in model.parameters())


# --- training loop ------------------------------------------------------------------------------


def sample_batch(
    stream: np.ndarray, block: int, batch: int, rng: np.random.Generator
) -> np.ndarray:
    """``batch`` random windows of ``block + 1`` tokens (random offsets regularise)."""
    import numpy as np

    starts = rng.integers(0, len(stream) - block - 1, size=batch)
    return np.stack([stream[s : s + block + 1] for s in starts])


def lm_loss(model: Any, window: torch.Tensor) -> torch.Tensor:
    import torch.nn.functional as F

    logits = model(input_ids=window[:, :-1]).logits
    return F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), window[:, 1:].reshape(-1))


def evaluate_stream(
    model: Any, stream: np.ndarray, block: int, batch: int, device: torch.device
) -> float:
    """Mean next-token loss (nats) over the stream in non-overlapping windows."""
    import numpy as np
    import torch

    n = (len(stream) - 1) // block
    if n == 0:
        return float("nan")
    windows = np.stack([stream[i * block : i * block + block + 1] for i in range(n)])
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad(), common.autocast(device):
        for start in range(0, n, batch):
            x = torch.as_tensor(windows[start : start + batch], device=device)
            loss = lm_loss(model, x)
            total += loss.item() * x.size(0)
            count += x.size(0)
    model.train()
    return total / count


@dataclass
class TrainResult:
    best_held_out_loss: float
    best_step: int
    steps: int
    history: dict[str, list[tuple[float, float]]]
    seconds: float


def train_loop(
    model: Any,
    train_stream: np.ndarray,
    held_stream: np.ndarray,
    cfg: GeneratorTrainConfig,
    device: torch.device,
) -> TrainResult:
    """AdamW + cosine schedule, periodic held-out eval, keep the best weights (early stopping)."""
    import numpy as np
    import torch
    from tqdm.auto import tqdm

    block = min(cfg.block_size, len(train_stream) - 2)
    tokens_per_step = block * cfg.batch_size
    total = cfg.max_steps or max(1, math.ceil(cfg.epochs * len(train_stream) / tokens_per_step))
    warmup = min(cfg.warmup_steps, max(1, total // 10))
    optimizer = common.make_optimizer(model, cfg.peak_lr(), cfg.weight_decay)
    rng = np.random.default_rng(cfg.seed)
    history: dict[str, list[tuple[float, float]]] = {"train": [], "held-out": []}
    best = (float("inf"), 0)
    best_state: dict[str, torch.Tensor] | None = None
    stale, running, started = 0, 0.0, time.monotonic()
    model.train()
    bar = tqdm(range(total), desc="generator", unit="step")
    step = 0
    for step in bar:
        for group in optimizer.param_groups:
            group["lr"] = common.lr_at(step, total, cfg.peak_lr(), warmup)
        x = torch.as_tensor(sample_batch(train_stream, block, cfg.batch_size, rng), device=device)
        with common.autocast(device):
            loss = lm_loss(model, x)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        running = loss.item() if step == 0 else 0.98 * running + 0.02 * loss.item()
        last = step == total - 1
        if (step + 1) % cfg.eval_every == 0 or last:
            history["train"].append((step + 1, running))
            held = evaluate_stream(model, held_stream, block, cfg.batch_size * 2, device)
            if not math.isnan(held):
                history["held-out"].append((step + 1, held))
            bar.set_postfix(train=f"{running:.3f}", held=f"{held:.3f}")
            score = held if not math.isnan(held) else running
            if score < best[0]:
                best, stale = (score, step + 1), 0
                best_state = {
                    k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()
                }
            else:
                stale += 1
                if stale >= cfg.patience:
                    log.info("held-out loss stopped improving; stopping at step %d", step + 1)
                    break
        if cfg.max_minutes and time.monotonic() - started > cfg.max_minutes * 60:
            log.info("time budget of %.1f min reached at step %d", cfg.max_minutes, step + 1)
            break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return TrainResult(best[0], best[1], step + 1, history, time.monotonic() - started)


# --- entry point --------------------------------------------------------------------------------


def _save_generation_config(model: Any, tokenizer: PreTrainedTokenizerBase, cfg: Any) -> None:
    from transformers import GenerationConfig

    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        **cfg.sampling,
    )


def train_generator(cfg: GeneratorTrainConfig) -> dict[str, Any]:
    """Train (or fine-tune) and save; returns the metrics also written to ``metrics.json``."""
    common.set_seed(cfg.seed)
    device = common.pick_device(cfg.device)
    texts = read_extra_texts(cfg.extra_texts) + list(cfg.redis_texts)
    docs = generator_corpus(cfg.data_dir, texts, cfg.redis_songs)
    train_docs, held_docs = split_by_group(docs, cfg.held_out_fraction, cfg.seed)
    log.info("%d training documents, %d held out", len(train_docs), len(held_docs))

    if cfg.base_model is None:
        tokenizer = train_bpe_tokenizer(
            [d.text for d in train_docs], cfg.vocab_size, cfg.block_size
        )
        model = build_scratch_model(cfg, tokenizer)
    else:
        tokenizer = load_base_tokenizer(cfg.base_model)
        model = load_base_model(cfg, tokenizer)
        cfg.block_size = min(cfg.block_size, _max_positions(model))
    model.to(device)
    train_stream = encode_stream(tokenizer, train_docs)
    held_stream = encode_stream(tokenizer, held_docs) if held_docs else train_stream[:0]
    log.info(
        "%s parameters on %s; %d training tokens, %d held-out tokens",
        f"{count_parameters(model):,}",
        common.device_name(device),
        len(train_stream),
        len(held_stream),
    )
    result = train_loop(model, train_stream, held_stream, cfg, device)
    if cfg.lora:
        model = model.merge_and_unload()
    metrics = _metrics(cfg, model, result, held_docs, held_stream, device)
    _write_outputs(cfg, model, tokenizer, result, metrics)
    return metrics


def _max_positions(model: Any) -> int:
    config = model.config
    for name in ("n_positions", "max_position_embeddings", "n_ctx"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return 1024


def _metrics(
    cfg: GeneratorTrainConfig,
    model: Any,
    result: TrainResult,
    held_docs: Sequence[Document],
    held_stream: np.ndarray,
    device: torch.device,
) -> dict[str, Any]:
    loss = result.best_held_out_loss
    n_bytes = sum(len(d.text.encode("utf-8")) + 1 for d in held_docs)
    n_tokens = max(0, len(held_stream) - 1)
    bits_per_byte = loss * n_tokens / (max(1, n_bytes) * math.log(2)) if held_docs else None
    return {
        "held_out_loss": round(loss, 4),
        "held_out_perplexity": round(math.exp(loss), 2) if loss < 50 else None,
        "held_out_bits_per_byte": round(bits_per_byte, 4) if bits_per_byte else None,
        "held_out_documents": len(held_docs),
        "best_step": result.best_step,
        "steps": result.steps,
        "train_seconds": round(result.seconds, 1),
        "parameters": count_parameters(model),
        "device": common.device_name(device),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
    }


def _write_outputs(
    cfg: GeneratorTrainConfig,
    model: Any,
    tokenizer: PreTrainedTokenizerBase,
    result: TrainResult,
    metrics: dict[str, Any],
) -> None:
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = copy.deepcopy(model).to("cpu") if cfg.fp16_weights else model
    _save_generation_config(model, tokenizer, cfg)
    common.save_model(model, out, fp16=cfg.fp16_weights)
    tokenizer.save_pretrained(out)
    common.plot_curves(result.history, out / "loss_curve.png", "generator loss (nats/token)")
    metrics["config"]["extra_texts"] = [str(p) for p in cfg.extra_texts]
    # counts, not the texts themselves: the metrics file is published with the model
    metrics["config"]["redis_texts"] = len(cfg.redis_texts)
    metrics["config"]["redis_songs"] = len(cfg.redis_songs)
    common.write_json(out / "metrics.json", metrics)
    log.info("saved generator to %s (held-out ppl %s)", out, metrics["held_out_perplexity"])
