"""Builders for tiny random causal LMs (no downloads) and float64 references written from the papers.

Imported by test_llama_gguf.py and test_gpt2.py (tests/ is not a package: they put this folder on
sys.path). Every builder returns the weights it wrote in Hugging Face layout, so the references
never read the files the code under test reads.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "Attention is all you need: queries, keys and values.",
    "The capital of France is Paris, and 2024 had 366 days.",
    "Transformers read text as tokens; each head attends to earlier tokens.",
    "Hello world! Héllo wörld, naïve café. 12345 67890",
    "def f(x):\n    return x * 2\n",
] * 4


def train_byte_bpe(vocab_size: int, specials: list[str], digits: bool) -> Any:
    """A byte-level BPE tokenizer trained on CORPUS (every byte is in the vocabulary)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.pre_tokenizer = (pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])
                         if digits else byte_level)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    return tok


def vocab_and_merges(tok: Any) -> tuple[list[str], list[str]]:
    model = json.loads(tok.to_str())["model"]
    vocab = sorted(model["vocab"].items(), key=lambda kv: kv[1])
    tokens = [t for t, _ in vocab]
    assert [i for _, i in vocab] == list(range(len(tokens)))
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    return tokens, merges


# ---------------------------------------------------------------- Llama (GGUF)

LLAMA = dict(d=96, h=6, kv=2, d_ff=128, n_layers=2, theta=10000.0, eps=1e-5)


def permute_for_gguf(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's convert_hf_to_gguf permute: HF rows (half, i) of each head -> GGUF rows (i, half),
    so the rotate-half pairs (i, i + d_k/2) become adjacent rows (2i, 2i+1)."""
    out_dim = w.shape[0]
    return w.reshape(n_head, 2, out_dim // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def unpermute_from_gguf(w: np.ndarray, n_head: int) -> np.ndarray:
    out_dim = w.shape[0]
    return w.reshape(n_head, out_dim // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def build_llama_gguf(path: Path, *, qtype: str = "F32", add_bos: bool = False, seed: int = 0, arch: str = "llama",
                     tied: bool = True, pre: str = "smollm") -> tuple[dict[str, np.ndarray], Any]:
    """Write a tiny random Llama GGUF; returns (HF-layout float64 weights as the file holds them, tokenizer)."""
    import gguf
    from gguf.quants import dequantize, quantize

    c = LLAMA
    d, h, kv, d_ff, L = c["d"], c["h"], c["kv"], c["d_ff"], c["n_layers"]
    d_k = d // h
    tok = train_byte_bpe(320, ["<|endoftext|>", "<|im_start|>", "<s>"], digits=pre == "smollm")
    tokens, merges = vocab_and_merges(tok)
    V = len(tokens)
    rng = np.random.default_rng(seed)

    def mat(out: int, inp: int, s: float = 1.0) -> np.ndarray:
        return (rng.standard_normal((out, inp)) * s / math.sqrt(inp)).astype(np.float32)

    hf: dict[str, np.ndarray] = {"embed": rng.standard_normal((V, d)).astype(np.float32)}
    for i in range(L):
        hf[f"{i}.attn_norm"] = (1 + 0.1 * rng.standard_normal(d)).astype(np.float32)
        hf[f"{i}.q"] = mat(d, d, 2.0)
        hf[f"{i}.k"] = mat(kv * d_k, d, 2.0)
        hf[f"{i}.v"] = mat(kv * d_k, d)
        hf[f"{i}.o"] = mat(d, d)
        hf[f"{i}.ffn_norm"] = (1 + 0.1 * rng.standard_normal(d)).astype(np.float32)
        hf[f"{i}.gate"] = mat(d_ff, d)
        hf[f"{i}.up"] = mat(d_ff, d)
        hf[f"{i}.down"] = mat(d, d_ff)
    hf["output_norm"] = (1 + 0.1 * rng.standard_normal(d)).astype(np.float32)
    if not tied:
        hf["output"] = mat(V, d)

    w = gguf.GGUFWriter(str(path), arch)
    w.add_block_count(L)
    w.add_context_length(512)
    w.add_embedding_length(d)
    w.add_feed_forward_length(d_ff)
    w.add_head_count(h)
    w.add_head_count_kv(kv)
    w.add_rope_freq_base(c["theta"])
    w.add_rope_dimension_count(d_k)
    w.add_layer_norm_rms_eps(c["eps"])
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(pre)
    w.add_token_list(tokens)
    w.add_token_merges(merges)
    w.add_token_types([3 if t in ("<|endoftext|>", "<|im_start|>", "<s>") else 1 for t in tokens])
    w.add_bos_token_id(tokens.index("<s>"))
    w.add_eos_token_id(tokens.index("<|endoftext|>"))
    w.add_add_bos_token(add_bos)

    q = getattr(gguf.GGMLQuantizationType, qtype)
    stored: dict[str, np.ndarray] = {}

    def put(name: str, a: np.ndarray, key: str, permute_heads: int = 0) -> None:
        arr = permute_for_gguf(a, permute_heads) if permute_heads else a
        if a.ndim == 2 and qtype != "F32":
            raw = quantize(arr, q)
            w.add_tensor(name, raw, raw_dtype=q)
            back = dequantize(raw, q)
        else:
            w.add_tensor(name, arr)
            back = arr
        stored[key] = (unpermute_from_gguf(back, permute_heads) if permute_heads else back).astype(np.float64)

    put("token_embd.weight", hf["embed"], "embed")
    for i in range(L):
        b = f"blk.{i}."
        put(b + "attn_norm.weight", hf[f"{i}.attn_norm"], f"{i}.attn_norm")
        put(b + "attn_q.weight", hf[f"{i}.q"], f"{i}.q", h)
        put(b + "attn_k.weight", hf[f"{i}.k"], f"{i}.k", kv)
        put(b + "attn_v.weight", hf[f"{i}.v"], f"{i}.v")
        put(b + "attn_output.weight", hf[f"{i}.o"], f"{i}.o")
        put(b + "ffn_norm.weight", hf[f"{i}.ffn_norm"], f"{i}.ffn_norm")
        put(b + "ffn_gate.weight", hf[f"{i}.gate"], f"{i}.gate")
        put(b + "ffn_up.weight", hf[f"{i}.up"], f"{i}.up")
        put(b + "ffn_down.weight", hf[f"{i}.down"], f"{i}.down")
    put("output_norm.weight", hf["output_norm"], "output_norm")
    if not tied:
        put("output.weight", hf["output"], "output")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return stored, tok


def _softmax_rows(z: np.ndarray) -> np.ndarray:
    out = np.zeros_like(z)
    for r in range(z.shape[0]):
        row = z[r]
        finite = np.isfinite(row)
        e = np.exp(row[finite] - row[finite].max())
        out[r, finite] = e / e.sum()
    return out


def rope_rotate_half(x: np.ndarray, theta: float) -> np.ndarray:
    """HF Llama's RoPE on one head, x (n, d_k): pairs (i, i + d_k/2), angle pos * theta^(-2i/d_k)."""
    n, d_k = x.shape
    half = d_k // 2
    out = np.empty_like(x)
    for pos in range(n):
        for i in range(half):
            a = pos * theta ** (-2.0 * i / d_k)
            x0, x1 = x[pos, i], x[pos, i + half]
            out[pos, i] = x0 * math.cos(a) - x1 * math.sin(a)
            out[pos, i + half] = x0 * math.sin(a) + x1 * math.cos(a)
    return out


def rope_adjacent_ref(x: np.ndarray, theta: float) -> np.ndarray:
    """RoFormer's RoPE on one head, x (n, d_k): pairs (2i, 2i+1), angle pos * theta^(-2i/d_k)."""
    n, d_k = x.shape
    out = np.empty_like(x)
    for pos in range(n):
        for i in range(d_k // 2):
            a = pos * theta ** (-2.0 * i / d_k)
            x0, x1 = x[pos, 2 * i], x[pos, 2 * i + 1]
            out[pos, 2 * i] = x0 * math.cos(a) - x1 * math.sin(a)
            out[pos, 2 * i + 1] = x0 * math.sin(a) + x1 * math.cos(a)
    return out


def llama_reference(w: dict[str, np.ndarray], ids: list[int], rope: str = "hf") -> dict[str, Any]:
    """Llama in float64 from the equations, head by head, on HF-layout weights (rope="hf": rotate
    half). rope="wrong" feeds the GGUF-permuted Q/K rows to the rotate-half form (the trap)."""
    c = LLAMA
    d, h, kv, L, theta, eps = c["d"], c["h"], c["kv"], c["n_layers"], c["theta"], c["eps"]
    d_k = d // h
    n = len(ids)

    def rms(x: np.ndarray, g: np.ndarray) -> np.ndarray:
        return np.stack([row / math.sqrt(float(np.mean(row ** 2)) + eps) * g for row in x])

    stream = w["embed"][ids].copy()
    layers = []
    for i in range(L):
        x = rms(stream, w[f"{i}.attn_norm"])
        wq, wk = w[f"{i}.q"], w[f"{i}.k"]
        if rope == "wrong":
            wq, wk = permute_for_gguf(wq, h), permute_for_gguf(wk, kv)
        q, k, v = x @ wq.T, x @ wk.T, x @ w[f"{i}.v"].T
        A = np.zeros((h, n, n))
        heads = []
        for hd in range(h):
            g = hd // (h // kv)  # grouped-query attention: K/V head of this query head
            qh = rope_rotate_half(q[:, hd * d_k:(hd + 1) * d_k], theta)
            kh = rope_rotate_half(k[:, g * d_k:(g + 1) * d_k], theta)
            s = qh @ kh.T / math.sqrt(d_k)
            s[np.triu_indices(n, 1)] = -np.inf
            A[hd] = _softmax_rows(s)
            heads.append(A[hd] @ v[:, g * d_k:(g + 1) * d_k])
        attn_out = np.concatenate(heads, axis=1) @ w[f"{i}.o"].T
        layers.append({"x": x, "weights": A, "output": attn_out})
        stream = stream + attn_out
        x2 = rms(stream, w[f"{i}.ffn_norm"])
        gate, up = x2 @ w[f"{i}.gate"].T, x2 @ w[f"{i}.up"].T
        stream = stream + (gate / (1 + np.exp(-gate)) * up) @ w[f"{i}.down"].T
    final = rms(stream[-1:], w["output_norm"])[0]
    logits = w.get("output", w["embed"]) @ final
    return {"layers": layers, "logits": logits}


# ---------------------------------------------------------------- GPT-2 (HF folder)

GPT2 = dict(d=32, h=4, n_layers=2, n_pos=300, eps=1e-5)


def build_gpt2_dir(folder: Path, *, prefix: str = "transformer.", seed: int = 1, drop: str | None = None,
                   n_pos: int | None = None) -> tuple[dict[str, np.ndarray], Any]:
    """Write a tiny random GPT-2 folder; returns (float64 weights without prefix, tokenizer)."""
    from safetensors.numpy import save_file

    c = GPT2
    d, L = c["d"], c["n_layers"]
    n_pos = n_pos or c["n_pos"]
    folder.mkdir(parents=True, exist_ok=True)
    tok = train_byte_bpe(300, ["<|endoftext|>"], digits=False)
    tok.save(str(folder / "tokenizer.json"))
    V = tok.get_vocab_size()
    rng = np.random.default_rng(seed)

    def r(*shape: int, s: float = 0.2) -> np.ndarray:
        return (rng.standard_normal(shape) * s).astype(np.float32)

    t: dict[str, np.ndarray] = {"wte.weight": r(V, d, s=0.5), "wpe.weight": r(n_pos, d, s=0.3)}
    for i in range(L):
        b = f"h.{i}."
        t[b + "ln_1.weight"] = 1 + r(d, s=0.1)
        t[b + "ln_1.bias"] = r(d, s=0.1)
        t[b + "attn.c_attn.weight"] = r(d, 3 * d, s=0.4)
        t[b + "attn.c_attn.bias"] = r(3 * d, s=0.1)
        t[b + "attn.c_proj.weight"] = r(d, d)
        t[b + "attn.c_proj.bias"] = r(d, s=0.05)
        t[b + "ln_2.weight"] = 1 + r(d, s=0.1)
        t[b + "ln_2.bias"] = r(d, s=0.1)
        t[b + "mlp.c_fc.weight"] = r(d, 4 * d)
        t[b + "mlp.c_fc.bias"] = r(4 * d, s=0.05)
        t[b + "mlp.c_proj.weight"] = r(4 * d, d)
        t[b + "mlp.c_proj.bias"] = r(d, s=0.05)
        t[b + "attn.bias"] = np.tril(np.ones((n_pos, n_pos), dtype=np.float32))[None, None]  # the old mask buffer
    t["ln_f.weight"] = 1 + r(d, s=0.1)
    t["ln_f.bias"] = r(d, s=0.1)
    files = {prefix + k: v for k, v in t.items() if k != drop}
    save_file(files, str(folder / "model.safetensors"))
    config = {"model_type": "gpt2", "n_layer": L, "n_head": c["h"], "n_embd": d, "n_positions": n_pos,
              "vocab_size": V, "layer_norm_epsilon": c["eps"], "activation_function": "gelu_new"}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return {k: v.astype(np.float64) for k, v in t.items()}, tok


def gpt2_reference(t: dict[str, np.ndarray], ids: list[int]) -> dict[str, Any]:
    """GPT-2 in float64 from the equations, head by head."""
    c = GPT2
    d, h, L, eps = c["d"], c["h"], c["n_layers"], c["eps"]
    d_k = d // h
    n = len(ids)

    def ln(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        for r in range(x.shape[0]):
            mu = x[r].mean()
            var = ((x[r] - mu) ** 2).mean()
            out[r] = (x[r] - mu) / math.sqrt(var + eps) * g + b
        return out

    def gelu(x: np.ndarray) -> np.ndarray:
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))

    stream = t["wte.weight"][ids] + t["wpe.weight"][:n]
    layers = []
    for i in range(L):
        p = f"h.{i}."
        x = ln(stream, t[p + "ln_1.weight"], t[p + "ln_1.bias"])
        qkv = x @ t[p + "attn.c_attn.weight"] + t[p + "attn.c_attn.bias"]
        q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
        A = np.zeros((h, n, n))
        heads = []
        for hd in range(h):
            sl = slice(hd * d_k, (hd + 1) * d_k)
            s = q[:, sl] @ k[:, sl].T / math.sqrt(d_k)
            s[np.triu_indices(n, 1)] = -np.inf
            A[hd] = _softmax_rows(s)
            heads.append(A[hd] @ v[:, sl])
        attn_out = np.concatenate(heads, axis=1) @ t[p + "attn.c_proj.weight"] + t[p + "attn.c_proj.bias"]
        layers.append({"x": x, "weights": A, "output": attn_out})
        stream = stream + attn_out
        x2 = ln(stream, t[p + "ln_2.weight"], t[p + "ln_2.bias"])
        stream = stream + gelu(x2 @ t[p + "mlp.c_fc.weight"] + t[p + "mlp.c_fc.bias"]) @ t[p + "mlp.c_proj.weight"] \
            + t[p + "mlp.c_proj.bias"]
    final = ln(stream[-1:], t["ln_f.weight"], t["ln_f.bias"])[0]
    return {"layers": layers, "logits": t["wte.weight"] @ final}
