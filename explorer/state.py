"""The app's single source of truth: the current configuration and text. Qt-free.

Widgets call the setters; views subscribe to ``changed`` and read ``pair()``. Setters clamp and
snap their input, so the state never holds an invalid combination (e.g. heads that do not
divide d_model) and the widgets can simply mirror it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .colorscale import SCALES
from .engine import AttentionConfig, AttentionEngine, Trace, TracePair, valid_head_counts
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
from .settings import Settings
from .sources import AttentionSource, SourceInfo, SyntheticSource


class Signal:
    """A minimal observer list (the state must not depend on Qt)."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., object]] = []

    def connect(self, slot: Callable[..., object]) -> None:
        self._slots.append(slot)

    def disconnect(self, slot: Callable[..., object]) -> None:
        self._slots.remove(slot)

    def emit(self, *args: object) -> None:
        for slot in list(self._slots):
            slot(*args)


@dataclass(frozen=True)
class Notice:
    """A message about the input for the user. ``kind`` is 'error' (nothing new can be drawn)
    or 'info'. ``key`` names the message for translation; ``args`` fill it in."""

    kind: str
    key: str
    args: tuple[object, ...] = ()


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


MAX_REGROUP = 64  # the comparison offers regroupings into at most this many heads

# the selections the views share (sessions and examples set them; views follow them)
VIEWS_DEFAULT = "heads"


@dataclass
class ExplorerState:
    """Source + settings + text + layer + selections. Qt-free: views subscribe to ``changed``
    (a frozenset of field names) and read ``trace()`` / ``pair()``."""

    text: str = DEFAULT_TEXT
    d_model: int = DEFAULT_D_MODEL
    n_heads: int = DEFAULT_HEADS
    tokens_wanted: int | None = None  # None: all tokens of the text (up to TOKENS_MAX)
    seed: int = 0
    causal: bool = False
    scaled: bool = True
    temperature: float = 1.0
    positional: str = "sinusoidal"
    source: AttentionSource = field(default_factory=SyntheticSource, repr=False, compare=False)
    layer: int = 0
    regroup_heads: int = 1  # h' of the comparison: the same weights regrouped (1 = one head)
    # selections (0-based); the views keep them in range of what is shown
    view: str = VIEWS_DEFAULT
    head: int = 0
    stage: int = 7
    query: int | None = None
    key: int | None = None
    color_scale: str = "linear"  # how attention maps are coloured: explorer.colorscale.SCALES
    changed: Signal = field(default_factory=Signal, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._heads_wanted = self.n_heads
        self._last_good: TracePair | None = None
        self._text_cache: tuple[object, str, list[str], list[Notice]] | None = None
        self._memo: dict[str, object] = {}  # the pair of the last inputs it was computed for
        self.stats = {"computations": 0}  # source computations (a tick should cost one per trace)

    @property
    def engine(self) -> AttentionEngine | None:
        """The synthetic source's engine (None for a model source)."""
        return getattr(self.source, "engine", None)

    # ---- derived values -------------------------------------------------------------------
    def _analyse_text(self) -> tuple[list[str], list[Notice]]:
        if self._text_cache is None or self._text_cache[:2] != (self.source, self.text):
            notices: list[Notice] = []
            n_control = sum(1 for c in self.text if is_control(c))
            if n_control:
                notices.append(Notice("info", "control", (n_control,)))
            try:
                tokens = self.source.tokenize(self.text)
            except ValueError as e:  # a model's tokenizer refusing the text
                tokens = []
                notices.append(Notice("error", "engine", (str(e),)))
            else:
                if not tokens:
                    notices.append(Notice("error", "empty" if not self.text else "whitespace"))
                elif len(tokens) > TOKENS_MAX:
                    notices.append(Notice("info", "truncated", (len(tokens), TOKENS_MAX)))
            self._text_cache = (self.source, self.text, tokens[:TOKENS_MAX], notices)
        return self._text_cache[2], self._text_cache[3]

    @property
    def all_tokens(self) -> list[str]:
        """The text's tokens (the source's tokenizer), at most TOKENS_MAX of them."""
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
    def info(self) -> SourceInfo:
        return self.source.info(self.settings)

    @property
    def is_model(self) -> bool:
        return not isinstance(self.source, SyntheticSource)

    @property
    def shown_heads(self) -> int:
        """The head count the heads grid shows (a model's own, or the slider's)."""
        return self.info.n_heads

    @property
    def d_k(self) -> int:
        info = self.info
        return info.d_model // info.n_heads

    @property
    def settings(self) -> Settings:
        return Settings(d_model=self.d_model, n_heads=self.n_heads, seed=self.seed, causal=self.causal,
                        scaled=self.scaled, temperature=self.temperature, positional=self.positional,
                        n_tokens=None if self.tokens_wanted is None else self.n_tokens)

    @property
    def config(self) -> AttentionConfig:
        return self.settings.to_config()

    def valid_heads(self) -> list[int]:
        return valid_head_counts(self.d_model, HEADS_MAX)

    def valid_regroups(self) -> list[int]:
        """Head counts the comparison can regroup the weights into (divisors of d_model)."""
        return valid_head_counts(self.info.d_model, MAX_REGROUP)

    def pending(self) -> bool:
        """True when the source must run first (a model's forward pass, done in a worker)."""
        return bool(self.tokens) and not self.source.ready(self.text, self.settings)

    def _compute(self) -> TracePair | None:
        """The pair for the current state, computed once per change (then memoised)."""
        try:
            regroup = self.regroup_heads if self.regroup_heads in self.valid_regroups() else 1
        except ValueError:
            regroup = 1
        key = (id(self.source), self.text, self.settings, self.layer, regroup)
        if self._memo.get("key") == key:
            return self._memo["pair"]  # type: ignore[return-value]
        pair = None
        if self.tokens and not self.pending():
            try:
                pair = self.source.pair(self.text, self.settings, self.layer, regroup)
                self.stats["computations"] += 1
            except ValueError:
                pair = None
        if pair is not None:
            self._last_good = pair
            self._memo = {"key": key, "pair": pair}  # a failure or a pending run is asked again
        return pair

    def trace(self) -> Trace | None:
        """The h-head trace for the current state (what the heads grid draws); the last good one
        when the current input cannot be computed. None before any success."""
        pair = self._compute()
        return pair.multi if pair is not None else (self._last_good.multi if self._last_good else None)

    def pair(self) -> TracePair | None:
        """The h-head trace and the same weights regrouped (h' heads, 1 by default); the last
        good pair when the current input cannot be computed (its notice says why)."""
        pair = self._compute()
        return pair if pair is not None else self._last_good

    def layer_weights(self) -> np.ndarray | None:
        """(n_layers, n_heads, n, n) of every layer (model view, line view, head scores)."""
        if not self.tokens or self.pending():
            return None
        try:
            return self.source.layer_weights(self.text, self.settings)
        except ValueError:
            return None

    def error(self) -> Notice | None:
        """Why the current input cannot be drawn, if it cannot."""
        for n in self.notices:
            if n.kind == "error":
                return n
        if self.tokens and not self.is_model:
            try:
                self.config  # noqa: B018 - the engine's own check and message
            except ValueError as e:
                return Notice("error", "engine", (str(e),))
        return None

    # ---- setters ----------------------------------------------------------------------------
    def _set(self, **values: Any) -> None:
        changed = {k for k, v in values.items() if getattr(self, k) != v or k == "source"}
        if "source" in values and values["source"] is self.source:
            changed.discard("source")
        if not changed:
            return
        for k in changed:
            setattr(self, k, values[k])
        self._clamp_selections()
        self.changed.emit(frozenset(changed))

    def _clamp_selections(self) -> None:
        """Selections stay inside what is shown (a head index out of range snaps to the last)."""
        n, h = self.n_tokens, self.shown_heads
        self.head = max(0, min(self.head, h - 1))
        self.layer = max(0, min(self.layer, self.info.n_layers - 1))
        self.stage = max(0, min(self.stage, 10))
        if self.query is not None:
            self.query = max(0, min(self.query, n - 1)) if n else None
        if self.key is not None:
            self.key = max(0, min(self.key, n - 1)) if n else None

    def set_text(self, text: str) -> None:
        self._set(text=str(text))

    def set_source(self, source: AttentionSource) -> None:
        """Switch to another source (a model, or back to the random weights). The text stays."""
        self._text_cache = None
        self._last_good = None
        self._set(source=source, layer=0, regroup_heads=1)

    def set_layer(self, layer: int) -> None:
        self._set(layer=max(0, min(int(layer), self.info.n_layers - 1)))

    def set_regroup_heads(self, h: int) -> None:
        h = int(h)
        valid = self.valid_regroups()
        if h not in valid:
            h = min(valid, key=lambda v: (abs(v - h), v))
        self._set(regroup_heads=h)

    def set_head(self, head: int) -> None:
        self._set(head=max(0, min(int(head), self.shown_heads - 1)))

    def set_stage(self, stage: int) -> None:
        self._set(stage=max(0, min(int(stage), 10)))

    def set_query(self, query: int | None) -> None:
        self._set(query=None if query is None else max(0, min(int(query), max(0, self.n_tokens - 1))))

    def set_key(self, key: int | None) -> None:
        self._set(key=None if key is None else max(0, min(int(key), max(0, self.n_tokens - 1))))

    def clear_focus(self) -> None:
        """Forget the selected query and key tokens (Esc)."""
        self._set(query=None, key=None)

    def set_color_scale(self, mode: str) -> None:
        if mode not in SCALES:
            raise ValueError(f"Unknown colour scale {mode!r}; choose one of {', '.join(SCALES)}.")
        self._set(color_scale=mode)

    def set_view(self, view: str) -> None:
        self._set(view=str(view))

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

    def set_positional(self, on_or_mode: str | bool) -> None:
        mode = on_or_mode if isinstance(on_or_mode, str) else ("sinusoidal" if on_or_mode else "none")
        if mode not in ("sinusoidal", "none"):
            raise ValueError(f"Unknown positional mode {mode!r}; choose sinusoidal or none.")
        self._set(positional=mode)

    def apply(self, settings: dict[str, Any]) -> None:
        """Set several fields at once (an example's or a session's), as one change event, in
        order: the text, then the config, then the selections, each checked against the new
        text (never against the previous one)."""
        values: dict[str, Any] = {}
        if "text" in settings:
            values["text"] = str(settings["text"])
        d = max(D_MODEL_MIN, min(D_MODEL_MAX, int(settings.get("d_model", self.d_model))))
        values["d_model"] = d
        if "n_heads" in settings:
            self._heads_wanted = int(settings["n_heads"])
        values["n_heads"] = nearest_valid_heads(d, self._heads_wanted)
        if settings.get("color_scale") in SCALES:
            values["color_scale"] = settings["color_scale"]
        for key in ("seed", "causal", "scaled", "temperature", "positional", "view", "layer", "regroup_heads"):
            if key in settings:
                values[key] = settings[key]
        if "n_tokens" in settings:
            values["tokens_wanted"] = settings["n_tokens"]
        elif "text" in settings:
            values["tokens_wanted"] = None
        # selections: set raw here; _set clamps them against the new text and sizes
        for key in ("head", "stage", "query", "key"):
            if key in settings:
                values[key] = settings[key]
        self._set(**values)
