"""GPT-2 causal language models from a Hugging Face folder, in numpy (Radford et al. 2019).

    config.json         model_type "gpt2", n_layer, n_head, n_embd, n_positions, ...
    model.safetensors   the weights (keys with or without the "transformer." prefix)
    tokenizer.json      the byte-level BPE tokenizer, read with the ``tokenizers`` library

The forward pass is GPT-2's pre-LN decoder, on one sequence:

    x_0 = wte[ids] + wpe[0..n-1]
    per layer:  a = x + MultiHead(LN_1(x))   (causal: query i sees keys 0..i)
                x' = a + W_proj GELU(W_fc LN_2(a) + b_fc) + b_proj
    logits = LN_f(x_L) @ wte^T   (the LM head is tied to the token embeddings)

GPT-2's linear layers are "Conv1D": their weights are already (in, out), so y = x @ W + b, and
the attention's Q, K and V come from one fused (d, 3d) matrix, attn.c_attn.

Precision: as in gguf_llama, the weights stay float32 (as stored), the big products run in
float32 on a float64 residual stream, and the scores, softmax and weighted sums in float64; the
tests check the attention weights against an all-float64 reference (within 2e-5 on a random
model with large scores; well within 1e-4).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.attention import causal_allowed, merge_heads, split_heads, stable_softmax
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
from .gguf_llama import one_blas_thread
from .readable import readable_byte_level

WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
_GELU_TANH = ("gelu_new", "gelu_pytorch_tanh", "gelu_fast")


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    """GPT-2's GELU, the tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    out: np.ndarray = 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))
    return out


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the last axis in float64: (x - mean) / sqrt(var + eps) * g + b."""
    mu = x.mean(axis=-1, keepdims=True)
    c = x - mu
    var = np.mean(c * c, axis=-1, keepdims=True)
    out: np.ndarray = c / np.sqrt(var + eps) * gain.astype(np.float64) + bias.astype(np.float64)
    return out


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class _Layer:
    def __init__(self, t: dict[str, np.ndarray], d: int) -> None:
        self.ln_1 = (t["ln_1.weight"], t["ln_1.bias"])
        self.c_attn_w = t["attn.c_attn.weight"]  # (d, 3d) float32, (in, out): [W_q | W_k | W_v]
        self.c_attn_b = t["attn.c_attn.bias"]  # (3d,)
        self.c_proj_w = t["attn.c_proj.weight"]  # (d, d)
        self.c_proj_b = t["attn.c_proj.bias"]  # (d,)
        self.ln_2 = (t["ln_2.weight"], t["ln_2.bias"])
        self.fc_w = t["mlp.c_fc.weight"]  # (d, d_ff)
        self.fc_b = t["mlp.c_fc.bias"]
        self.proj_w = t["mlp.c_proj.weight"]  # (d_ff, d)
        self.proj_b = t["mlp.c_proj.bias"]
        # views for LayerAttention, shared by every run (ModelRun.layer widens them to float64)
        for a in (self.c_attn_w, self.c_proj_w, self.c_proj_b):
            _ro(a)
        self.w_q_in = self.c_attn_w[:, :d]  # (d, d) (in, out)
        self.w_k_in = self.c_attn_w[:, d:2 * d]
        self.w_v_in = self.c_attn_w[:, 2 * d:]


def _int(config: dict[str, Any], key: str, folder: Path, *alts: str) -> int:
    for k in (key, *alts):
        v = config.get(k)
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return v
    raise ModelError(f"{folder.name}/config.json has no valid {key} (a positive integer).")


def _read_tensors(folder: Path, needed: list[tuple[str, tuple[int, ...]]], progress: Progress | None,
                  cancelled: Cancelled | None) -> dict[str, np.ndarray]:
    """The named tensors as float32, found with or without the "transformer." prefix, each
    checked against its expected shape."""
    path = folder / WEIGHTS_FILE
    if not path.is_file():
        raise ModelError(f"{folder.name} has no {WEIGHTS_FILE}: GPT-2 folders need their weights in {WEIGHTS_FILE}.")
    try:
        from safetensors import safe_open
    except ImportError:  # pragma: no cover - a dependency of the app
        raise ModelError("The safetensors package is missing: run `pip install safetensors`.") from None
    out: dict[str, np.ndarray] = {}
    try:
        with safe_open(str(path), framework="np") as f:
            keys = set(f.keys())
            total = len(needed)
            for done, (name, shape) in enumerate(needed, 1):
                if cancelled is not None and cancelled():
                    raise ModelCancelled(f"Loading {folder.name} was cancelled.")
                key = name if name in keys else "transformer." + name
                if key not in keys:
                    raise ModelError(f"{folder.name}/{WEIGHTS_FILE} has no tensor {name}: it is not a complete "
                                     "GPT-2 checkpoint.")
                a = np.ascontiguousarray(f.get_tensor(key), dtype=np.float32)
                if a.shape != shape:
                    raise ModelError(f"{folder.name}: tensor {name} has shape {a.shape}, expected {shape} from "
                                     "config.json.")
                out[name] = a
                if progress is not None:
                    progress(done, total, name)
    except (ModelError, ModelCancelled):
        raise
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - safetensors raises its own error types for a damaged file
        raise ModelError(f"{folder.name}/{WEIGHTS_FILE} cannot be read ({type(e).__name__}: {e}). "
                         "It may be truncated or not a safetensors file.") from None
    return out


def load_gpt2(folder: str | Path, config: dict[str, Any], progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> GPT2Model:
    """Read a GPT-2 folder whose config.json (already parsed) is ``config``."""
    p = Path(folder).expanduser()
    n_layers = _int(config, "n_layer", p, "num_hidden_layers")
    d = _int(config, "n_embd", p, "hidden_size")
    h = _int(config, "n_head", p, "num_attention_heads")
    n_pos = _int(config, "n_positions", p, "n_ctx")
    vocab_size = _int(config, "vocab_size", p)
    if d % h:
        raise ModelError(f"{p.name}: n_embd={d} is not a multiple of n_head={h}.")
    inner = config.get("n_inner")
    d_ff = int(inner) if isinstance(inner, int) and inner > 0 else 4 * d
    eps = float(config.get("layer_norm_epsilon", 1e-5))
    act = config.get("activation_function", "gelu_new")
    if act not in _GELU_TANH and act not in ("gelu", "relu"):
        raise ModelError(f"{p.name}: activation_function {act!r} is not supported (gelu_new, gelu, relu are).")
    if config.get("scale_attn_by_inverse_layer_idx"):
        raise ModelError(f"{p.name}: scale_attn_by_inverse_layer_idx is not supported.")
    scaled = bool(config.get("scale_attn_weights", True))

    tok_path = p / TOKENIZER_FILE
    if not tok_path.is_file():
        raise ModelError(f"{p.name} has no {TOKENIZER_FILE}: save the tokenizer with the model "
                         "(tokenizer.save_pretrained) so the folder has a tokenizer.json.")
    try:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tok_path))
    except Exception as e:  # noqa: BLE001 - tokenizers raises a bare Exception for a bad file
        raise ModelError(f"{p.name}/{TOKENIZER_FILE} cannot be read: {e}") from None

    needed: list[tuple[str, tuple[int, ...]]] = [("wte.weight", (vocab_size, d)), ("wpe.weight", (n_pos, d))]
    for i in range(n_layers):
        b = f"h.{i}."
        needed += [(b + "ln_1.weight", (d,)), (b + "ln_1.bias", (d,)),
                   (b + "attn.c_attn.weight", (d, 3 * d)), (b + "attn.c_attn.bias", (3 * d,)),
                   (b + "attn.c_proj.weight", (d, d)), (b + "attn.c_proj.bias", (d,)),
                   (b + "ln_2.weight", (d,)), (b + "ln_2.bias", (d,)),
                   (b + "mlp.c_fc.weight", (d, d_ff)), (b + "mlp.c_fc.bias", (d_ff,)),
                   (b + "mlp.c_proj.weight", (d_ff, d)), (b + "mlp.c_proj.bias", (d,))]
    needed += [("ln_f.weight", (d,)), ("ln_f.bias", (d,))]
    t = _read_tensors(p, needed, progress, cancelled)
    layers = [_Layer({k[len(f"h.{i}."):]: v for k, v in t.items() if k.startswith(f"h.{i}.")}, d)
              for i in range(n_layers)]
    info = ModelInfo(name=p.name, family="gpt2", path=str(p), n_layers=n_layers, n_heads=h, d_model=d, causal=True,
                     vocab_size=vocab_size)
    return GPT2Model(info, tokenizer, layers, t["wte.weight"], t["wpe.weight"], (t["ln_f.weight"], t["ln_f.bias"]),
                     eps, act, scaled)


class GPT2Model(Model):
    """A GPT-2 model. ``run`` keeps per layer a LayerAttention whose x is LN_1 of the stream
    (the attention input), q_proj = x W_q + b_q (and k, v likewise) and b_o = c_proj's bias."""

    def __init__(self, info: ModelInfo, tokenizer: Any, layers: list[_Layer], wte: np.ndarray, wpe: np.ndarray,
                 ln_f: tuple[np.ndarray, np.ndarray], eps: float, act: str, scaled: bool) -> None:
        self.info = info
        self.tokenizer = tokenizer  # a tokenizers.Tokenizer
        self._layers = layers
        self._wte = wte  # (vocab, d) float32, also the LM head
        self._wpe = wpe  # (n_positions, d) float32
        self._ln_f = ln_f
        self._eps = eps
        self._act = act
        self._scaled = scaled

    def token_text(self, token_id: int) -> str:
        """The readable text of one token id ('Ġthe' -> '·the')."""
        tok = self.tokenizer.id_to_token(int(token_id))
        return "" if tok is None else readable_byte_level(tok)

    def token_string(self, token_id: int) -> str:
        """The text one token id decodes to (' the'): what a prediction appends to the text."""
        return str(self.tokenizer.decode([int(token_id)], skip_special_tokens=False))

    def tokenize(self, text: str) -> tuple[list[str], list[int]]:
        ids = list(self.tokenizer.encode(text).ids)[:min(MAX_MODEL_TOKENS, self._wpe.shape[0])]
        return [self.token_text(i) for i in ids], ids

    def run(self, text: str, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ModelRun:
        tokens, ids = self.tokenize(text)
        return self.run_ids(ids, progress, cancelled)

    def run_ids(self, ids: list[int], progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> ModelRun:
        """The forward pass over token ids (the first n of a text's, or the induction probe's)."""
        ids = [int(i) for i in ids][:min(MAX_MODEL_TOKENS, self._wpe.shape[0])]
        tokens = [self.token_text(i) for i in ids]
        if not ids:
            raise ModelError("There is no text to run: type at least one word.")
        if max(ids) >= self._wte.shape[0]:
            raise ModelError(f"The tokenizer gave id {max(ids)}, beyond the {self._wte.shape[0]} embeddings.")
        with one_blas_thread():  # small products: BLAS threads only wait for each other on a busy machine
            layers, logits = self._forward(ids, progress, cancelled)
        return ModelRun(self.info, tokens, ids, layers, logits=logits, vocab=self.token_string)

    def _activation(self, x: np.ndarray) -> np.ndarray:
        if self._act == "relu":
            out: np.ndarray = np.maximum(x, np.float32(0))
            return out
        if self._act == "gelu":
            from .mathutil import gelu  # the exact (erf) GELU, float64

            return gelu(x.astype(np.float64)).astype(np.float32)
        return gelu_tanh(x)

    def _forward(self, ids: list[int], progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> tuple[list[LayerAttention], np.ndarray]:
        info = self.info
        n, d, h = len(ids), info.d_model, info.n_heads
        scale = 1.0 / math.sqrt(d // h) if self._scaled else 1.0
        allowed = causal_allowed(n)
        # 1) token + position embeddings: the residual stream, kept in float64
        resid = self._wte[np.asarray(ids)].astype(np.float64) + self._wpe[:n]  # (n, d)
        out: list[LayerAttention] = []
        for i, lw in enumerate(self._layers):
            if cancelled is not None and cancelled():
                raise ModelCancelled("The run was cancelled.")
            # 2) pre-LN: the attention input
            x = _layer_norm(resid, *lw.ln_1, self._eps)  # (n, d)
            # 3) fused Q, K, V (Conv1D: (in, out) weights), float32 product
            qkv = (x.astype(np.float32) @ lw.c_attn_w + lw.c_attn_b).astype(np.float64)  # (n, d) -> (n, 3d)
            q_proj, k_proj, v_proj = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
            # 4) scaled scores, causal mask, softmax -- as ModelRun.regroup computes them
            qh = split_heads(q_proj, h)  # (n, d) -> (h, n, d_k)
            kh = split_heads(k_proj, h)  # (n, d) -> (h, n, d_k)
            logits = (qh @ kh.transpose(0, 2, 1)) * scale  # (h, n, d_k) @ (h, d_k, n) -> (h, n, n)
            weights = stable_softmax(np.where(allowed, logits, -np.inf))
            # 5) weighted values, heads side by side, output projection with its bias
            concat = merge_heads(weights @ split_heads(v_proj, h))  # (h, n, d_k) -> (n, d)
            resid = resid + (concat.astype(np.float32) @ lw.c_proj_w + lw.c_proj_b)
            out.append(LayerAttention(
                x=x, w_q=lw.w_q_in, w_k=lw.w_k_in, w_v=lw.w_v_in, w_o=lw.c_proj_w, b_o=lw.c_proj_b,
                q_proj=np.ascontiguousarray(q_proj), k_proj=np.ascontiguousarray(k_proj),
                v_proj=np.ascontiguousarray(v_proj), weights=weights))
            # 6) the MLP on LN_2 of the stream: c_proj(GELU(c_fc(x)))
            x2 = _layer_norm(resid, *lw.ln_2, self._eps).astype(np.float32)
            hidden = self._activation(x2 @ lw.fc_w + lw.fc_b)  # (n, d) -> (n, d_ff)
            resid = resid + (hidden @ lw.proj_w + lw.proj_b)
            if progress is not None:
                progress(i + 1, info.n_layers, f"layer {i + 1}")
        # 7) final LayerNorm and the tied LM head, last position only
        last = _layer_norm(resid[-1:], *self._ln_f, self._eps).astype(np.float32)  # (1, d)
        logits_out = (last @ self._wte.T)[0].astype(np.float64)  # (1, d) @ (d, vocab) -> (vocab,)
        return out, logits_out
