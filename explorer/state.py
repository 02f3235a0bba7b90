"""The app's single source of truth: the current configuration and text. Qt-free.

Widgets call the setters; views subscribe to ``changed`` and read ``pair()``. Setters clamp and
snap their input, so the state never holds an invalid combination (e.g. heads that do not
divide d_model) and the widgets can simply mirror it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .engine import AttentionConfig, AttentionEngine, Trace, TracePair, tokenize, valid_head_counts
from .engine.tokenize import is_control
from .limits import (
    D_MODEL_MAX,
    D_MODEL_MIN,
    DEFAULT_D_MODEL,
    DEFAULT_HEADS,
    DEFAULT_TEXT,
    HEADS_MAX,
    HEADS_MIN,
    SEED_MAX,
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    TOKENS_MAX,
)


class Signal:
    """A minimal observer list (the state must not depend on Qt)."""

    def __init__(self) -> None:
        self._slots: list[Callable] = []

    def connect(self, slot: Callable) -> None:
        self._slots.append(slot)

    def disconnect(self, slot: Callable) -> None:
        self._slots.remove(slot)

    def emit(self, *args) -> None:
        for slot in list(self._slots):
            slot(*args)


@dataclass(frozen=True)
class Notice:
    """A message about the input for the user. ``kind`` is 'error' (nothing new can be drawn)
    or 'info'. ``key`` names the message for translation; ``args`` fill it in."""

    kind: str
    key: str
    args: tuple = ()


# English source texts of the notices; the UI translates them by key.
NOTICE_TEXT = {
    "empty": "Enter some text: there are no tokens to attend over.",
    "whitespace": "The text is only whitespace: there are no tokens to attend over.",
    "truncated": "The text has {0} tokens; only the first {1} are used.",
    "control": "Removed {0} control character(s) from the text.",
    "engine": "{0}",
}


def nearest_valid_heads(d_model: int, wanted: int, direction: int = 0) -> int:
    """The head count to use for ``d_model`` when ``wanted`` is asked for.

    direction > 0 (moving up): the smallest valid count >= wanted; < 0: the largest <= wanted;
    0: the largest valid count <= wanted (so d_k never shrinks below what was asked)."""
    valid = valid_head_counts(d_model, HEADS_MAX)
    if direction > 0:
        up = [h for h in valid if h >= wanted]
        return up[0] if up else valid[-1]
    down = [h for h in valid if h <= wanted]
    return down[-1] if down else valid[0]


@dataclass
class ExplorerState:
    text: str = DEFAULT_TEXT
    d_model: int = DEFAULT_D_MODEL
    n_heads: int = DEFAULT_HEADS
    tokens_wanted: int | None = None  # None: all tokens of the text (up to TOKENS_MAX)
    seed: int = 0
    causal: bool = False
    scaled: bool = True
    temperature: float = 1.0
    positional: str = "sinusoidal"
    changed: Signal = field(default_factory=Signal, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._heads_wanted = self.n_heads
        self._engine = AttentionEngine(max_traces=6)
        self._last_good: TracePair | None = None
        self._last_good_trace: Trace | None = None
        self._text_cache: tuple[str, list[str], list[Notice]] | None = None

    # ---- derived values -------------------------------------------------------------------
    def _analyse_text(self) -> tuple[list[str], list[Notice]]:
        if self._text_cache is None or self._text_cache[0] != self.text:
            notices: list[Notice] = []
            n_control = sum(1 for c in self.text if is_control(c))
            if n_control:
                notices.append(Notice("info", "control", (n_control,)))
            tokens = tokenize(self.text)
            if not tokens:
                notices.append(Notice("error", "empty" if not self.text else "whitespace"))
            elif len(tokens) > TOKENS_MAX:
                notices.append(Notice("info", "truncated", (len(tokens), TOKENS_MAX)))
                tokens = tokens[:TOKENS_MAX]
            self._text_cache = (self.text, tokens, notices)
        return self._text_cache[1], self._text_cache[2]

    @property
    def all_tokens(self) -> list[str]:
        """The text's tokens, at most TOKENS_MAX of them."""
        return self._analyse_text()[0]

    @property
    def max_tokens(self) -> int:
        return len(self.all_tokens)

    @property
    def n_tokens(self) -> int:
        available = self.max_tokens
        return available if self.tokens_wanted is None else min(self.tokens_wanted, available)

    @property
    def tokens(self) -> list[str]:
        return self.all_tokens[: self.n_tokens]

    @property
    def notices(self) -> list[Notice]:
        return list(self._analyse_text()[1])

    @property
    def d_k(self) -> int:
        return self.d_model // self.n_heads

    @property
    def config(self) -> AttentionConfig:
        return AttentionConfig(
            d_model=self.d_model, n_heads=self.n_heads, seed=self.seed, causal=self.causal,
            scaled=self.scaled, temperature=self.temperature, positional=self.positional,
        )

    def valid_heads(self) -> list[int]:
        return valid_head_counts(self.d_model, HEADS_MAX)

    def trace(self) -> Trace | None:
        """The h-head trace for the current state (what the heads grid draws); the last good one
        when the current input cannot be computed. None before any success."""
        tokens = self.tokens
        if tokens:
            try:
                self._last_good_trace = self._engine.compute(self.config, tokens)
            except ValueError:
                pass
        return self._last_good_trace

    def pair(self) -> TracePair | None:
        """The h-head and single-head traces for the current state; the last good pair when the
        current input cannot be computed (its notice says why). None before any success."""
        tokens = self.tokens
        if not tokens:
            return self._last_good
        try:
            pair = self._engine.compute_pair(self.config, tokens)
        except ValueError:
            return self._last_good
        self._last_good = pair
        self._last_good_trace = pair.multi
        return pair

    def error(self) -> Notice | None:
        """Why the current input cannot be drawn, if it cannot."""
        for n in self.notices:
            if n.kind == "error":
                return n
        if self.tokens:
            try:
                self.config
            except ValueError as e:
                return Notice("error", "engine", (str(e),))
        return None

    # ---- setters ----------------------------------------------------------------------------
    def _set(self, **values) -> None:
        changed = {k for k, v in values.items() if getattr(self, k) != v}
        if not changed:
            return
        for k in changed:
            setattr(self, k, values[k])
        self.changed.emit(frozenset(changed))

    def set_text(self, text: str) -> None:
        self._set(text=str(text))

    def set_d_model(self, d_model: int) -> None:
        d = max(D_MODEL_MIN, min(D_MODEL_MAX, int(d_model)))
        self._set(d_model=d, n_heads=nearest_valid_heads(d, self._heads_wanted))

    def set_n_heads(self, n_heads: int) -> None:
        """Snap to a head count that divides d_model, in the direction of the change."""
        wanted = max(HEADS_MIN, min(HEADS_MAX, int(n_heads)))
        direction = (wanted > self.n_heads) - (wanted < self.n_heads)
        h = nearest_valid_heads(self.d_model, wanted, direction)
        self._heads_wanted = h
        self._set(n_heads=h)

    def set_n_tokens(self, n: int) -> None:
        n = max(1, int(n))
        self._set(tokens_wanted=None if n >= self.max_tokens else n)

    def set_seed(self, seed: int) -> None:
        self._set(seed=max(0, min(SEED_MAX, int(seed))))

    def set_causal(self, on: bool) -> None:
        self._set(causal=bool(on))

    def set_scaled(self, on: bool) -> None:
        self._set(scaled=bool(on))

    def set_temperature(self, t: float) -> None:
        self._set(temperature=max(TEMPERATURE_MIN, min(TEMPERATURE_MAX, float(t))))

    def set_positional(self, on_or_mode) -> None:
        mode = on_or_mode if isinstance(on_or_mode, str) else ("sinusoidal" if on_or_mode else "none")
        if mode not in ("sinusoidal", "none"):
            raise ValueError(f"Unknown positional mode {mode!r}; choose sinusoidal or none.")
        self._set(positional=mode)

    def apply(self, settings: dict) -> None:
        """Set several fields at once (an example's suggested settings), one change event."""
        values = {}
        if "text" in settings:
            values["text"] = str(settings["text"])
        d = max(D_MODEL_MIN, min(D_MODEL_MAX, int(settings.get("d_model", self.d_model))))
        values["d_model"] = d
        if "n_heads" in settings:
            self._heads_wanted = int(settings["n_heads"])
        values["n_heads"] = nearest_valid_heads(d, self._heads_wanted)
        for key in ("seed", "causal", "scaled", "temperature", "positional"):
            if key in settings:
                values[key] = settings[key]
        if "n_tokens" in settings:
            values["tokens_wanted"] = settings["n_tokens"]
        elif "text" in settings:
            values["tokens_wanted"] = None
        self._set(**values)
