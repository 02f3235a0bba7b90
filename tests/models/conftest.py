"""Fixtures for explorer.models: tiny checkpoints built in tmp_path (random weights, real formats).

tiny_bert_dir   a Hugging Face BERT folder: config.json, model.safetensors (float32, as HF saves
                them, with the real key names) and a WordPiece tokenizer.json that pads every text
                to 128 with [PAD], as all-MiniLM-L6-v2's does.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

# ---------------------------------------------------------------------------------------------
# BERT
# ---------------------------------------------------------------------------------------------

TINY_BERT = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64,
             "max_position_embeddings": 64, "type_vocab_size": 2}

BERT_SENTENCES = [
    "The animal didn't cross the street because it was too tired.",
    "The cat sat on the mat and the dog sat on the log.",
    "Attention is all you need, said the paper about transformers.",
    "A quick brown fox jumps over the lazy dog near the river bank.",
    "Words become tokens, tokens become vectors, vectors attend to each other.",
    "She sells sea shells by the sea shore every sunny morning.",
]


@lru_cache(maxsize=1)
def _trained_wordpiece(vocab_size: int) -> str:
    """Trained once per session (training may number the vocabulary differently each time, and
    two folders of one test must share their ids), as JSON."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=special, min_frequency=1,
                                        show_progress=False)
    tok.train_from_iterator(BERT_SENTENCES, trainer)
    return tok.to_str()


def build_bert_tokenizer(vocab_size: int = 200, pad_to: int | None = 128):
    """A WordPiece tokenizer as BERT's: normaliser, pre-tokeniser, [CLS] $A [SEP] template and,
    like all-MiniLM-L6-v2's tokenizer.json, padding to a fixed length (the trap to avoid)."""
    from tokenizers import Tokenizer, processors

    tok = Tokenizer.from_str(_trained_wordpiece(vocab_size))
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    if pad_to:
        tok.enable_padding(length=pad_to, pad_id=tok.token_to_id("[PAD]"), pad_token="[PAD]")
        tok.enable_truncation(max_length=pad_to)
    return tok


def bert_tensors(vocab: int, cfg: dict, seed: int = 0, prefix: str = "", old_ln: bool = False) -> dict:
    """Random float32 weights under the real HF BERT key names; Linear weights stored (out, in)."""
    rng = np.random.default_rng(seed)
    d, d_ff = cfg["hidden_size"], cfg["intermediate_size"]

    def r(*shape: int, scale: float = 0.2) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    g, b = ("gamma", "beta") if old_ln else ("weight", "bias")

    def ln(name: str) -> dict:
        return {f"{name}.{g}": (1.0 + r(d, scale=0.1)), f"{name}.{b}": r(d, scale=0.1)}

    t = {
        "embeddings.word_embeddings.weight": r(vocab, d, scale=1.0),
        "embeddings.position_embeddings.weight": r(cfg["max_position_embeddings"], d, scale=0.5),
        "embeddings.token_type_embeddings.weight": r(cfg["type_vocab_size"], d, scale=0.5),
        "embeddings.position_ids": np.arange(cfg["max_position_embeddings"], dtype=np.int64)[None],
        **ln("embeddings.LayerNorm"),
    }
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            t[f"{p}attention.self.{name}.weight"] = r(d, d, scale=0.4)  # large enough for peaked rows
            t[f"{p}attention.self.{name}.bias"] = r(d, scale=0.1)
        t[f"{p}attention.output.dense.weight"] = r(d, d)
        t[f"{p}attention.output.dense.bias"] = r(d, scale=0.1)
        t.update(ln(f"{p}attention.output.LayerNorm"))
        t[f"{p}intermediate.dense.weight"] = r(d_ff, d)
        t[f"{p}intermediate.dense.bias"] = r(d_ff, scale=0.1)
        t[f"{p}output.dense.weight"] = r(d, d_ff)
        t[f"{p}output.dense.bias"] = r(d, scale=0.1)
        t.update(ln(f"{p}output.LayerNorm"))
    t["pooler.dense.weight"] = r(d, d)  # present in BertModel checkpoints, unused here
    t["pooler.dense.bias"] = r(d)
    return {prefix + k: v for k, v in t.items()}


def write_bert_dir(folder: Path, *, seed: int = 0, prefix: str = "", old_ln: bool = False,
                   pad_to: int | None = 128, config: dict | None = None) -> Path:
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    tok = build_bert_tokenizer(pad_to=pad_to)
    vocab = tok.get_vocab_size()
    cfg = {"model_type": "bert", "architectures": ["BertModel"], "hidden_act": "gelu", "layer_norm_eps": 1e-12,
           "vocab_size": vocab, "position_embedding_type": "absolute", **TINY_BERT, **(config or {})}
    (folder / "config.json").write_text(json.dumps(cfg, indent=2), encoding="utf-8")
    save_file(bert_tensors(vocab, cfg, seed=seed, prefix=prefix, old_ln=old_ln), str(folder / "model.safetensors"))
    tok.save(str(folder / "tokenizer.json"))
    return folder


@pytest.fixture
def tiny_bert_dir(tmp_path: Path) -> Path:
    """A tiny BERT folder (d_model 32, 2 layers, 4 heads, d_ff 64, 64 positions)."""
    return write_bert_dir(tmp_path / "tiny-bert")


@pytest.fixture
def make_bert_dir(tmp_path: Path):
    """A factory: make_bert_dir(name, seed=, prefix="bert.", old_ln=True, pad_to=None, config={...})."""

    def make(name: str = "bert", **kw) -> Path:
        return write_bert_dir(tmp_path / name, **kw)

    return make
