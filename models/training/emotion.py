"""Train the emotion classifier: a small BERT the project pretrains itself, then fine-tunes.

1. A WordPiece tokenizer is trained on all the text in the shared data (emotion *train* splits,
   novels, poems, hymns). Valid splits and KOTE are never used for tokenizer or pretraining.
2. A small BERT is pretrained with masked-LM on that text (dynamic 80/10/10 masking, lines
   packed into sequences).
3. It is fine-tuned jointly on Korean and English: one 7-way head over both languages, soft
   targets for multi-label rows, best checkpoint chosen by mean macro-F1 over the two valid splits.

Alternatively ``base_model`` (a hub id or local path of an encoder) skips steps 1-2.
Labels and data rules are in :mod:`models.training.emotion_data`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.training import common
from models.training.corpus import DEFAULT_DATA_DIR, lyrics_corpus, read_novels
from models.training.emotion_data import (
    KOTE_DIR,
    LABELS,
    Example,
    kote_splits,
    kote_texts,
    train_examples,
    valid_splits,
)
from models.training.emotion_report import (
    format_report,
    plot_confusion,
    report_predictions,
    rounded,
)

if TYPE_CHECKING:
    import numpy as np
    import torch
    from transformers import PreTrainedTokenizerBase, PreTrainedTokenizerFast

log = logging.getLogger(__name__)

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class EmotionTrainConfig:
    output_dir: Path
    data_dir: Path = DEFAULT_DATA_DIR
    base_model: str | None = None  # an encoder to fine-tune instead of pretraining our own
    # encoder shape (own pretraining only)
    vocab_size: int = 12000
    normalization: str = "nfc"  # "nfd" splits Hangul syllables into jamo before WordPiece
    hidden: int = 256
    layers: int = 6
    heads: int = 4
    intermediate: int = 1024
    max_len: int = 128
    dropout: float = 0.1
    # masked-LM pretraining
    pretrain_steps: int = 8000
    pretrain_batch: int = 256
    pretrain_lr: float = 7e-4
    pretrain_minutes: float | None = None
    mask_prob: float = 0.15  # share of tokens the masked-LM objective predicts
    mlm_kote_text: bool = False  # add KOTE's *texts* (never its labels) to the MLM corpus
    pretrain_only: bool = False  # save the masked-LM encoder + tokenizer (a later base_model)
    # fine-tuning
    epochs: float = 6.0
    batch_size: int = 64
    lr: float = 1.5e-4
    label_smoothing: float = 0.05
    evals_per_epoch: int = 2
    finetune_minutes: float | None = None
    rdrop: float = 0.0  # R-Drop: weight of the symmetric KL between two dropout passes
    ko_oversample: float = 1.0  # show each Korean training row this many times per epoch
    kote_train: bool = False  # train on KOTE val (mapped labels); KOTE test stays out of domain
    lexical_head: bool = True  # fit a Korean lexical head beside the model (emotion_head.py)
    select_min_en: float | None = None  # pick by Korean F1 among checkpoints with English >= this
    average_top: int = 1  # average the weights of the best N checkpoints (kept if it scores higher)
    # output / runtime
    fp16_weights: bool = False
    device: str = "auto"
    seed: int = 0


# --- tokenizer and pretraining text -------------------------------------------------------------


def pretraining_lines(data_dir: Path, examples: Sequence[Example]) -> list[str]:
    """Every line of training text: emotion train sentences, novels, poems and hymns."""
    lines = [e.text for e in examples]
    for doc in read_novels(data_dir) + lyrics_corpus(data_dir):
        lines.extend(line.strip() for line in doc.text.split("\n") if line.strip())
    return lines


def train_wordpiece(
    lines: Sequence[str], vocab_size: int, max_len: int, normalization: str = "nfc"
) -> PreTrainedTokenizerFast:
    """Lower-cased WordPiece without accent stripping.

    ``nfc`` keeps Hangul syllables whole; ``nfd`` decomposes them into jamo first, so pieces can
    follow Korean morphology (endings such as 았/었 share pieces across syllables).
    """
    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    if normalization not in ("nfc", "nfd"):
        raise ValueError(f"normalization must be nfc or nfd, not {normalization!r}")
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.NFD() if normalization == "nfd" else normalizers.NFC(),
            normalizers.BertNormalizer(
                lowercase=True, strip_accents=False, handle_chinese_chars=True
            ),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=SPECIAL_TOKENS,
        limit_alphabet=3000,
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer=trainer)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    log.info("trained WordPiece with %d tokens", tokenizer.get_vocab_size())
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=max_len,
    )


def pack_lines(
    ids: Sequence[list[int]], max_len: int, cls: int, sep: int, rng: random.Random
) -> list[list[int]]:
    """Shuffle tokenised lines and pack them as ``[CLS] a [SEP] b [SEP] ...`` up to max_len."""
    order = list(range(len(ids)))
    rng.shuffle(order)
    packed: list[list[int]] = []
    current = [cls]
    for i in order:
        piece = [*ids[i][: max_len - 2], sep]
        if len(current) + len(piece) > max_len:
            packed.append(current)
            current = [cls]
        current.extend(piece)
    if len(current) > 1:
        packed.append(current)
    return packed


def pad_batch(
    seqs: Sequence[Sequence[int]], pad: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    import torch

    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = torch.as_tensor(seq, dtype=torch.long)
    ids = ids.to(device, non_blocking=True)
    return ids, (ids != pad).long()


def mask_tokens(
    ids: torch.Tensor, is_special: torch.Tensor, mask_id: int, vocab: int, prob: float = 0.15
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT masking: of the chosen ``prob`` share, 80% [MASK], 10% random, 10% unchanged."""
    import torch

    labels = ids.clone()
    chosen = (torch.rand(ids.shape, device=ids.device) < prob) & ~is_special[ids]
    labels[~chosen] = -100
    inputs = ids.clone()
    roll = torch.rand(ids.shape, device=ids.device)
    inputs[chosen & (roll < 0.8)] = mask_id
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[swap] = torch.randint(vocab, ids.shape, device=ids.device)[swap]
    return inputs, labels


def mlm_loss(model: Any, inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Masked-LM loss with the vocabulary head run on the masked positions only (much cheaper)."""
    import torch.nn.functional as F

    hidden = model.bert(
        input_ids=inputs, attention_mask=(inputs != model.config.pad_token_id)
    ).last_hidden_state
    picked = labels != -100
    logits = model.cls(hidden[picked]).float()
    return F.cross_entropy(logits, labels[picked])


def build_encoder_config(cfg: EmotionTrainConfig, tokenizer: PreTrainedTokenizerBase) -> Any:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=cfg.hidden,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.intermediate,
        max_position_embeddings=cfg.max_len,
        hidden_dropout_prob=cfg.dropout,
        attention_probs_dropout_prob=cfg.dropout,
        pad_token_id=tokenizer.pad_token_id,
        type_vocab_size=1,
    )


def pretrain_mlm(
    cfg: EmotionTrainConfig,
    tokenizer: PreTrainedTokenizerBase,
    lines: Sequence[str],
    device: torch.device,
) -> tuple[Any, list[tuple[float, float]]]:
    """Masked-LM pretraining; returns the model and its (step, loss) curve."""
    import torch
    from tqdm.auto import tqdm
    from transformers import BertForMaskedLM

    model = BertForMaskedLM(build_encoder_config(cfg, tokenizer)).to(device)
    ids = tokenizer(list(lines), add_special_tokens=False, verbose=False)["input_ids"]
    is_special = torch.zeros(len(tokenizer), dtype=torch.bool, device=device)
    is_special[tokenizer.all_special_ids] = True
    rng = random.Random(cfg.seed)
    optimizer = common.make_optimizer(model, cfg.pretrain_lr, 0.01)
    warmup = max(1, min(500, cfg.pretrain_steps // 10))
    curve: list[tuple[float, float]] = []
    stream = _packed_batches(ids, cfg, tokenizer, rng)
    running, started = 0.0, time.monotonic()
    budget = cfg.pretrain_minutes * 60 if cfg.pretrain_minutes else None
    model.train()
    bar = tqdm(range(cfg.pretrain_steps), desc="emotion MLM", unit="step")
    for step in bar:
        for group in optimizer.param_groups:
            at = common.schedule_step(step, cfg.pretrain_steps, time.monotonic() - started, budget)
            group["lr"] = common.lr_at(at, cfg.pretrain_steps, cfg.pretrain_lr, warmup)
        batch = torch.from_numpy(next(stream)).to(device, non_blocking=True)
        inputs, labels = mask_tokens(
            batch, is_special, tokenizer.mask_token_id, len(tokenizer), cfg.mask_prob
        )
        with common.autocast(device):
            loss = mlm_loss(model, inputs, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if (step + 1) % 50 == 0 or step == 0:
            running = loss.item() if step == 0 else 0.8 * running + 0.2 * loss.item()
        if (step + 1) % max(1, cfg.pretrain_steps // 50) == 0:
            curve.append((step + 1, running))
            bar.set_postfix(mlm=f"{running:.3f}")
        if cfg.pretrain_minutes and time.monotonic() - started > cfg.pretrain_minutes * 60:
            log.info("MLM time budget reached at step %d", step + 1)
            break
    bar.close()
    log.info("MLM loss %.3f after %d steps", running, step + 1)
    return model, curve


def _packed_batches(
    ids: Sequence[list[int]],
    cfg: EmotionTrainConfig,
    tokenizer: PreTrainedTokenizerBase,
    rng: random.Random,
) -> Iterator[np.ndarray]:
    """Endless ``[batch, max_len]`` arrays of packed lines, re-shuffled every epoch."""
    import numpy as np

    while True:
        packed = pack_lines(ids, cfg.max_len, tokenizer.cls_token_id, tokenizer.sep_token_id, rng)
        array = np.full((len(packed), cfg.max_len), tokenizer.pad_token_id, dtype=np.int64)
        for row, seq in enumerate(packed):
            array[row, : len(seq)] = seq
        size = min(cfg.pretrain_batch, len(packed))
        for start in range(0, len(packed) - size + 1, size):
            yield array[start : start + size]


# --- fine-tuning --------------------------------------------------------------------------------


def classifier_from_mlm(mlm: Any) -> Any:
    from transformers import BertForSequenceClassification

    config = mlm.config
    config.num_labels = len(LABELS)
    config.id2label = dict(enumerate(LABELS))
    config.label2id = {name: i for i, name in enumerate(LABELS)}
    model = BertForSequenceClassification(config)
    missing, _ = model.bert.load_state_dict(mlm.bert.state_dict(), strict=False)
    log.info("encoder weights copied from MLM (new: %s)", ", ".join(missing) or "none")
    return model


def classifier_from_base(name: str) -> tuple[Any, Any]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(name)
    model = AutoModelForSequenceClassification.from_pretrained(
        name,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={n: i for i, n in enumerate(LABELS)},
        ignore_mismatched_sizes=True,
    )
    return model, tokenizer


def oversample_korean(
    examples: Sequence[Example], factor: float, rng: random.Random
) -> list[Example]:
    """Korean rows repeated ``factor`` times (a fractional part picks a random share once more);
    other rows once. ``factor`` < 1 keeps that share of the Korean rows."""
    if factor < 0:
        raise ValueError(f"ko_oversample must be >= 0, not {factor}")
    korean = [e for e in examples if e.lang == "ko"]
    out = [e for e in examples if e.lang != "ko"]
    whole, part = int(factor), factor - int(factor)
    out.extend(korean * whole)
    out.extend(rng.sample(korean, round(part * len(korean))))
    return out


def soft_targets(
    examples: Sequence[Example], smoothing: float, device: torch.device
) -> torch.Tensor:
    import torch

    n = len(LABELS)
    targets = torch.full((len(examples), n), smoothing / n)
    for row, ex in enumerate(examples):
        for label in ex.labels:
            targets[row, label] += (1 - smoothing) / len(ex.labels)
    return targets.to(device)


def encode_texts(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], max_len: int
) -> list[list[int]]:
    ids: list[list[int]] = tokenizer(
        list(texts), truncation=True, max_length=max_len, verbose=False
    )["input_ids"]
    return ids


def predict_ids(
    model: Any,
    tokenizer: PreTrainedTokenizerBase,
    ids: Sequence[list[int]],
    device: torch.device,
    batch_size: int = 256,
) -> torch.Tensor:
    """Class probabilities, in input order (batches sorted by length for speed)."""
    import torch

    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    probs = torch.empty((len(ids), model.config.num_labels))
    was_training = model.training
    model.eval()
    with torch.no_grad(), common.autocast(device):
        for chunk in common.batches(order, batch_size):
            batch, attention = pad_batch([ids[i] for i in chunk], tokenizer.pad_token_id, device)
            logits = model(input_ids=batch, attention_mask=attention).logits.float()
            probs[list(chunk)] = torch.softmax(logits, dim=-1).cpu()
    model.train(was_training)
    return probs


def evaluate_split(
    model: Any,
    tokenizer: PreTrainedTokenizerBase,
    examples: Sequence[Example],
    max_len: int,
    device: torch.device,
) -> dict[str, Any]:
    """Any-match report, plus macro-F1 on the single-label rows alone (strict)."""
    ids = encode_texts(tokenizer, [e.text for e in examples], max_len)
    pred = predict_ids(model, tokenizer, ids, device).argmax(dim=-1).tolist()
    return report_predictions(examples, pred)


def selection_score(reports: dict[str, dict[str, Any]], min_en: float | None) -> float:
    """Mean valid macro-F1; or, with ``min_en``, Korean macro-F1 among checkpoints whose English
    macro-F1 reaches ``min_en`` (those that miss it rank below all that reach it)."""
    if min_en is None or "ko_single_turn" not in reports or "goemotions_ekman" not in reports:
        return sum(float(r["macro_f1"]) for r in reports.values()) / max(1, len(reports))
    ko = float(reports["ko_single_turn"]["macro_f1"])
    return ko if reports["goemotions_ekman"]["macro_f1"] >= min_en else ko - 1.0


def average_states(states: Sequence[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """Uniform average of several state dicts (floating tensors; others from the first)."""
    averaged = {}
    for key, first in states[0].items():
        if first.is_floating_point():
            averaged[key] = sum((s[key].float() for s in states[1:]), first.float()) / len(states)
            averaged[key] = averaged[key].to(first.dtype)
        else:
            averaged[key] = first.clone()
    return averaged


def classification_loss(
    model: Any,
    batch: torch.Tensor,
    attention: torch.Tensor,
    target: torch.Tensor,
    device: torch.device,
    rdrop: float,
) -> torch.Tensor:
    """Soft-target cross-entropy; with ``rdrop`` > 0 two dropout passes plus their symmetric KL."""
    import torch

    passes = 2 if rdrop > 0 else 1
    with common.autocast(device):
        logits = model(
            input_ids=batch.repeat(passes, 1), attention_mask=attention.repeat(passes, 1)
        ).logits.float()
    logp = torch.log_softmax(logits, dim=-1)
    loss = -(target.repeat(passes, 1) * logp).sum(dim=-1).mean()
    if passes == 2:
        p1, p2 = logp.chunk(2)
        kl = (p1.exp() * (p1 - p2)).sum(-1) + (p2.exp() * (p2 - p1)).sum(-1)
        loss = loss + rdrop * 0.5 * kl.mean()
    return loss


def finetune(
    model: Any,
    tokenizer: PreTrainedTokenizerBase,
    cfg: EmotionTrainConfig,
    train: Sequence[Example],
    valid: dict[str, list[Example]],
    device: torch.device,
) -> tuple[Any, dict[str, list[tuple[float, float]]], dict[str, Any]]:
    """Joint fine-tuning; keeps the weights with the best valid score (:func:`selection_score`),
    or the average of the best ``average_top`` checkpoints when that scores higher."""
    import torch
    from tqdm.auto import tqdm

    model.to(device).train()
    ids = encode_texts(tokenizer, [e.text for e in train], cfg.max_len)
    targets = soft_targets(train, cfg.label_smoothing, torch.device("cpu"))
    steps_per_epoch = max(1, len(train) // cfg.batch_size)
    total = max(1, int(cfg.epochs * steps_per_epoch))
    eval_every = max(1, steps_per_epoch // cfg.evals_per_epoch)
    optimizer = common.make_optimizer(model, cfg.lr, 0.01)
    warmup = max(1, total // 16)
    rng = random.Random(cfg.seed)
    curves: dict[str, list[tuple[float, float]]] = {"train loss": []}
    curves.update({f"{name} macro-F1": [] for name in valid})
    kept: list[tuple[float, int, dict[str, torch.Tensor], dict[str, Any]]] = []
    order: list[int] = []
    running, started = 0.0, time.monotonic()
    budget = cfg.finetune_minutes * 60 if cfg.finetune_minutes else None

    def evaluate() -> tuple[float, dict[str, Any]]:
        reports = {
            n: evaluate_split(model, tokenizer, ex, cfg.max_len, device) for n, ex in valid.items()
        }
        return selection_score(reports, cfg.select_min_en), reports

    for step in tqdm(range(total), desc="emotion fine-tune", unit="step"):
        if not order:
            order = list(range(len(train)))
            rng.shuffle(order)
        chunk, order = order[: cfg.batch_size], order[cfg.batch_size :]
        for group in optimizer.param_groups:
            at = common.schedule_step(step, total, time.monotonic() - started, budget)
            group["lr"] = common.lr_at(at, total, cfg.lr, warmup)
        batch, attention = pad_batch([ids[i] for i in chunk], tokenizer.pad_token_id, device)
        target = targets[chunk].to(device)
        loss = classification_loss(model, batch, attention, target, device, cfg.rdrop)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step % 20 == 0:
            running = loss.item() if step == 0 else 0.7 * running + 0.3 * loss.item()
        out_of_time = bool(
            cfg.finetune_minutes and time.monotonic() - started > cfg.finetune_minutes * 60
        )
        if (step + 1) % eval_every == 0 or step == total - 1 or out_of_time:
            curves["train loss"].append((step + 1, running))
            score, reports = evaluate()
            for name, rep in reports.items():
                curves[f"{name} macro-F1"].append((step + 1, rep["macro_f1"]))
            log.info(
                "step %d: loss %.3f, %s",
                step + 1,
                running,
                ", ".join(f"{n} F1 {r['macro_f1']:.4f}" for n, r in reports.items()),
            )
            state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
            kept.append((score, step + 1, state, reports))
            kept.sort(key=lambda item: item[0], reverse=True)
            del kept[max(1, cfg.average_top) :]
        if out_of_time:
            log.info("fine-tuning time budget reached at step %d", step + 1)
            break
    if not kept:
        return model, curves, {}
    best_score, best_step, best_state, best_reports = kept[0]
    log.info("best checkpoint: step %d (score %.4f)", best_step, best_score)
    if len(kept) > 1:
        model.load_state_dict(average_states([state for _, _, state, _ in kept]))
        score, reports = evaluate()
        log.info(
            "average of %d checkpoints (steps %s): score %.4f",
            len(kept),
            ", ".join(str(s) for _, s, _, _ in kept),
            score,
        )
        if score >= best_score:
            return model, curves, reports
    model.load_state_dict(best_state)
    return model, curves, best_reports


# --- entry points -------------------------------------------------------------------------------


def train_emotion(cfg: EmotionTrainConfig) -> dict[str, Any]:
    """Pretrain (or load) an encoder, fine-tune, evaluate, save; returns ``metrics.json``."""
    common.set_seed(cfg.seed)
    device = common.pick_device(cfg.device)
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    train = train_examples(cfg.data_dir)
    valid = valid_splits(cfg.data_dir)
    ood = kote_splits(cfg.data_dir)
    if cfg.kote_train:
        if "kote_val" not in ood:
            raise FileNotFoundError(f"--kote-train needs {Path(cfg.data_dir) / KOTE_DIR}/val.tsv")
        train = train + ood.pop("kote_val")
    started = time.monotonic()
    mlm_curve: list[tuple[float, float]] = []
    if cfg.base_model is None:
        lines = pretraining_lines(cfg.data_dir, train)
        if cfg.mlm_kote_text:
            lines += kote_texts(cfg.data_dir)
        tokenizer = train_wordpiece(lines, cfg.vocab_size, cfg.max_len, cfg.normalization)
        mlm, mlm_curve = pretrain_mlm(cfg, tokenizer, lines, device)
        if cfg.pretrain_only:
            return _save_pretrained_only(cfg, out, mlm, tokenizer, mlm_curve, started, device)
        model = classifier_from_mlm(mlm.to("cpu"))
        del mlm
    else:
        model, tokenizer = classifier_from_base(cfg.base_model)
    pretrain_seconds = time.monotonic() - started
    shown = oversample_korean(train, cfg.ko_oversample, random.Random(cfg.seed))
    model, curves, reports = finetune(model, tokenizer, cfg, shown, valid, device)
    reports.update(
        {n: evaluate_split(model, tokenizer, ex, cfg.max_len, device) for n, ex in ood.items()}
    )
    for name, report in reports.items():
        log.info("%s", format_report(name, report))
        plot_confusion(report["confusion"], out / f"confusion_{name}.png", name)
    if mlm_curve:
        common.plot_curves({"masked-LM": mlm_curve}, out / "mlm_curve.png", "pretraining loss")
    common.plot_curves(curves, out / "finetune_curve.png", "fine-tuning", ylabel="loss / F1")
    metrics = {
        "splits": {n: rounded(r) for n, r in reports.items()},
        "parameters": sum(p.numel() for p in model.parameters()),
        "device": common.device_name(device),
        "pretrain_seconds": round(pretrain_seconds, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
    }
    common.save_model(model, out, fp16=cfg.fp16_weights)
    tokenizer.save_pretrained(out)
    common.write_json(out / "metrics.json", metrics)
    if cfg.lexical_head:
        from models.training.emotion_head import train_emotion_head

        metrics = train_emotion_head(out, cfg.data_dir, device=cfg.device)
    return metrics


def _save_pretrained_only(
    cfg: EmotionTrainConfig,
    out: Path,
    mlm: Any,
    tokenizer: PreTrainedTokenizerBase,
    curve: list[tuple[float, float]],
    started: float,
    device: torch.device,
) -> dict[str, Any]:
    """Save the masked-LM encoder (fp32) and tokenizer, for fine-tuning via ``base_model``."""
    common.plot_curves({"masked-LM": curve}, out / "mlm_curve.png", "pretraining loss")
    common.save_model(mlm, out, fp16=False)
    tokenizer.save_pretrained(out)
    metrics = {
        "mlm_curve": curve,
        "parameters": sum(p.numel() for p in mlm.parameters()),
        "device": common.device_name(device),
        "pretrain_seconds": round(time.monotonic() - started, 1),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
    }
    common.write_json(out / "pretrain_metrics.json", metrics)
    return metrics
