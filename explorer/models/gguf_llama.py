"""Llama-architecture causal language models from a GGUF file (SmolLM2, TinyLlama-style), in numpy.

The forward pass is Llama's (Touvron et al. 2023): pre-normalisation with RMSNorm (Zhang &
Sennrich 2019), rotary position embeddings on Q and K (RoFormer, Su et al. 2021), grouped-query
attention (Ainslie et al. 2023: several query heads read one key/value head) and a SwiGLU
feed-forward block (Shazeer 2020).

Two things about the file format matter:

* GGUF (llama.cpp's converter) stores W_q and W_k with the rows of every head permuted so that
  the two halves a rotation pairs up are ADJACENT: RoPE rotates (x[2i], x[2i+1]) by the angle
  pos * theta^(-2i/d_k) within each head. (Hugging Face's layout pairs x[i] with x[i + d_k/2],
  the "rotate-half" form; applied to the GGUF tensors it gives the wrong model.)
* a tensor's dims are stored fastest-first (ggml's ne); gguf's reader hands them back in numpy
  order, so a dequantized projection is (out_features, in_features), as in PyTorch: y = x @ W.T.

Precision: the weights are kept as the dequantizer gives them, float32 (dequantized Q4/Q8 values
are float32 numbers, so nothing is lost by not widening them). The big products (Q/K/V, output
projection, feed-forward, LM head) run in float32 on a float64 residual stream; RoPE, the scores,
the softmax and the weighted sums run in float64. The tests measure the attention weights against
an all-float64 reference: they agree within 1e-4 (SmolLM2-135M, 30 layers; typically ~1e-6).
"""
from __future__ import annotations

import math
import re
import struct
import weakref
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.attention import causal_allowed, merge_heads, split_heads, stable_softmax
from ..engine.blas import single_threaded_blas
from .base import (
    MAX_MODEL_TOKENS,
    Cancelled,
    LayerAttention,
    Model,
    ModelCancelled,
    ModelError,
    ModelInfo,
    ModelRun,
    Progress,
)
from .readable import readable_byte_level

# llama.cpp's pre-tokenizer names that split digits one by one before the byte-level regex
_DIGIT_PRE = {"smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva"}
# the GGUF token types that are special tokens (never split by the BPE): CONTROL, USER_DEFINED
_SPECIAL_TOKEN_TYPES = {3, 4}
_QUANT_SUFFIX = re.compile(r"[.\-_](?:I?Q\d\w*|F16|F32|BF16)$", re.IGNORECASE)


def _reader_class() -> type:
    """gguf.GGUFReader with its byte access on a plain ndarray view of the memory map.

    The stock reader slices an np.memmap for every value; a memmap slice costs ~10x a plain
    slice (np.memmap.__array_finalize__), and the tokenizer's 100k strings make that ~5 s of a
    SmolLM2 load. The bytes are the same (a view of the same map), so only the speed changes."""
    import gguf

    VALUE_TYPES = {int(t): t for t in gguf.GGUFValueType}  # plain ints: enum lookups cost per value
    ARRAY_T = gguf.GGUFValueType.ARRAY
    ARRAY, STRING = int(ARRAY_T), int(gguf.GGUFValueType.STRING)
    SCALARS = {int(t): np.dtype(dt) for t, dt in gguf.GGUFReader.gguf_scalar_to_np.items()}

    class FastReader(gguf.GGUFReader):
        @property  # type: ignore[override]
        def data(self) -> np.ndarray:
            return self._plain

        @data.setter
        def data(self, value: np.ndarray) -> None:
            self._plain = value.view(np.ndarray)  # same bytes, no memmap subclass overhead

        def _get(self, offset: int, dtype: Any, count: int = 1, override_order: str | None = None) -> np.ndarray:
            dt = np.dtype(dtype)
            count = int(count)
            arr: np.ndarray = self._plain[offset:offset + dt.itemsize * count].view(dt)
            order = self.byte_order if override_order is None else override_order
            if order != "I":  # 'I' = native: the stock reader's view is a no-op then
                arr = arr.view(dt.newbyteorder(order))
            return arr

        def _get_field_parts(self, orig_offs: int, raw_type: int) -> tuple[int, list[np.ndarray], list[int], list[Any]]:
            """Arrays in one step each: strings (the vocabulary and merges, ~100k) in one tight
            loop with the same parts as the stock reader; numbers (token types) as ONE part, so
            ``contents()`` (the whole array, the only way this module reads fields) is the same
            list while the stock reader would build 49k one-element parts."""
            if int(raw_type) != ARRAY or self.byte_order != "I":
                return super()._get_field_parts(orig_offs, raw_type)
            raw_itype = self._get(orig_offs, np.uint32)
            itype = int(raw_itype[0])
            alen = self._get(orig_offs + 4, np.uint64)
            count = int(alen[0])
            offs = orig_offs + 12
            parts: list[np.ndarray] = [raw_itype, alen]
            scalar = SCALARS.get(itype)
            if scalar is not None:
                values = self._get(offs, scalar, count)
                if len(values) != count:
                    raise ValueError("the file ends inside an array")
                return 12 + int(values.nbytes), [*parts, values], [2], [ARRAY_T, VALUE_TYPES[itype]]
            if itype != STRING:
                return super()._get_field_parts(orig_offs, raw_type)
            data = self._plain
            buf = memoryview(data)  # type: ignore[arg-type]  # a 1-d uint8 array exposes its bytes
            size = len(data)
            idxs: list[int] = []
            for _ in range(count):
                if offs + 8 > size:
                    raise ValueError("the file ends inside a string array")
                (n,) = struct.unpack_from("=Q", buf, offs)  # native order, as byte_order "I" says
                if offs + 8 + n > size:
                    raise ValueError("the file ends inside a string array")
                parts.append(data[offs:offs + 8].view(np.uint64))
                parts.append(data[offs + 8:offs + 8 + n])
                idxs.append(len(parts) - 1)
                offs += 8 + n
            return offs - orig_offs, parts, idxs, [ARRAY_T, VALUE_TYPES[STRING]]

    return FastReader


def one_blas_thread() -> AbstractContextManager[None]:
    """Run the products in this thread on one BLAS thread (see explorer.engine.blas)."""
    return single_threaded_blas()


def _open(path: Path) -> Any:
    try:
        return _reader_class()(str(path), "r")
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - the reader raises many kinds for a damaged file
        raise ModelError(f"{path.name} is not a readable GGUF file ({type(e).__name__}: {e}). "
                         "It may be truncated (an interrupted download) or not a GGUF model.") from None


def _meta(reader: Any, key: str, default: Any = None) -> Any:
    f = reader.fields.get(key)
    if f is None:
        return default
    try:
        return f.contents()
    except Exception as e:  # noqa: BLE001
        raise ModelError(f"The GGUF metadata {key} cannot be read: {e}") from None


def _meta_int(reader: Any, key: str, path: Path) -> int:
    v = _meta(reader, key)
    if v is None:
        raise ModelError(f"{path.name} has no metadata {key}: it is not a complete Llama GGUF file.")
    if isinstance(v, list):
        raise ModelError(f"{path.name}: {key} varies per layer ({v[:4]}...), which is not supported.")
    return int(v)


@dataclass(eq=False)
class _Layer:
    attn_norm: np.ndarray  # (d,) float32, RMSNorm gain
    w_qkv: np.ndarray  # (d + 2 * kv_d, d) float32: W_q, W_k, W_v rows stacked, (out, in); GGUF layout
    w_o: np.ndarray  # (d, d) float32 (out, in)
    ffn_norm: np.ndarray  # (d,) float32
    w_gate_up: np.ndarray  # (2 * d_ff, d) float32: W_gate then W_up rows
    w_down: np.ndarray  # (d, d_ff) float32 (out, in)
    # (in, out) float32 matrices for LayerAttention, shared by every run (read-only); ModelRun.layer
    # widens the one layer a view asks for to float64 (30 float64 copies would be 318 MB and ~0.5 s)
    w_q_in: np.ndarray  # (d, d) a transposed view of w_qkv's first d rows
    w_k_in: np.ndarray  # (d, d): each K/V head repeated for the query heads that read it
    w_v_in: np.ndarray  # (d, d): likewise
    w_o_in: np.ndarray  # (d, d) a transposed view of w_o


class _Weights:
    """Everything read from one GGUF file (shared by every model loaded from the same file)."""

    def __init__(self, info: ModelInfo, layers: list[_Layer], embed: np.ndarray, output_norm: np.ndarray,
                 output: np.ndarray, inv_freq: np.ndarray, pos_scale: float, eps: float, tokenizer: Any,
                 vocab: list[str], add_bos: bool, bos_id: int | None) -> None:
        self.info = info
        self.layers = layers
        self.embed = embed  # (vocab, d) float32
        self.output_norm = output_norm  # (d,) float32
        self.output = output  # (vocab, d) float32, the same array as embed when tied
        self.inv_freq = inv_freq  # (n_rot/2,) float64
        self.pos_scale = pos_scale  # linear RoPE scaling: positions are divided by this
        self.eps = eps
        self.tokenizer = tokenizer
        self.vocab = vocab  # id -> byte-level token string
        self.add_bos = add_bos
        self.bos_id = bos_id


# one shared copy per file while any model from it is alive
_CACHE: weakref.WeakValueDictionary[tuple[str, int, int], _Weights] = weakref.WeakValueDictionary()


def _build_tokenizer(reader: Any, path: Path) -> tuple[Any, list[str]]:
    """Byte-level BPE from tokenizer.ggml.tokens / merges (GGUF tokenizer model "gpt2")."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    kind = _meta(reader, "tokenizer.ggml.model")
    if kind != "gpt2":
        raise ModelError(f"{path.name}: tokenizer model {kind!r} is not supported; only byte-level BPE "
                         "('gpt2', as in SmolLM2 and Llama 3) is.")
    tokens = _meta(reader, "tokenizer.ggml.tokens")
    merges = _meta(reader, "tokenizer.ggml.merges")
    if not tokens or merges is None:
        raise ModelError(f"{path.name} has no tokenizer (tokenizer.ggml.tokens / merges are missing).")
    vocab = {t: i for i, t in enumerate(tokens)}
    pairs: list[tuple[str, str]] = []
    for m in merges:
        a, sep, b = m.partition(" ")
        if not sep:
            raise ModelError(f"{path.name}: the tokenizer merge {m!r} is not 'left right'.")
        pairs.append((a, b))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=pairs, fuse_unk=False))
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if _meta(reader, "tokenizer.ggml.pre") in _DIGIT_PRE:
        # llama.cpp splits every digit on its own first (as the Hugging Face tokenizer.json does)
        tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])
    else:
        tok.pre_tokenizer = byte_level
    tok.decoder = decoders.ByteLevel()
    types = _meta(reader, "tokenizer.ggml.token_type") or []
    special = [AddedToken(tokens[i], special=True, normalized=False)
               for i, t in enumerate(types) if int(t) in _SPECIAL_TOKEN_TYPES]
    if special:
        tok.add_special_tokens(special)  # already in the vocabulary: they keep their ids
    return tok, list(tokens)


def _dequantize(t: Any, path: Path) -> np.ndarray:
    from gguf.quants import dequantize

    try:
        w = dequantize(t.data, t.tensor_type)
    except (NotImplementedError, ValueError, KeyError) as e:
        raise ModelError(f"{path.name}: tensor {t.name} has type {t.tensor_type.name}, which cannot be "
                         f"dequantized here ({e}). Supported: F32, F16, Q4_0, Q4_1, Q8_0.") from None
    return np.ascontiguousarray(w, dtype=np.float32)


def load_gguf(path: str | Path, progress: Progress | None = None, cancelled: Cancelled | None = None) -> LlamaModel:
    """Read a Llama-architecture .gguf file. Raises ModelError for anything it cannot use and
    ModelCancelled when ``cancelled()`` turns True."""
    p = Path(path).expanduser()
    try:
        st = p.stat()
    except OSError as e:
        raise ModelError(f"The GGUF file {p} cannot be read: {e.strerror or e}") from None
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    hit = _CACHE.get(key)
    if hit is not None:
        if progress is not None:
            progress(1, 1, "weights (already loaded)")
        return LlamaModel(hit)
    weights = _load(p, progress, cancelled)
    _CACHE[key] = weights
    return LlamaModel(weights)


def _load(p: Path, progress: Progress | None, cancelled: Cancelled | None) -> _Weights:
    def check() -> None:
        if cancelled is not None and cancelled():
            raise ModelCancelled(f"Loading {p.name} was cancelled.")

    # 1) header, metadata and tensor table (the tensors themselves stay in the memory map)
    check()
    reader = _open(p)
    arch = _meta(reader, "general.architecture")
    if arch != "llama":
        raise ModelError(f"{p.name}: architecture {arch!r} is not supported; only 'llama' GGUF files "
                         "(SmolLM2, TinyLlama, Llama) are.")
    n_layers = _meta_int(reader, "llama.block_count", p)
    d = _meta_int(reader, "llama.embedding_length", p)
    h = _meta_int(reader, "llama.attention.head_count", p)
    kv = int(_meta(reader, "llama.attention.head_count_kv", h))
    d_ff = _meta_int(reader, "llama.feed_forward_length", p)
    if min(n_layers, d, h, kv, d_ff) < 1 or d % h or h % kv:
        raise ModelError(f"{p.name}: inconsistent sizes (d_model={d}, heads={h}, kv heads={kv}).")
    d_k = d // h
    n_rot = int(_meta(reader, "llama.rope.dimension_count", d_k))
    if n_rot % 2 or not 0 < n_rot <= d_k:
        raise ModelError(f"{p.name}: RoPE dimension {n_rot} does not fit heads of {d_k}.")
    theta = float(_meta(reader, "llama.rope.freq_base", 10000.0))
    eps = float(_meta(reader, "llama.attention.layer_norm_rms_epsilon", 1e-5))
    scaling = _meta(reader, "llama.rope.scaling.type", "none")
    pos_scale = 1.0
    if scaling == "linear":
        pos_scale = float(_meta(reader, "llama.rope.scaling.factor", 1.0)) or 1.0
    elif scaling not in ("none", None):
        raise ModelError(f"{p.name}: RoPE scaling {scaling!r} is not supported.")
    tensors = {t.name: t for t in reader.tensors}
    total = len(tensors) + 2
    done = 1
    if progress is not None:
        progress(done, total, "metadata")

    # 2) dequantize every tensor to float32 in a worker thread (the dequantizer is numpy on whole
    # blocks, which releases the GIL) while this thread builds the tokenizer and then stacks the
    # matrices: every tensor is queued now and taken in the order the model is built. (A second
    # worker measured no faster on two cores and kept ~80 MB more.)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gguf-dequantize")
    pending = {name: pool.submit(_dequantize, t, p) for name, t in tensors.items()}

    def get(name: str, shape: tuple[int, ...]) -> np.ndarray:
        nonlocal done
        check()
        t = tensors.get(name)
        if t is None:
            raise ModelError(f"{p.name} has no tensor {name}: it is not a complete Llama GGUF file.")
        w = pending.pop(name).result()  # popped: the future lets go of the array
        if w.shape != shape:
            raise ModelError(f"{p.name}: tensor {name} has shape {w.shape}, expected {shape}.")
        done += 1
        if progress is not None:
            progress(done, total, name)
        return w

    try:
        kv_d = kv * d_k
        rep = h // kv
        t_embd = tensors.get("token_embd.weight")
        if t_embd is None:
            raise ModelError(f"{p.name} has no tensor token_embd.weight: it is not a complete Llama GGUF file.")
        vocab_size = int(t_embd.shape[-1]) if len(t_embd.shape) == 2 else 0  # ne = (d, vocab)

        # 3) the tokenizer, from the metadata
        check()
        tokenizer, vocab = _build_tokenizer(reader, p)
        if len(vocab) != vocab_size:
            raise ModelError(f"{p.name}: the tokenizer has {len(vocab)} tokens but the embedding {vocab_size} rows.")
        add_bos = bool(_meta(reader, "tokenizer.ggml.add_bos_token", False))
        bos = _meta(reader, "tokenizer.ggml.bos_token_id")
        bos_id = None if bos is None else int(bos)
        if add_bos:
            if bos_id is None or not 0 <= bos_id < vocab_size:
                raise ModelError(f"{p.name}: add_bos_token is set but the BOS id {bos_id} is not a token.")
            from tokenizers import processors

            # the tokenizer itself adds BOS, so tokenizer.encode(text).ids are the ids a run uses
            tokenizer.post_processor = processors.TemplateProcessing(
                single=f"{vocab[bos_id]}:0 $A:0", pair=f"{vocab[bos_id]}:0 $A:0 $B:1",
                special_tokens=[(vocab[bos_id], bos_id)])

        # 4) the tensors, each checked against the shape the metadata implies
        embed = get("token_embd.weight", (vocab_size, d))
        layers: list[_Layer] = []
        for i in range(n_layers):
            b = f"blk.{i}."
            attn_norm = get(b + "attn_norm.weight", (d,))
            w_q = get(b + "attn_q.weight", (d, d))  # (out, in)
            w_k = get(b + "attn_k.weight", (kv_d, d))
            w_v = get(b + "attn_v.weight", (kv_d, d))
            w_o = get(b + "attn_output.weight", (d, d))
            ffn_norm = get(b + "ffn_norm.weight", (d,))
            w_gate = get(b + "ffn_gate.weight", (d_ff, d))
            w_up = get(b + "ffn_up.weight", (d_ff, d))
            w_down = get(b + "ffn_down.weight", (d, d_ff))

            def expand(w: np.ndarray) -> np.ndarray:
                # (kv_d, d) (out, in) -> (d, kv, d_k) -> repeat each K/V head for its rep query heads
                # -> (d, h, d_k) -> (d, d): column block i is the K/V head query head i reads
                blocks = w.T.reshape(d, kv, d_k)
                return _ro(np.repeat(blocks, rep, axis=1).reshape(d, d))

            w_qkv = _ro(np.concatenate([w_q, w_k, w_v]))  # (d + 2 kv_d, d)
            w_o = _ro(w_o)
            layers.append(_Layer(
                attn_norm=attn_norm, w_qkv=w_qkv, w_o=w_o, ffn_norm=ffn_norm,
                w_gate_up=np.concatenate([w_gate, w_up]), w_down=w_down,
                w_q_in=w_qkv[:d].T, w_k_in=expand(w_k), w_v_in=expand(w_v), w_o_in=w_o.T,
            ))
        output_norm = get("output_norm.weight", (d,))
        output = get("output.weight", (vocab_size, d)) if "output.weight" in tensors else embed  # tied
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # after a cancel or an error, drop the rest

    # 5) RoPE frequencies theta^(-2i/n_rot), divided by the file's per-frequency factors if any
    inv_freq = theta ** (-np.arange(0, n_rot, 2, dtype=np.float64) / n_rot)  # (n_rot/2,)
    if "rope_freqs.weight" in tensors:
        factors = _dequantize(tensors["rope_freqs.weight"], p).astype(np.float64).ravel()
        if factors.shape != inv_freq.shape:
            raise ModelError(f"{p.name}: rope_freqs has {factors.size} factors, expected {inv_freq.size}.")
        inv_freq = inv_freq / factors

    if progress is not None:
        progress(total, total, "done")

    name = _QUANT_SUFFIX.sub("", p.stem) or p.stem
    info = ModelInfo(name=name, family="llama", path=str(p), n_layers=n_layers, n_heads=h, d_model=d, causal=True,
                     vocab_size=vocab_size, n_kv_heads=kv)
    return _Weights(info, layers, embed, output_norm, output, inv_freq, pos_scale, eps, tokenizer, vocab,
                    add_bos, bos_id)


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _rms_norm(x: np.ndarray, gain: np.ndarray, eps: float) -> np.ndarray:
    """RMSNorm: x / sqrt(mean(x^2) + eps) * g, over the last axis, in float64."""
    out: np.ndarray = x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * gain.astype(np.float64)
    return out


def rope_adjacent(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """Rotate the adjacent pairs (x[2i], x[2i+1]) of the first 2*len(freq) dims of every head.

    x: (n, heads, d_k); cos, sin: (n, n_rot/2). Returns a new float64 array."""
    n, heads, d_k = x.shape
    n_rot = 2 * cos.shape[1]
    out = np.array(x, dtype=np.float64)
    pairs = out[:, :, :n_rot].reshape(n, heads, n_rot // 2, 2)  # (n, heads, n_rot) -> (n, heads, n_rot/2, 2)
    x0 = pairs[..., 0].copy()
    x1 = pairs[..., 1].copy()
    c = cos[:, None, :]  # (n, 1, n_rot/2) broadcast over heads
    s = sin[:, None, :]
    pairs[..., 0] = x0 * c - x1 * s
    pairs[..., 1] = x0 * s + x1 * c
    out[:, :, :n_rot] = pairs.reshape(n, heads, n_rot)  # (n, heads, n_rot/2, 2) -> (n, heads, n_rot)
    return out


class LlamaModel(Model):
    """A Llama-architecture GGUF model. ``run`` keeps, per layer, a LayerAttention whose
    q_proj and k_proj are the ROTATED projections (RoPE applied: the scores are made of them),
    whose k_proj/v_proj and w_k/w_v are expanded to one block per query head (grouped K/V;
    ``info.kv_group(i)`` says which K/V head query head i reads), and whose x is the RMS-normed
    attention input. Head blocks keep GGUF's dimension order (RoPE pairs adjacent)."""

    def __init__(self, weights: _Weights) -> None:
        self._w = weights
        self.info = weights.info
        self.tokenizer = weights.tokenizer  # a tokenizers.Tokenizer
        self.add_bos = weights.add_bos
        self.bos_id = weights.bos_id

    def token_text(self, token_id: int) -> str:
        """The readable text of one token id ('Ġthe' -> '·the')."""
        return readable_byte_level(self._w.vocab[int(token_id)])

    def token_string(self, token_id: int) -> str:
        """The text one token id decodes to (' Paris'): what a prediction appends to the text."""
        return str(self.tokenizer.decode([int(token_id)], skip_special_tokens=False))

    def tokenize(self, text: str) -> tuple[list[str], list[int]]:
        # BOS is added by the tokenizer's post-processor when the metadata asks for it
        ids = list(self.tokenizer.encode(text).ids)
        ids = ids[:MAX_MODEL_TOKENS]
        return [self.token_text(i) for i in ids], ids

    def run(self, text: str, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ModelRun:
        return self.run_ids(self.tokenize(text)[1], progress, cancelled)

    def run_ids(self, ids: list[int], progress: Progress | None = None, cancelled: Cancelled | None = None,
                compute: type[np.floating[Any]] = np.float32) -> ModelRun:
        """The forward pass over token ids (at most MAX_MODEL_TOKENS kept). ``compute`` is the
        type of the big products: float64 gives the all-float64 reference the tests measure against."""
        ids = [int(i) for i in ids][:MAX_MODEL_TOKENS]
        if not ids:
            raise ModelError("There is no text to run: type at least one word.")
        if min(ids) < 0 or max(ids) >= self.info.vocab_size:
            raise ModelError(f"Token ids must be 0-{self.info.vocab_size - 1}.")
        with one_blas_thread():
            layers, logits = self._forward(ids, progress, cancelled, compute)
        return ModelRun(self.info, [self.token_text(i) for i in ids], ids, layers, logits=logits,
                        vocab=self.token_string)

    def _forward(self, ids: list[int], progress: Progress | None, cancelled: Cancelled | None,
                 compute: type[np.floating[Any]]) -> tuple[list[LayerAttention], np.ndarray]:
        w, info = self._w, self.info

        def m(a: np.ndarray) -> np.ndarray:  # a weight in the compute type (a copy only for float64)
            return a if a.dtype == compute else a.astype(compute)

        n, d, h, kv = len(ids), info.d_model, info.n_heads, info.kv_heads
        d_k = d // h
        kv_d = kv * d_k
        rep = h // kv
        scale = 1.0 / math.sqrt(d_k)
        allowed = causal_allowed(n)
        angles = np.arange(n, dtype=np.float64)[:, None] / w.pos_scale * w.inv_freq[None, :]  # (n, n_rot/2)
        cos, sin = np.cos(angles), np.sin(angles)

        # 1) token embeddings: the residual stream, kept in float64
        resid = w.embed[np.asarray(ids)].astype(np.float64)  # (n, d)
        out: list[LayerAttention] = []
        for i, lw in enumerate(w.layers):
            if cancelled is not None and cancelled():
                raise ModelCancelled("The run was cancelled.")
            # 2) pre-norm: RMSNorm of the stream is the attention input x
            x = _rms_norm(resid, lw.attn_norm, w.eps)  # (n, d)
            # 3) Q, K, V in one (float32) product: (n, d) @ (d, d + 2 kv_d)
            qkv = (x.astype(compute) @ m(lw.w_qkv).T).astype(np.float64)
            q = qkv[:, :d].reshape(n, h, d_k)  # (n, d) -> (n, h, d_k)
            k = qkv[:, d:d + kv_d].reshape(n, kv, d_k)  # (n, kv_d) -> (n, kv, d_k)
            v = qkv[:, d + kv_d:].reshape(n, kv, d_k)
            # 4) RoPE on Q and K: adjacent pairs (GGUF's permuted layout), position = token index
            q_rot = rope_adjacent(q, cos, sin).reshape(n, d)  # (n, h, d_k) -> (n, d)
            k_rot = rope_adjacent(k, cos, sin)  # (n, kv, d_k)
            # 5) grouped K/V: repeat each K/V head for the rep query heads that read it
            k_proj = np.repeat(k_rot, rep, axis=1).reshape(n, d)  # (n, kv, d_k) -> (n, h, d_k) -> (n, d)
            v_proj = np.repeat(v, rep, axis=1).reshape(n, d)  # (n, kv, d_k) -> (n, h, d_k) -> (n, d)
            # 6) scores q.k / sqrt(d_k), causal mask, softmax -- exactly as ModelRun.regroup does it
            qh = split_heads(q_rot, h)  # (n, d) -> (h, n, d_k)
            kh = split_heads(k_proj, h)  # (n, d) -> (h, n, d_k)
            logits = (qh @ kh.transpose(0, 2, 1)) * scale  # (h, n, d_k) @ (h, d_k, n) -> (h, n, n)
            weights = stable_softmax(np.where(allowed, logits, -np.inf))
            # 7) weighted sum of values, heads side by side, output projection (float32 product)
            concat = merge_heads(weights @ split_heads(v_proj, h))  # (h, n, d_k) -> (n, d)
            resid = resid + (concat.astype(compute) @ m(lw.w_o).T)
            out.append(LayerAttention(x=x, w_q=lw.w_q_in, w_k=lw.w_k_in, w_v=lw.w_v_in, w_o=lw.w_o_in, b_o=None,
                                      q_proj=q_rot, k_proj=k_proj, v_proj=v_proj, weights=weights))
            # 8) SwiGLU feed-forward on the RMS-normed stream: W_down (silu(x W_gate) * (x W_up))
            x2 = _rms_norm(resid, lw.ffn_norm, w.eps).astype(compute)
            gu = x2 @ m(lw.w_gate_up).T  # (n, d) @ (d, 2 d_ff) -> (n, 2 d_ff)
            gate, up = gu[:, :gu.shape[1] // 2], gu[:, gu.shape[1] // 2:]
            with np.errstate(over="ignore"):  # exp(-gate) -> inf for a very negative gate: silu -> 0
                act = gate / (1.0 + np.exp(-gate)) * up  # silu(gate) * up
            resid = resid + (act @ m(lw.w_down).T)
            if progress is not None:
                progress(i + 1, info.n_layers, f"layer {i + 1}")
        # 9) final RMSNorm and the LM head, for the last position only (the next token)
        last = _rms_norm(resid[-1:], w.output_norm, w.eps).astype(compute)  # (1, d)
        logits_out = (last @ m(w.output).T)[0].astype(np.float64)  # (1, d) @ (d, vocab) -> (vocab,)
        return out, logits_out

