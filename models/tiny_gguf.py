"""A tiny Gemma 3 GGUF file, written with the ``gguf`` package, for tests of the preparing code.

Same layout as the real default model's file (architecture ``gemma3``, SentencePiece-style
``llama`` tokenizer with byte fallback, the same special ids: pad 0, eos 1, bos 2, unk 3), but
two blocks of width 64 and a vocabulary of about a thousand pieces chosen to exercise the
language filter: Hangul syllables and words, English words, punctuation, digits, newlines, and
pieces that must never be written (Chinese characters, markup, byte pieces).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

SPECIALS = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"]
KO_WORDS = [
    "비",
    "우산",
    "바다",
    "하늘",
    "바람",
    "노래",
    "사랑",
    "밤",
    "눈",
    "꽃",
    "길",
    "마음",
    "오늘",
    "민지",
    "골목",
    "편지",
    "집",
    "아침",
    "저녁",
    "별",
    "그는",
    "그녀는",
    "나는",
    "우리는",
    "했다",
    "있었다",
    "보았다",
    "걸었다",
    "웃었다",
    "울었다",
    "왔다",
    "갔다",
    "불었다",
    "내렸다",
    "을",
    "를",
    "이",
    "가",
    "은",
    "는",
    "에",
    "에서",
    "의",
    "도",
    "로",
    "와",
    "과",
    "다",
    "요",
]
EN_WORDS = [
    "the",
    "a",
    "an",
    "and",
    "of",
    "to",
    "in",
    "on",
    "at",
    "was",
    "were",
    "is",
    "are",
    "she",
    "he",
    "they",
    "it",
    "her",
    "his",
    "rain",
    "sea",
    "sky",
    "wind",
    "song",
    "night",
    "light",
    "road",
    "heart",
    "door",
    "home",
    "walked",
    "said",
    "looked",
    "stood",
    "came",
    "went",
    "lantern",
    "storm",
    "umbrella",
    "old",
    "little",
    "quiet",
]
PUNCT = [".", ",", "!", "?", "…", "'", '"', "“", "”", "(", ")", "-", ":", ";"]
FORBIDDEN = ["雨", "海", "愛", "<div>", "</span>", "http", "@", "#", "[", "]", "{", "}"]
VOCAB_SIZE = 1024


def tiny_vocabulary(size: int = VOCAB_SIZE) -> tuple[list[str], list[int]]:
    """Tokens and their GGUF token types (1 normal, 2 unknown, 3 control, 6 byte)."""
    tokens: list[str] = list(SPECIALS)
    types = [3, 3, 3, 2, 3]
    tokens += ["\n", "\n\n", "▁"]
    types += [1, 1, 1]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [6] * 256
    pieces: list[str] = []
    pieces += [f"▁{w}" for w in KO_WORDS] + KO_WORDS
    pieces += [f"▁{w}" for w in EN_WORDS] + EN_WORDS
    pieces += PUNCT + [f"▁{p}" for p in ("(", '"', "“")]
    pieces += [str(d) for d in range(10)] + ["▁1", "▁2"]
    pieces += FORBIDDEN
    pieces += [chr(c) for c in range(ord("a"), ord("z") + 1)]
    pieces += [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    # common Hangul syllables fill the rest
    syllable = 0xAC00
    seen = set(tokens)
    for piece in pieces:
        if piece not in seen:
            tokens.append(piece)
            types.append(1)
            seen.add(piece)
    while len(tokens) < size:
        ch = chr(syllable)
        syllable += 7
        if ch not in seen:
            tokens.append(ch)
            types.append(1)
            seen.add(ch)
    return tokens[:size], types[:size]


def write_tiny_gemma_gguf(
    path: Path, *, width: int = 64, blocks: int = 2, seed: int = 0
) -> tuple[Path, str]:
    """Write the file; returns its path and SHA-256."""
    from gguf import GGUFWriter

    rng = np.random.default_rng(seed)
    tokens, types = tiny_vocabulary()
    vocab = len(tokens)
    heads, kv_heads, head_dim, ffn = 2, 1, 32, 128
    writer = GGUFWriter(str(path), "gemma3")
    writer.add_name("tiny gemma3 for tests")
    writer.add_context_length(512)
    writer.add_embedding_length(width)
    writer.add_block_count(blocks)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_rope_freq_base(10000.0)
    writer.add_sliding_window(64)
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    # scores: earlier pieces are preferred merges, as in a real SentencePiece vocabulary
    writer.add_token_scores([-float(i) for i in range(vocab)])
    writer.add_token_types(types)
    writer.add_bos_token_id(2)
    writer.add_eos_token_id(1)
    writer.add_unk_token_id(3)
    writer.add_pad_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)

    def weight(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.05).astype(np.float32)

    def norm(size: int) -> np.ndarray:
        return np.ones(size, dtype=np.float32)

    writer.add_tensor("token_embd.weight", weight(vocab, width))
    writer.add_tensor("output_norm.weight", norm(width))
    for b in range(blocks):
        p = f"blk.{b}."
        writer.add_tensor(p + "attn_q.weight", weight(heads * head_dim, width))
        writer.add_tensor(p + "attn_k.weight", weight(kv_heads * head_dim, width))
        writer.add_tensor(p + "attn_v.weight", weight(kv_heads * head_dim, width))
        writer.add_tensor(p + "attn_output.weight", weight(width, heads * head_dim))
        writer.add_tensor(p + "attn_q_norm.weight", norm(head_dim))
        writer.add_tensor(p + "attn_k_norm.weight", norm(head_dim))
        writer.add_tensor(p + "attn_norm.weight", norm(width))
        writer.add_tensor(p + "post_attention_norm.weight", norm(width))
        writer.add_tensor(p + "ffn_norm.weight", norm(width))
        writer.add_tensor(p + "post_ffw_norm.weight", norm(width))
        writer.add_tensor(p + "ffn_gate.weight", weight(ffn, width))
        writer.add_tensor(p + "ffn_up.weight", weight(ffn, width))
        writer.add_tensor(p + "ffn_down.weight", weight(width, ffn))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return path, digest
