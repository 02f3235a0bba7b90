"""A one-layer, attention-only Transformer in numpy, with a hand-written backward pass.

    x      = embed[tokens] + pos                      (B, n, d_model)   token embedding + learned positions
    Q,K,V  = x W_Q, x W_K, x W_V                      (B, n, d_model)
    heads  : head i is columns i*d_k .. (i+1)*d_k - 1, as in explorer.engine.attention.split_heads
    A      = softmax(Q_i K_i^T / sqrt(d_k) [+ causal mask])
    y      = concat_i(A_i V_i) W_O                    (B, n, d_model)
    logits = y U_t + c_t, one linear read-out per target t

There is no residual path, no MLP and no layer norm on purpose: every bit a read-out sees went
through the attention weights, so what the heads do is the whole story. The parameter count
depends on vocab, n, d_model and the number of targets only, never on the head count h: more
heads means narrower heads (d_k = d_model / h) in the same matrices.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]
Params = dict[str, Array]

IGNORE = -1  # a target equal to IGNORE contributes nothing to the loss or the accuracy


@dataclass(frozen=True)
class ModelShape:
    """The sizes of a model; ``targets`` names the read-outs, in order."""

    vocab: int
    n: int
    d_model: int
    heads: int
    targets: tuple[str, ...]
    causal: bool = False

    def __post_init__(self) -> None:
        for name in ("vocab", "n", "d_model", "heads"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
        if self.d_model % self.heads:
            valid = ", ".join(str(c) for c in range(1, self.d_model + 1) if self.d_model % c == 0)
            raise ValueError(f"{self.heads} heads do not divide d_model={self.d_model}; "
                             f"valid head counts: {valid}.")
        if not self.targets:
            raise ValueError("A model needs at least one target.")

    @property
    def d_k(self) -> int:
        return self.d_model // self.heads


def param_names(targets: tuple[str, ...]) -> list[str]:
    names = ["embed", "pos", "w_q", "w_k", "w_v", "w_o"]
    for t in targets:
        names += [f"out_{t}", f"bias_{t}"]
    return names


def param_shapes(shape: ModelShape) -> dict[str, tuple[int, ...]]:
    d, v = shape.d_model, shape.vocab
    out: dict[str, tuple[int, ...]] = {"embed": (v, d), "pos": (shape.n, d), "w_q": (d, d), "w_k": (d, d),
                                       "w_v": (d, d), "w_o": (d, d)}
    for t in shape.targets:
        out[f"out_{t}"] = (d, v)
        out[f"bias_{t}"] = (v,)
    return out


def count_params(shape: ModelShape) -> int:
    """The number of trainable numbers; the same for every head count."""
    return sum(math.prod(s) for s in param_shapes(shape).values())


def init_params(shape: ModelShape, rng: np.random.Generator) -> Params:
    """Gaussian initial weights. Nothing here depends on the head count, so every h starts from
    exactly the same numbers for the same seed: only how the columns are grouped differs."""
    d = shape.d_model
    params: Params = {}
    for name, s in param_shapes(shape).items():
        if name.startswith("bias_"):
            params[name] = np.zeros(s)
        elif name in ("embed", "pos"):
            params[name] = rng.normal(0.0, 1.0, s)  # unit-size inputs, so the scores start in softmax's live range
        else:
            params[name] = rng.normal(0.0, 1.0 / math.sqrt(d), s)  # keeps activations ~unit size
    return params


def _split(a: Array, h: int) -> Array:
    b, n, d = a.shape
    return a.reshape(b, n, h, d // h).transpose(0, 2, 1, 3)  # (B, n, d_model) -> (B, h, n, d_k)


def _merge(a: Array) -> Array:
    b, h, n, d_k = a.shape
    return a.transpose(0, 2, 1, 3).reshape(b, n, h * d_k)  # (B, h, n, d_k) -> (B, n, d_model)


@dataclass
class Forward:
    """Everything the forward pass computed that the backward pass or the views need."""

    tokens: IntArray  # (B, n)
    x: Array  # (B, n, d_model)
    q: Array  # (B, h, n, d_k)
    k: Array  # (B, h, n, d_k)
    v: Array  # (B, h, n, d_k)
    weights: Array  # (B, h, n, n) softmax rows
    head_out: Array  # (B, h, n, d_k) A V, after the head mask
    y: Array  # (B, n, d_model) attention output
    logits: dict[str, Array]  # target -> (B, n, vocab)
    head_mask: Array  # (h,) 1 for a head in use, 0 for an ablated one


def forward(shape: ModelShape, params: Params, tokens: IntArray, head_mask: Array | None = None) -> Forward:
    """The forward pass over a batch of token ids (B, n'), n' <= n."""
    tokens = np.asarray(tokens, dtype=np.int64)
    if tokens.ndim != 2:
        raise ValueError(f"tokens must be (batch, n), got shape {tokens.shape}.")
    b, n = tokens.shape
    if n > shape.n:
        raise ValueError(f"At most {shape.n} tokens fit the learned positions, got {n}.")
    h = shape.heads
    mask = np.ones(h) if head_mask is None else np.asarray(head_mask, dtype=np.float64)
    x = params["embed"][tokens] + params["pos"][:n]  # (B, n, d_model)
    q = _split(x @ params["w_q"], h)
    k = _split(x @ params["w_k"], h)
    v = _split(x @ params["w_v"], h)
    scores = (q @ k.transpose(0, 1, 3, 2)) * (1.0 / math.sqrt(shape.d_k))  # (B,h,n,d_k) @ (B,h,d_k,n) -> (B,h,n,n)
    if shape.causal:
        # the diagonal is always allowed, so every row keeps a finite maximum
        scores = np.where(np.tril(np.ones((n, n), dtype=bool)), scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    with np.errstate(under="ignore"):
        e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    head_out = (weights @ v) * mask[None, :, None, None]  # (B,h,n,n) @ (B,h,n,d_k) -> (B,h,n,d_k)
    y = _merge(head_out) @ params["w_o"]
    logits = {t: y @ params[f"out_{t}"] + params[f"bias_{t}"] for t in shape.targets}
    return Forward(tokens, x, q, k, v, weights, head_out, y, logits, mask)


def _log_softmax(z: Array) -> Array:
    z = z - z.max(axis=-1, keepdims=True)
    out: Array = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return out


def loss_and_grads(shape: ModelShape, params: Params, tokens: IntArray, targets: dict[str, IntArray],
                   head_mask: Array | None = None, need_grads: bool = True) -> tuple[float, Params, Forward]:
    """Cross-entropy averaged over the valid positions of each target, then over the targets;
    its gradient with respect to every parameter (empty if ``need_grads`` is False)."""
    f = forward(shape, params, tokens, head_mask)
    n_t = len(shape.targets)
    loss = 0.0
    d_logits: dict[str, Array] = {}
    for t in shape.targets:
        tgt = np.asarray(targets[t], dtype=np.int64)  # (B, n)
        valid = tgt != IGNORE
        count = max(1, int(valid.sum()))
        logp = _log_softmax(f.logits[t])  # (B, n, vocab)
        safe = np.where(valid, tgt, 0)
        picked = np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]  # (B, n)
        loss += float(-(picked * valid).sum() / count) / n_t
        if need_grads:
            g = np.exp(logp)
            np.put_along_axis(g, safe[..., None], np.take_along_axis(g, safe[..., None], axis=-1) - 1.0, axis=-1)
            d_logits[t] = g * (valid[..., None] / (count * n_t))
    if not need_grads:
        return loss, {}, f
    return loss, backward(shape, params, f, d_logits), f


def backward(shape: ModelShape, params: Params, f: Forward, d_logits: dict[str, Array]) -> Params:
    """Gradients of a scalar whose gradient with respect to each target's logits is ``d_logits``."""
    b, n = f.tokens.shape
    d = shape.d_model
    grads: Params = {}
    d_y = np.zeros_like(f.y)
    y2 = f.y.reshape(b * n, d)  # (B, n, d_model) -> (B*n, d_model): one product over every position
    for t in shape.targets:
        g2 = d_logits[t].reshape(b * n, shape.vocab)  # (B, n, vocab) -> (B*n, vocab)
        grads[f"out_{t}"] = y2.T @ g2
        grads[f"bias_{t}"] = g2.sum(axis=0)
        d_y += d_logits[t] @ params[f"out_{t}"].T
    concat = _merge(f.head_out)
    grads["w_o"] = concat.reshape(b * n, d).T @ d_y.reshape(b * n, d)  # (B, n, d) -> (B*n, d) both
    d_head = _split(d_y @ params["w_o"].T, shape.heads) * f.head_mask[None, :, None, None]  # (B, h, n, d_k)
    d_w = d_head @ f.v.transpose(0, 1, 3, 2)  # (B,h,n,d_k) @ (B,h,d_k,n) -> (B,h,n,n)
    d_v = f.weights.transpose(0, 1, 3, 2) @ d_head  # A^T: (B,h,n,n) @ (B,h,n,d_k) -> (B,h,n,d_k)
    # softmax backward: masked keys have weight 0, so their score gradient is 0 too
    d_s = f.weights * (d_w - (d_w * f.weights).sum(axis=-1, keepdims=True))
    d_s *= 1.0 / math.sqrt(shape.d_k)
    d_q = d_s @ f.k  # (B,h,n,n) @ (B,h,n,d_k) -> (B,h,n,d_k)
    d_k = d_s.transpose(0, 1, 3, 2) @ f.q  # (B,h,n,n)^T @ (B,h,n,d_k) -> (B,h,n,d_k)
    x2 = f.x.reshape(b * n, d)  # (B, n, d_model) -> (B*n, d_model)
    d_x = np.zeros((b * n, d))
    for name, g in (("w_q", d_q), ("w_k", d_k), ("w_v", d_v)):
        g2 = _merge(g).reshape(b * n, d)  # (B, h, n, d_k) -> (B, n, d_model) -> (B*n, d_model)
        grads[name] = x2.T @ g2
        d_x += g2 @ params[name].T
    grads["pos"] = np.zeros_like(params["pos"])
    grads["pos"][:n] = d_x.reshape(b, n, d).sum(axis=0)  # (B*n, d) -> (B, n, d): summed over the batch
    # one-hot (vocab, B*n) @ (B*n, d_model): a token seen twice adds both gradients (and is
    # much faster than np.add.at for a few hundred rows)
    one_hot = np.arange(shape.vocab)[:, None] == f.tokens.reshape(1, -1)
    grads["embed"] = one_hot.astype(np.float64) @ d_x
    return grads


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction; state per parameter name."""

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m: Params = {}
        self.v: Params = {}

    def update(self, params: Params, grads: Params) -> None:
        self.t += 1
        c1 = 1.0 - self.beta1 ** self.t
        c2 = 1.0 - self.beta2 ** self.t
        for name, g in grads.items():
            m = self.m.setdefault(name, np.zeros_like(g))
            v = self.v.setdefault(name, np.zeros_like(g))
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            params[name] -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
