"""The configuration of one attention computation, validated on construction."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

POSITIONAL_MODES = ("sinusoidal", "none")

# The engine's own bounds. The window and the command line use the tighter ranges in
# explorer.limits; the engine allows more so real models (d_model 768, 12 heads, ...) fit later.
MAX_D_MODEL = 4096
MAX_HEADS = 256
MAX_TOKENS = 4096
MAX_SEED = 2**32 - 1


def valid_head_counts(d_model: int, max_heads: int = MAX_HEADS) -> list[int]:
    """Every h with d_model % h == 0 (and h <= max_heads), ascending."""
    return [h for h in range(1, min(d_model, max_heads) + 1) if d_model % h == 0]


@dataclass(frozen=True)
class AttentionConfig:
    """Sizes and options of one attention layer.

    ``d_model`` is split into ``n_heads`` contiguous blocks of ``d_k = d_model / n_heads``.
    """

    d_model: int = 64
    n_heads: int = 8
    seed: int = 0
    causal: bool = False
    scaled: bool = True
    temperature: float = 1.0
    positional: str = "sinusoidal"

    def __post_init__(self) -> None:
        for name in ("d_model", "n_heads", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number, got {value!r}.")
        if not 1 <= self.d_model <= MAX_D_MODEL:
            raise ValueError(f"d_model must be between 1 and {MAX_D_MODEL}, got {self.d_model}.")
        if not 1 <= self.n_heads <= MAX_HEADS:
            raise ValueError(f"n_heads must be between 1 and {MAX_HEADS}, got {self.n_heads}.")
        if self.d_model % self.n_heads != 0:
            valid = ", ".join(map(str, valid_head_counts(self.d_model)))
            raise ValueError(
                f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}; "
                f"each head needs d_k = d_model / n_heads dimensions. "
                f"Valid head counts for d_model={self.d_model}: {valid}."
            )
        if not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"seed must be between 0 and {MAX_SEED}, got {self.seed}.")
        try:
            temperature = float(self.temperature)
        except (TypeError, ValueError):
            raise ValueError(f"temperature must be a number, got {self.temperature!r}.") from None
        if not math.isfinite(temperature) or temperature <= 0:
            raise ValueError(
                f"temperature must be a finite number greater than 0, got {self.temperature!r}. "
                "Use 1.0 for the plain softmax."
            )
        object.__setattr__(self, "temperature", temperature)
        if self.positional not in POSITIONAL_MODES:
            raise ValueError(
                f"Unknown positional mode {self.positional!r}; "
                f"choose one of: {', '.join(POSITIONAL_MODES)}."
            )
        object.__setattr__(self, "causal", bool(self.causal))
        object.__setattr__(self, "scaled", bool(self.scaled))

    @property
    def d_k(self) -> int:
        return self.d_model // self.n_heads

    @property
    def scale(self) -> float:
        """The factor applied to the raw scores: (1/sqrt(d_k) if scaled) / temperature."""
        return (1.0 / math.sqrt(self.d_k) if self.scaled else 1.0) / self.temperature

    def with_heads(self, n_heads: int) -> AttentionConfig:
        return replace(self, n_heads=n_heads)
