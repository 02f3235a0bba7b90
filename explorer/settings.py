"""The synthetic source's settings as one Qt-free value: its ranges, its validation and its
engine config. The state, the examples file and the command line all check settings here, each
phrasing a problem in its own words (a JSON key, a command-line flag)."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, TypeGuard

from .engine import POSITIONAL_MODES, AttentionConfig, valid_head_counts
from .limits import (
    D_MODEL_MAX,
    D_MODEL_MIN,
    DEFAULT_D_MODEL,
    DEFAULT_HEADS,
    HEADS_MAX,
    HEADS_MIN,
    SEED_MAX,
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    TOKENS_MAX,
)

# key -> (low, high) for the whole-number settings
INT_RANGES: dict[str, tuple[int, int]] = {
    "d_model": (D_MODEL_MIN, D_MODEL_MAX),
    "n_heads": (HEADS_MIN, HEADS_MAX),
    "seed": (0, SEED_MAX),
    "n_tokens": (1, TOKENS_MAX),
}
BOOL_KEYS = ("causal", "scaled")
REQUIRED_KEYS = ("d_model", "n_heads", "seed", "causal", "scaled", "temperature", "positional")
OPTIONAL_KEYS = ("n_tokens",)
KEYS = REQUIRED_KEYS + OPTIONAL_KEYS


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a setting. ``kind``: "int" (not a whole number), "bool", "number",
    "range" (outside low..high), "choice" (not one of ``choices``), "divide" (n_heads does not
    divide d_model; ``choices`` are the valid head counts), "missing" or "unknown"."""

    key: str
    value: Any
    kind: str
    low: int | float = 0
    high: int | float = 0
    choices: tuple[Any, ...] = ()


def _is_int(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v))


def problems(values: Mapping[str, Any], *, partial: bool = False) -> list[Problem]:
    """Everything wrong with ``values`` (a full settings mapping, or with ``partial`` any subset)."""
    found = [Problem(k, values[k], "unknown") for k in values if k not in KEYS]
    if not partial:
        found += [Problem(k, None, "missing") for k in REQUIRED_KEYS if k not in values]
    for key, (lo, hi) in INT_RANGES.items():
        if key in values and not (key == "n_tokens" and values[key] is None):
            v = values[key]
            if not _is_int(v):
                found.append(Problem(key, v, "int", lo, hi))
            elif not lo <= v <= hi:
                found.append(Problem(key, v, "range", lo, hi))
    for key in BOOL_KEYS:
        if key in values and not isinstance(values[key], bool):
            found.append(Problem(key, values[key], "bool"))
    if "temperature" in values:
        t = values["temperature"]
        if not _is_number(t):
            found.append(Problem("temperature", t, "number", TEMPERATURE_MIN, TEMPERATURE_MAX))
        elif not TEMPERATURE_MIN <= t <= TEMPERATURE_MAX:
            found.append(Problem("temperature", t, "range", TEMPERATURE_MIN, TEMPERATURE_MAX))
    if "positional" in values and values["positional"] not in POSITIONAL_MODES:
        found.append(Problem("positional", values["positional"], "choice", choices=POSITIONAL_MODES))
    d, h = values.get("d_model"), values.get("n_heads")
    if not any(p.key in ("d_model", "n_heads") for p in found) and _is_int(d) and _is_int(h) and d % h:
        found.append(Problem("n_heads", h, "divide", choices=tuple(valid_head_counts(d, HEADS_MAX))))
    return found


@dataclass(frozen=True)
class Settings:
    """The synthetic engine's knobs: sizes, seed and options (the text is kept apart)."""

    d_model: int = DEFAULT_D_MODEL
    n_heads: int = DEFAULT_HEADS
    seed: int = 0
    causal: bool = False
    scaled: bool = True
    temperature: float = 1.0
    positional: str = "sinusoidal"
    n_tokens: int | None = None  # None: every token of the text (up to TOKENS_MAX)

    def problems(self) -> list[Problem]:
        return problems(self.to_dict())

    def validate(self) -> Settings:
        """Raise ValueError naming the first problem; return self when there is none."""
        found = self.problems()
        if found:
            raise ValueError(describe(found[0]))
        return self

    def to_config(self) -> AttentionConfig:
        return AttentionConfig(d_model=self.d_model, n_heads=self.n_heads, seed=self.seed, causal=self.causal,
                               scaled=self.scaled, temperature=self.temperature, positional=self.positional)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Settings:
        """Settings from a (possibly partial) mapping, validated; unknown keys are problems."""
        known = {f.name for f in fields(cls)}
        found = problems(values, partial=True)
        if found:
            raise ValueError(describe(found[0]))
        return replace(cls(), **{k: v for k, v in values.items() if k in known})


def describe(p: Problem, name: str | None = None) -> str:
    """One English sentence for ``p``, naming the setting as ``name`` (default: its key)."""
    name = name or p.key
    if p.kind == "unknown":
        return f"{name} is not a setting; the settings are {', '.join(KEYS)}."
    if p.kind == "missing":
        return f"{name} is missing."
    if p.kind == "int":
        return f"{name} must be a whole number, got {p.value!r}."
    if p.kind == "bool":
        return f"{name} must be true or false, got {p.value!r}."
    if p.kind == "number":
        return f"{name} must be a finite number, got {p.value!r}."
    if p.kind == "range":
        return f"{name} must be between {_num(p.low)} and {_num(p.high)}, got {p.value}."
    if p.kind == "choice":
        return f"{name} is {p.value!r}; choose one of {', '.join(map(str, p.choices))}."
    return (f"{name}={p.value} does not divide d_model; valid head counts are "
            f"{', '.join(map(str, p.choices))}.")


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
