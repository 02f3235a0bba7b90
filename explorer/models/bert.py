"""BERT-family encoders (BERT, MiniLM, ...) read from a Hugging Face folder and run in numpy float64.

    config.json         hidden_size, num_hidden_layers, num_attention_heads, ...
    model.safetensors   the weights, read with safetensors' numpy backend (no torch)
    tokenizer.json      the WordPiece tokenizer, read with the ``tokenizers`` library

The forward pass is the post-LN encoder of Devlin et al. (2019), on one sequence with no padding:

    x_0 = LN(word + position + token_type_0)
    per layer:  a = MultiHead(x) = concat(head_1..head_h) W_O + b_O,
                head_i = softmax(Q_i K_i^T / sqrt(d_k)) V_i,   Q = x W_Q + b_Q, K, V likewise
                h = LN(x + a)
                x' = LN(h + GELU(h W_1 + b_1) W_2 + b_2)

Every layer's attention block is kept (``LayerAttention``) for the views; nothing else is.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..engine.attention import stable_softmax
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
from .mathutil import gelu

F64 = NDArray[np.float64]

WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"

# Activations named in config.json's hidden_act that we compute. "gelu" is the exact erf form
# that BERT uses; the others are the tanh approximation under its different names.
_GELU_EXACT = ("gelu",)
_GELU_TANH = ("gelu_new", "gelu_pytorch_tanh", "gelu_fast")
_RELU = ("relu",)


def _gelu_tanh(x: F64) -> F64:
    """The tanh approximation of GELU (GPT-2's), for checkpoints whose config asks for it."""
    inner = x * x
    inner *= 0.044715 * x
    inner += x
    inner *= math.sqrt(2.0 / math.pi)
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner


def _relu(x: F64) -> F64:
    return np.maximum(x, 0.0)


class _Weights:
    """The tensors of one checkpoint by their names without the "bert." prefix, with clear errors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            from safetensors import safe_open
        except ImportError:  # pragma: no cover - a dependency of the app
            raise ModelError("The safetensors package is missing: run `pip install safetensors`.") from None
        if not path.is_file():
            raise ModelError(f"{path.parent.name} has no {WEIGHTS_FILE}: BERT folders need their weights in "
                             f"{WEIGHTS_FILE} (save the model with safe_serialization=True).")
        try:
            reader: Any = safe_open(str(path), framework="np")  # the reader has no type hints
            keys: list[str] = list(reader.keys())
        except Exception as e:  # the Rust reader raises its own error types on a bad header
            raise ModelError(f"{path} cannot be read as safetensors ({_short(e)}): the file is damaged or "
                             f"incomplete; download it again.") from None
        self._file = reader
        self._keys = set(keys)
        # The prefix before "embeddings.word_embeddings.weight": "" for BertModel, "bert." for
        # BertForMaskedLM and friends (a head such as "cls.predictions" is then ignored).
        prefixes = [k[: -len("embeddings.word_embeddings.weight")] for k in keys
                    if k.endswith("embeddings.word_embeddings.weight")]
        if not prefixes:
            raise ModelError(f"{path} has no tensor embeddings.word_embeddings.weight: it does not hold a BERT "
                             f"model's weights.")
        self.prefix = min(prefixes, key=len)

    def has(self, name: str) -> bool:
        return self.prefix + name in self._keys

    def get(self, name: str, shape: tuple[int, ...], *alternatives: str) -> NDArray[Any]:
        """The tensor ``name`` (or the first of ``alternatives`` present) with exactly ``shape``,
        as stored (float32 as a rule)."""
        for candidate in (name, *alternatives):
            key = self.prefix + candidate
            if key in self._keys:
                break
        else:
            raise ModelError(f"{self.path} has no tensor {self.prefix + name}: the checkpoint is incomplete or "
                             f"not a BERT model; download it again.")
        try:
            stored = str(self._file.get_slice(key).get_dtype())
            if stored == "BF16":  # numpy has no bfloat16: say so instead of "damaged"
                raise ModelError(f"The tensor {key} in {self.path} is stored as bfloat16, which numpy cannot "
                                 f"read: save the model in float32 or float16.")
            a: NDArray[Any] = self._file.get_tensor(key)
        except ModelError:
            raise
        except Exception as e:
            raise ModelError(f"The tensor {key} in {self.path} cannot be read ({_short(e)}): the file is damaged; "
                             f"download it again.") from None
        if tuple(a.shape) != shape:
            raise ModelError(f"The tensor {key} in {self.path} has shape {tuple(a.shape)}, but config.json "
                             f"implies {shape}: the weights and the config do not belong together.")
        if a.dtype.kind != "f":
            raise ModelError(f"The tensor {key} in {self.path} holds {a.dtype} values, not floating point numbers.")
        if not np.isfinite(a).all():
            raise ModelError(f"The tensor {key} in {self.path} holds NaN or infinite values: the checkpoint is "
                             f"broken.")
        return a

    def f64(self, name: str, shape: tuple[int, ...], *alternatives: str) -> F64:
        return _readonly(np.asarray(self.get(name, shape, *alternatives), dtype=np.float64))

    def linear(self, name: str, d_in: int, d_out: int) -> tuple[F64, F64]:
        """(W, b) of a torch Linear: its weight is stored (out, in); x @ W needs (in, out)."""
        w = self.get(f"{name}.weight", (d_out, d_in))
        w64 = _readonly(np.ascontiguousarray(w.T, dtype=np.float64))  # (out, in) -> (in, out)
        return w64, self.f64(f"{name}.bias", (d_out,))

    def layer_norm(self, name: str, d: int) -> tuple[F64, F64]:
        """(gamma, beta): "weight"/"bias", or "gamma"/"beta" in checkpoints converted from TF."""
        return (self.f64(f"{name}.weight", (d,), f"{name}.gamma"),
                self.f64(f"{name}.bias", (d,), f"{name}.beta"))


class _Layer:
    """One encoder layer's parameters, float64, laid out for x @ W."""

    def __init__(self, w: _Weights, i: int, d: int, d_ff: int) -> None:
        p = f"encoder.layer.{i}."
        w_q, b_q = w.linear(p + "attention.self.query", d, d)
        w_k, b_k = w.linear(p + "attention.self.key", d, d)
        w_v, b_v = w.linear(p + "attention.self.value", d, d)
        # Q, K and V in one product: [W_Q | W_K | W_V] is (d, 3d); w_q etc. are views of it
        self.w_qkv = _readonly(np.concatenate([w_q, w_k, w_v], axis=1))  # 3 x (d, d) -> (d, 3d)
        self.b_qkv = _readonly(np.concatenate([b_q, b_k, b_v]))  # (3d,)
        self.w_q, self.w_k, self.w_v = (self.w_qkv[:, j * d:(j + 1) * d] for j in range(3))
        self.w_o, self.b_o = w.linear(p + "attention.output.dense", d, d)
        self.ln1 = w.layer_norm(p + "attention.output.LayerNorm", d)
        self.w_1, self.b_1 = w.linear(p + "intermediate.dense", d, d_ff)
        self.w_2, self.b_2 = w.linear(p + "output.dense", d_ff, d)
        self.ln2 = w.layer_norm(p + "output.LayerNorm", d)


class BertModel(Model):
    """A loaded BERT-family encoder (bidirectional: no causal mask, no next-token prediction)."""

    def __init__(self, info: ModelInfo, tokenizer: Any, max_tokens: int, eps: float, act: str,
                 word: NDArray[Any], position: F64, token_type0: F64, ln_emb: tuple[F64, F64],
                 layers: list[_Layer]) -> None:
        self.info = info
        self._tokenizer = tokenizer
        self._max_tokens = max_tokens
        self._eps = eps
        self._act = gelu if act in _GELU_EXACT else _gelu_tanh if act in _GELU_TANH else _relu
        self._word = word  # (vocab, d) as stored: only the rows of a text's tokens become float64
        self._position = position  # (max_position, d)
        self._token_type0 = token_type0  # (d,) one segment: every token has type 0
        self._ln_emb = ln_emb
        self._layers = layers

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def tokenize(self, text: str) -> tuple[list[str], list[int]]:
        if not isinstance(text, str):
            raise ModelError(f"The text must be a string, got {type(text).__name__}.")
        try:
            enc = self._tokenizer.encode(text)
        except BaseException as e:  # noqa: BLE001 - a Rust panic arrives as a BaseException
            if isinstance(e, KeyboardInterrupt | SystemExit):
                raise
            raise ModelError(f"{self.info.name}'s tokenizer cannot handle this text ({_short(e)}); "
                             f"remove unusual characters and try again.") from None
        tokens, ids = list(enc.tokens), [int(i) for i in enc.ids]
        if not ids:  # only without a [CLS] ... [SEP] template and with an empty text
            raise ModelError(f"{self.info.name}'s tokenizer made no tokens of this text; type some words.")
        bad = [i for i in ids if not 0 <= i < self.info.vocab_size]
        if bad:
            raise ModelError(f"{self.info.name}'s tokenizer gave the id {bad[0]}, outside the model's vocabulary of "
                             f"{self.info.vocab_size}: {TOKENIZER_FILE} does not belong to these weights.")
        return tokens, ids

    def run(self, text: str, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ModelRun:
        tokens, ids = self.tokenize(text)
        with single_threaded_blas():  # small products: two BLAS threads mostly wait for each other
            return self._run(tokens, ids, progress, cancelled)

    def run_ids(self, ids: list[int], progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> ModelRun:
        """The forward pass over token ids (e.g. the first n of a text's, for the token slider)."""
        ids = [int(i) for i in ids][:MAX_MODEL_TOKENS]
        tokens = [self._tokenizer.id_to_token(i) or "[UNK]" for i in ids]
        with single_threaded_blas():
            return self._run(tokens, ids, progress, cancelled)

    def _run(self, tokens: list[str], ids: list[int], progress: Progress | None,
             cancelled: Cancelled | None) -> ModelRun:
        n = len(ids)
        d, h = self.info.d_model, self.info.n_heads
        d_k = d // h
        scale = 1.0 / math.sqrt(d_k)
        eps = self._eps
        total = len(self._layers)
        # 1) embeddings: word + position + token type 0, then LayerNorm. The word rows are cast
        #    to float64 after the gather (exact), so the (vocab, d) table is never converted.
        x = self._word[np.asarray(ids, dtype=np.intp)].astype(np.float64)  # (n, d)
        x += self._position[:n]
        x += self._token_type0
        x = _layer_norm(x, *self._ln_emb, eps)
        kept: list[LayerAttention] = []
        for i, layer in enumerate(self._layers):
            if cancelled is not None and cancelled():
                raise ModelCancelled()
            # 2) Q, K, V in one product: (n, d) @ (d, 3d) -> (n, 3d); q_proj etc. are its column blocks
            qkv = x @ layer.w_qkv
            qkv += layer.b_qkv
            q_proj, k_proj, v_proj = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
            # 3) split heads: head i is columns i*d_k .. (i+1)*d_k - 1
            q = q_proj.reshape(n, h, d_k).transpose(1, 0, 2)  # (n, d) -> (h, n, d_k)
            k = k_proj.reshape(n, h, d_k).transpose(1, 0, 2)  # (n, d) -> (h, n, d_k)
            v = v_proj.reshape(n, h, d_k).transpose(1, 0, 2)  # (n, d) -> (h, n, d_k)
            # 4-7) scores, scale by 1/sqrt(d_k), no mask (one sequence, no padding), softmax over keys;
            #      the same operations in the same order as ModelRun.regroup, so regroup(i, h) matches
            logits = q @ k.transpose(0, 2, 1)  # (h, n, d_k) @ (h, d_k, n) -> (h, n, n)
            logits *= scale  # in place: the same products as regroup's, without a second (h, n, n) array
            weights = stable_softmax(logits)
            # 8-9) weighted sum of values, heads side by side
            concat = (weights @ v).transpose(1, 0, 2).reshape(n, d)  # (h, n, d_k) -> (n, h, d_k) -> (n, d)
            # 10) output projection
            attn = concat @ layer.w_o
            attn += layer.b_o
            kept.append(LayerAttention(x=x, w_q=layer.w_q, w_k=layer.w_k, w_v=layer.w_v, w_o=layer.w_o,
                                       b_o=layer.b_o, q_proj=q_proj, k_proj=k_proj, v_proj=v_proj, weights=weights))
            # 11) residual and LayerNorm (post-LN: the norm comes after the sum)
            attn += x
            hidden = _layer_norm(attn, *layer.ln1, eps)
            # 12) feed-forward: act(h W_1 + b_1) W_2 + b_2, residual, LayerNorm -> next layer's input
            inner = hidden @ layer.w_1  # (n, d) @ (d, d_ff) -> (n, d_ff)
            inner += layer.b_1
            ffn = self._act(inner) @ layer.w_2  # (n, d_ff) @ (d_ff, d) -> (n, d)
            ffn += layer.b_2
            ffn += hidden
            x = _layer_norm(ffn, *layer.ln2, eps)
            if progress is not None:
                progress(i + 1, total, f"layer {i + 1} of {total}")
        return ModelRun(self.info, tokens, ids, kept)


def _layer_norm(x: F64, gamma: F64, beta: F64, eps: float) -> F64:
    """(x - mean) / sqrt(var + eps) * gamma + beta over the last axis (biased variance, as BERT)."""
    centred: F64 = x - x.mean(axis=-1, keepdims=True)  # (n, d)
    var = np.einsum("nd,nd->n", centred, centred)[:, None] / x.shape[-1]  # (n,) -> (n, 1)
    centred *= 1.0 / np.sqrt(var + eps)
    centred *= gamma
    centred += beta
    return centred


def _readonly(a: F64) -> F64:
    a.setflags(write=False)
    return a


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _config_int(config: dict[str, Any], key: str, cfg_path: Path, default: int | None = None) -> int:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        if key not in config and default is None:
            raise ModelError(f"{cfg_path} has no {key!r}: a BERT config.json needs hidden_size, num_hidden_layers, "
                             f"num_attention_heads and intermediate_size.")
        raise ModelError(f"{cfg_path}: {key} must be a whole number of at least 1, got {value!r}.")
    return value


def _load_tokenizer(path: Path, limit: int) -> Any:
    try:
        from tokenizers import Tokenizer
        from tokenizers.processors import TemplateProcessing
    except ImportError:  # pragma: no cover - a dependency of the app
        raise ModelError("The tokenizers package is missing: run `pip install tokenizers`.") from None
    tok_path = path / TOKENIZER_FILE
    if not tok_path.is_file():
        raise ModelError(f"{path.name} has no {TOKENIZER_FILE}: save the tokenizer with a recent transformers "
                         f"(tokenizer.save_pretrained) so the folder has its fast-tokenizer file.")
    try:
        tokenizer = Tokenizer.from_file(str(tok_path))
    except Exception as e:
        raise ModelError(f"{tok_path} cannot be read as a tokenizer ({_short(e)}); download it again.") from None
    # Saved tokenizers may pad every text to a fixed length (all-MiniLM-L6-v2 pads to 128 with
    # [PAD]) and truncate at their own length: we never show padding and choose the length.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=limit)
    if tokenizer.post_processor is None:
        # Without a post-processor no [CLS]/[SEP] would be added; BERT was trained with them.
        vocab = tokenizer.get_vocab()
        if "[CLS]" in vocab and "[SEP]" in vocab:
            tokenizer.post_processor = TemplateProcessing(
                single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return tokenizer


def load_bert(path: Path, config: dict[str, Any], progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> BertModel:
    """Read a BERT-family folder (config.json already parsed into ``config``). Raises ModelError
    with one clear sentence for anything unusable, ModelCancelled if ``cancelled()`` turns True."""
    from .discover import folder_model_name

    path = Path(path)
    cfg_path = path / "config.json"
    d = _config_int(config, "hidden_size", cfg_path)
    n_layers = _config_int(config, "num_hidden_layers", cfg_path)
    h = _config_int(config, "num_attention_heads", cfg_path)
    if d % h:
        raise ModelError(f"{cfg_path}: hidden_size {d} is not divisible by num_attention_heads {h}.")
    d_ff = _config_int(config, "intermediate_size", cfg_path, 4 * d)
    act = config.get("hidden_act", "gelu")
    if act not in _GELU_EXACT + _GELU_TANH + _RELU:
        raise ModelError(f"{cfg_path}: hidden_act {act!r} is not supported; supported: "
                         f"{', '.join(_GELU_EXACT + _GELU_TANH + _RELU)}.")
    pos_type = config.get("position_embedding_type", "absolute")
    if pos_type != "absolute":
        raise ModelError(f"{cfg_path}: position_embedding_type {pos_type!r} is not supported; only 'absolute' "
                         f"positions are.")
    eps = config.get("layer_norm_eps", 1e-12)
    if isinstance(eps, bool) or not isinstance(eps, int | float) or not 0 < eps < 1:
        raise ModelError(f"{cfg_path}: layer_norm_eps must be a small positive number, got {eps!r}.")

    weights = _Weights(path / WEIGHTS_FILE)
    vocab_size = _vocab_rows(weights)
    n_pos = _config_int(config, "max_position_embeddings", cfg_path, 512)
    total = n_layers + 1
    if progress is not None:
        progress(0, total, "embeddings")
    word = weights.get("embeddings.word_embeddings.weight", (vocab_size, d))
    word.setflags(write=False)
    position = weights.f64("embeddings.position_embeddings.weight", (n_pos, d))
    if weights.has("embeddings.token_type_embeddings.weight"):
        n_types = _config_int(config, "type_vocab_size", cfg_path, 2)
        token_type0 = _readonly(weights.f64("embeddings.token_type_embeddings.weight", (n_types, d))[0].copy())
    else:  # a checkpoint trained without segments: type 0 adds nothing
        token_type0 = _readonly(np.zeros(d))
    ln_emb = weights.layer_norm("embeddings.LayerNorm", d)
    layers: list[_Layer] = []
    for i in range(n_layers):
        if cancelled is not None and cancelled():
            raise ModelCancelled()
        layers.append(_Layer(weights, i, d, d_ff))
        if progress is not None:
            progress(i + 1, total, f"layer {i + 1} of {n_layers}")
    if weights.has(f"encoder.layer.{n_layers}.attention.self.query.weight"):
        raise ModelError(f"{weights.path} has more layers than num_hidden_layers={n_layers} in config.json: the "
                         f"weights and the config do not belong together.")

    limit = min(MAX_MODEL_TOKENS, n_pos)
    tokenizer = _load_tokenizer(path, limit)
    info = ModelInfo(name=folder_model_name(path, config), family="bert", path=str(path), n_layers=n_layers,
                     n_heads=h, d_model=d, causal=False, vocab_size=vocab_size)
    if progress is not None:
        progress(total, total, "ready")
    return BertModel(info, tokenizer, limit, float(eps), str(act), word, position, token_type0, ln_emb, layers)


def _vocab_rows(weights: _Weights) -> int:
    """The stored row count of the word embeddings (the vocabulary size), read from the header."""
    key = weights.prefix + "embeddings.word_embeddings.weight"
    try:
        shape = weights._file.get_slice(key).get_shape()
    except Exception as e:
        raise ModelError(f"The tensor {key} in {weights.path} cannot be read ({_short(e)}); download it "
                         f"again.") from None
    if len(shape) != 2:
        raise ModelError(f"The tensor {key} in {weights.path} has shape {tuple(shape)}, not (vocab, hidden_size).")
    return int(shape[0])

