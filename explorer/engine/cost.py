"""What attention costs: parameters, multiply-adds per stage, and attention-matrix memory."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cost:
    params: int  # weights of W_Q, W_K, W_V, W_O (no biases)
    macs: dict[str, int]  # multiply-adds per stage key (explorer.engine.stages)
    softmax_exps: int  # exponentials evaluated
    attention_floats: int  # entries of the attention matrices, h * n * n
    attention_bytes: int  # as float32

    @property
    def total_macs(self) -> int:
        return sum(self.macs.values())


def attention_cost(n: int, d_model: int, n_heads: int) -> Cost:
    """Cost of one attention layer over n tokens. d_k = d_model / n_heads, so the head count
    moves work between heads but leaves the projections and the products the same size."""
    d_k = d_model // n_heads
    macs = {
        "project": 3 * n * d_model * d_model,  # x @ w_q, w_k, w_v
        "scores": n_heads * n * n * d_k,  # q_h @ k_h^T for each head = n^2 d_model
        "scale": n_heads * n * n,
        "weighted_sum": n_heads * n * n * d_k,  # weights_h @ v_h
        "output": n * d_model * d_model,  # concat @ w_o
    }
    floats = n_heads * n * n
    return Cost(4 * d_model * d_model, macs, floats, floats, 4 * floats)
