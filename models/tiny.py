"""Tiny, randomly initialised models for tests and benchmarks, built in seconds on a CPU.

They are saved exactly like real models (config.json, model.safetensors, tokenizer.json) so that
they load through the same code path as a hub id or the bundled starters.
"""

from __future__ import annotations

from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedTokenizerFast,
)

from contract.emotions import EMOTIONS

SAMPLE_TEXT = [
    "오늘은 비가 와서 마음이 조금 슬펐다. 그래도 친구가 웃어 주었다.",
    "우리는 바닷가를 걸으며 오래된 노래를 불렀다.",
    "The night was quiet and the river sang an old song.",
    "She opened the door and the whole story began again.",
    "기쁨과 슬픔이 함께 오는 날도 있다. 나는 편지를 썼다.",
    "A happy voice, an angry storm, a fearful child, a sudden surprise.",
]

SPECIAL = ["<|endoftext|>", "<pad>"]


def train_tokenizer(
    texts: list[str] | None = None, vocab_size: int = 400
) -> PreTrainedTokenizerFast:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator((texts or SAMPLE_TEXT) * 4, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        pad_token="<pad>",
    )


def build_tiny_gpt2(out: Path, *, layers: int = 2, width: int = 32, seed: int = 0) -> Path:
    torch.manual_seed(seed)
    tok = train_tokenizer()
    config = GPT2Config(
        vocab_size=len(tok),
        n_positions=256,
        n_embd=width,
        n_layer=layers,
        n_head=2,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    GPT2LMHeadModel(config).save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    return out


def build_tiny_classifier(out: Path, *, seed: int = 0) -> Path:
    torch.manual_seed(seed)
    tok = train_tokenizer()
    config = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
        num_labels=len(EMOTIONS),
        id2label=dict(enumerate(EMOTIONS)),
        label2id={name: i for i, name in enumerate(EMOTIONS)},
        pad_token_id=tok.pad_token_id,
    )
    BertForSequenceClassification(config).save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    return out
