"""The example library: curated texts and settings, each with a bilingual note and the
machine-checkable claims (``checks``) that make the note true. Qt-free.

``load_examples`` validates the JSON file and never raises for a bad file: every problem
becomes one English sentence in ``ExampleLibrary.problems``, invalid examples are dropped, and
when nothing valid remains the library holds one built-in default example.

``verify_checks`` runs the engine with an example's settings and returns the checks that do
not hold. Loading does not run it (start-up speed); the tests and tools/check_examples.py do.

Check kinds (heads are 1-based as the UI shows them; token indices are 0-based)::

    token_is              index, token            the token at ``index`` is ``token``
    n_tokens              value                   the number of tokens the app uses
    text_tokens_at_least  value                   the text alone has at least this many tokens
    argmax                head, query, key        the largest weight of row ``query`` is on ``key``
    argmax_not            head, query, key        ... is not on ``key``
    weight_above          head, query, key, value weights[query, key] > value
    weight_below          head, query, key, value weights[query, key] < value
    entropy_above         head, value             normalised mean row entropy > value
    entropy_below         head, value             normalised mean row entropy < value
    distance_above        head, value             mean attention distance (tokens) > value
    row_max_above         head, value             every row's largest weight > value
    future_mass_above     head, query, value      weight of row ``query`` on later keys > value
    causal_zeros                                  every head and the single head: 0 above the diagonal
    identical_rows        positions: [i, j]       rows i and j equal in every head
    identical_columns     positions: [i, j]       columns i and j equal in every head
    rows_differ           head, positions, value  max |row i - row j| > value
    single_vs_mean_js_above       value           JS(single head, mean of heads) > value (bits)
    single_vs_mean_max_abs_above  value           max |single - mean| > value

``head`` is a head number, "all" (every head must satisfy it), "single" (the 1-head trace on
the same weights) or "mean" (the mean of the heads). Any check may carry ``with``: settings
that override the example's (e.g. ``{"scaled": true}``) to state what a toggle changes.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from .engine import AttentionConfig, compute_pair, tokenize, trace_metrics
from .engine.metrics import Metrics, row_entropy_bits, single_vs_mean
from .limits import (
    DEFAULT_D_MODEL,
    DEFAULT_HEADS,
    DEFAULT_TEXT,
    TOKENS_MAX,
)
from .resources_path import resource
from .settings import OPTIONAL_KEYS as SETTINGS_OPTIONAL
from .settings import REQUIRED_KEYS as SETTINGS_REQUIRED
from .settings import Settings
from .settings import problems as settings_problems

# resources/examples.json, shipped as package data (explorer.resources) with every install
DEFAULT_PATH = Path(str(resource("examples.json")))
LANGUAGES = ("en", "zh")

REQUIRED_FIELDS = ("id", "title", "note", "text", "settings", "checks")
OPTIONAL_FIELDS = ("query", "key", "head")
REQUIRED_SETTINGS = SETTINGS_REQUIRED
OPTIONAL_SETTINGS = SETTINGS_OPTIONAL
SETTING_KEYS = REQUIRED_SETTINGS + OPTIONAL_SETTINGS

# kind -> required parameters (besides "kind"); every kind also accepts "with".
CHECK_KINDS: dict[str, tuple[str, ...]] = {
    "token_is": ("index", "token"),
    "n_tokens": ("value",),
    "text_tokens_at_least": ("value",),
    "argmax": ("head", "query", "key"),
    "argmax_not": ("head", "query", "key"),
    "weight_above": ("head", "query", "key", "value"),
    "weight_below": ("head", "query", "key", "value"),
    "entropy_above": ("head", "value"),
    "entropy_below": ("head", "value"),
    "distance_above": ("head", "value"),
    "row_max_above": ("head", "value"),
    "future_mass_above": ("head", "query", "value"),
    "causal_zeros": (),
    "identical_rows": ("positions",),
    "identical_columns": ("positions",),
    "rows_differ": ("head", "positions", "value"),
    "single_vs_mean_js_above": ("value",),
    "single_vs_mean_max_abs_above": ("value",),
}
HEAD_WORDS = ("all", "single", "mean")
_IDENTICAL_TOL = 1e-12


@dataclass
class Example:
    id: str
    title: dict[str, str]
    note: dict[str, str]
    text: str
    settings: dict[str, Any]
    query: int | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)
    head: int | None = None  # the head the note talks about, 1-based as in the note ("Head 8")
    key: int | None = None  # the key token the note points at (0-based, as the query)

    def title_for(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en", "")

    def note_for(self, lang: str) -> str:
        return self.note.get(lang) or self.note.get("en", "")

    @property
    def tokens(self) -> list[str]:
        """The tokens the app uses for this example: at most TOKENS_MAX, then ``n_tokens``."""
        tokens = tokenize(self.text)[:TOKENS_MAX]
        n = self.settings.get("n_tokens")
        return tokens if n is None else tokens[:n]

    def config(self, overrides: dict[str, Any] | None = None) -> AttentionConfig:
        return Settings.from_dict({**self.settings, **(overrides or {})}).to_config()


@dataclass
class ExampleLibrary:
    examples: list[Example]
    problems: list[str] = field(default_factory=list)

    def get(self, example_id: str) -> Example | None:
        for ex in self.examples:
            if ex.id == example_id:
                return ex
        return None

    def ids(self) -> list[str]:
        return [ex.id for ex in self.examples]


def default_example() -> Example:
    """The built-in example used when the file gives nothing usable."""
    return Example(
        id="default",
        title={"en": "Default sentence", "zh": "默认句子"},
        note={
            "en": "The built-in sentence with 8 heads of 8 dimensions each. The weights are random "
                  "(seeded, not trained): pick a row to see where that token attends.",
            "zh": "内置的句子，8 个头，每个头 8 维。权重是随机的（由种子决定，未经训练）："
                  "选择一行，查看该词元关注哪里。",
        },
        text=DEFAULT_TEXT,
        settings={"d_model": DEFAULT_D_MODEL, "n_heads": DEFAULT_HEADS, "seed": 0, "causal": False,
                  "scaled": True, "temperature": 1.0, "positional": "sinusoidal"},
        query=None,
        checks=[],
    )


# ---- validation ---------------------------------------------------------------------------------
def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(float(v))


def _validate_bilingual(name: str, value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where} has a {name!r} that is not an object with 'en' and 'zh' texts."]
    problems = []
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where} is missing the {lang!r} text of its {name!r}.")
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        problems.append(f"{where} has unknown language key(s) {', '.join(map(repr, unknown))} in its "
                        f"{name!r}; use 'en' and 'zh'.")
    return problems


_EXAMPLE_PHRASES = {
    "int": "{where} has {key}={value!r} in its {label}; it must be a whole number.",
    "range": "{where} has {key}={value} in its {label}, outside the allowed range {low} to {high}.",
    "bool": "{where} has {key}={value!r} in its {label}; it must be true or false.",
    "number": "{where} has {key}={value!r} in its {label}; it must be a number.",
    "choice": "{where} has {key}={value!r} in its {label}; choose one of {choices}.",
    "missing": "{where} is missing {key!r} in its {label}.",
    "divide": "{where} has n_heads={value} in its {label}, which does not divide d_model={d_model}; "
              "valid head counts for d_model={d_model} are {choices}.",
}


def _validate_settings(settings: Any, where: str, *, partial: bool = False, label: str = "settings") -> list[str]:
    """Problems with a settings object (checked by explorer.settings); ``partial`` allows missing
    keys (a check's "with")."""
    if not isinstance(settings, dict):
        return [f"{where} has {label} that are not an object."]
    out = []
    for p in settings_problems(settings, partial=partial):
        if p.kind == "divide":
            continue  # reported once the settings are complete (see _check_heads_divide)
        if p.kind == "unknown":
            hint = " (the text is the example's own 'text' field)" if p.key == "text" else ""
            out.append(f"{where} has an unknown key {p.key!r} in its {label}{hint}; "
                       f"allowed keys are {', '.join(SETTING_KEYS)}.")
            continue
        out.append(_EXAMPLE_PHRASES[p.kind].format(where=where, key=p.key, value=p.value, label=label, low=p.low,
                                                   high=p.high, choices=", ".join(map(str, p.choices))))
    return out


def _check_heads_divide(settings: dict[str, Any], where: str, label: str = "settings") -> list[str]:
    return [_EXAMPLE_PHRASES["divide"].format(where=where, value=p.value, label=label, d_model=settings["d_model"],
                                              choices=", ".join(map(str, p.choices)))
            for p in settings_problems(settings, partial=True) if p.kind == "divide"]


def _validate_check(check: Any, i: int, where: str, settings: dict[str, Any]) -> list[str]:
    at = f"{where}, check #{i + 1},"
    if not isinstance(check, dict):
        return [f"{at} is not an object."]
    kind = check.get("kind")
    if kind not in CHECK_KINDS:
        return [f"{at} has unknown kind {kind!r}; known kinds are {', '.join(CHECK_KINDS)}."]
    at = f"{where}, check #{i + 1} ({kind}),"
    needed = CHECK_KINDS[kind]
    problems = [f"{at} is missing {p!r}." for p in needed if p not in check]
    unknown = sorted(set(check) - set(needed) - {"kind", "with"})
    problems += [f"{at} has an unknown field {p!r}." for p in unknown]
    if "head" in check:
        h = check["head"]
        if not (_is_int(h) and h >= 1) and h not in HEAD_WORDS:
            problems.append(f"{at} has head={h!r}; use a head number from 1 or one of {', '.join(HEAD_WORDS)}.")
    for p in ("index", "query", "key"):
        if p in check and not (_is_int(check[p]) and check[p] >= 0):
            problems.append(f"{at} has {p}={check[p]!r}; it must be a token index (0 or more).")
    if "value" in check and not _is_number(check["value"]):
        problems.append(f"{at} has value={check['value']!r}; it must be a number.")
    if "token" in check and not isinstance(check["token"], str):
        problems.append(f"{at} has token={check['token']!r}; it must be a string.")
    if "positions" in check:
        pos = check["positions"]
        if not (isinstance(pos, list) and len(pos) == 2 and all(_is_int(p) and p >= 0 for p in pos)):
            problems.append(f"{at} has positions={pos!r}; it must be two token indices.")
    if "with" in check:
        problems += _validate_settings(check["with"], where, partial=True, label=f"check #{i + 1} 'with' settings")
        if isinstance(check["with"], dict):
            merged = {**settings, **check["with"]}
            problems += _check_heads_divide(merged, where, label=f"check #{i + 1} 'with' settings")
    return problems


def _validate_example(raw: Any, index: int, file: str) -> tuple[Example | None, list[str]]:
    if not isinstance(raw, dict):
        return None, [f"{file}: example #{index + 1} is not an object."]
    ex_id = raw.get("id")
    if isinstance(ex_id, str) and ex_id.strip():
        where = f"{file}: example {ex_id!r}"
    else:
        where = f"{file}: example #{index + 1}"
    problems = []
    if not (isinstance(ex_id, str) and ex_id.strip()):
        problems.append(f"{where} has no 'id' (a non-empty string is required).")
    for name in sorted(set(raw) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)):
        problems.append(f"{where} has an unknown field {name!r}; allowed fields are "
                        f"{', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}.")
    for name in REQUIRED_FIELDS[1:]:
        if name not in raw:
            problems.append(f"{where} is missing the required field {name!r}.")
    for name in ("title", "note"):
        if name in raw:
            problems += _validate_bilingual(name, raw[name], where)
    tokens: list[str] = []
    if "text" in raw:
        text = raw["text"]
        if not isinstance(text, str):
            problems.append(f"{where} has a 'text' that is not a string.")
        else:
            tokens = tokenize(text)
            if not tokens:
                problems.append(f"{where} has a 'text' with no tokens; enter at least one word or symbol.")
    settings = raw.get("settings")
    if "settings" in raw:
        s_problems = _validate_settings(settings, where)
        problems += s_problems
        if isinstance(settings, dict):
            problems += _check_heads_divide(settings, where)
    for name in ("query", "key"):
        if name in raw and raw[name] is not None:
            q = raw[name]
            if not (_is_int(q) and q >= 0):
                problems.append(f"{where} has {name}={q!r}; it must be a token index (0 or more).")
            elif tokens:
                n = min(len(tokens), TOKENS_MAX)
                if isinstance(settings, dict) and _is_int(settings.get("n_tokens")):
                    n = min(n, settings["n_tokens"])
                if q >= n:
                    problems.append(f"{where} has {name}={q}, but the example uses only {n} token(s) "
                                    f"(indices 0 to {n - 1}).")
    if "head" in raw and raw["head"] is not None:
        hd = raw["head"]
        heads = settings.get("n_heads") if isinstance(settings, dict) else None
        if not (_is_int(hd) and hd >= 1):
            problems.append(f"{where} has head={hd!r}; it must be a head number (1 or more, as in the note).")
        elif _is_int(heads) and hd > heads:
            problems.append(f"{where} has head={hd}, but the example has only {heads} head(s).")
    if "checks" in raw:
        checks = raw["checks"]
        if not isinstance(checks, list):
            problems.append(f"{where} has 'checks' that are not a list.")
        else:
            for i, check in enumerate(checks):
                problems += _validate_check(check, i, where, settings if isinstance(settings, dict) else {})
    if problems:
        return None, problems
    assert isinstance(ex_id, str)  # a missing or non-string id is one of the problems above
    return Example(
        id=ex_id, title=dict(raw["title"]), note=dict(raw["note"]), text=raw["text"],
        settings=dict(raw["settings"]), query=raw.get("query"), checks=list(raw["checks"]),
        head=raw.get("head"), key=raw.get("key"),
    ), []


def _fallback(problems: list[str], reason: str) -> ExampleLibrary:
    return ExampleLibrary([default_example()], problems + [f"{reason} Using the built-in default example."])


def load_examples(path: Path | None = None) -> ExampleLibrary:
    """Read and validate the example file (default: resources/examples.json). Never raises for a
    bad file; see ``ExampleLibrary.problems``. Does not run the checks."""
    path = Path(path) if path is not None else DEFAULT_PATH
    file = str(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _fallback([], f"The example file {file} does not exist.")
    except UnicodeDecodeError as e:
        return _fallback([], f"The example file {file} is not valid UTF-8 ({e.reason} at byte {e.start}).")
    except OSError as e:
        return _fallback([], f"The example file {file} cannot be read ({e.strerror or e}).")
    try:
        data = json.loads(raw_text)
    except json.JSONDecodeError as e:
        return _fallback([], f"The example file {file} is not valid JSON: {e.msg} at line {e.lineno}, "
                             f"column {e.colno}.")
    if not isinstance(data, dict) or not isinstance(data.get("examples"), list):
        return _fallback([], f"The example file {file} must hold an object with an 'examples' list, "
                             f"but its top level is "
                             f"{'an object without one' if isinstance(data, dict) else type(data).__name__}.")
    problems = [f"{file} has an unknown top-level field {k!r}; only 'examples' is allowed."
                for k in sorted(set(data) - {"examples"})]
    examples: list[Example] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["examples"]):
        ex, ex_problems = _validate_example(raw, i, file)
        problems += ex_problems
        if ex is None:
            continue
        if ex.id in seen:
            problems.append(f"{file}: example {ex.id!r} (#{i + 1}) repeats an id already used; ids must be unique, "
                            "so this one is skipped.")
            continue
        seen.add(ex.id)
        examples.append(ex)
    if not examples:
        why = "holds no examples." if not data["examples"] else "has no valid example left."
        return _fallback(problems, f"The example file {file} {why}")
    return ExampleLibrary(examples, problems)


# ---- checks -------------------------------------------------------------------------------------
def _entropy_norm_of(weights: np.ndarray, allowed: np.ndarray) -> float:
    """Mean normalised row entropy of one (n, n) matrix, as explorer.engine.metrics computes it."""
    bits = row_entropy_bits(weights)
    max_bits = np.log2(allowed.sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        norm = np.where(max_bits > 0, bits / np.where(max_bits > 0, max_bits, 1.0), 0.0)
    return float(np.clip(norm.mean(), 0.0, 1.0))


class _Run:
    """The engine results for one set of settings, computed on demand."""

    def __init__(self, example: Example, overrides: dict[str, Any] | None) -> None:
        self.tokens = example.tokens
        self.pair = compute_pair(example.config(overrides), self.tokens)
        self._metrics: dict[str, Metrics] = {}

    def metrics(self, which: str) -> Metrics:
        if which not in self._metrics:
            self._metrics[which] = trace_metrics(getattr(self.pair, which))
        return self._metrics[which]

    def targets(self, head: int | str) -> list[tuple[str, np.ndarray, float, float]]:
        """[(label, weights (n, n), normalised entropy, distance)] for a head spec."""
        multi, single = self.pair.multi, self.pair.single
        if head == "single":
            m = self.metrics("single")
            return [("single head", single.weights[0], float(m.entropy_norm[0]), float(m.distance[0]))]
        if head == "mean":
            w = multi.weights.mean(axis=0)
            idx = np.arange(multi.n)
            dist = float((w * np.abs(idx[:, None] - idx[None, :])).sum(axis=-1).mean())
            return [("mean of heads", w, _entropy_norm_of(w, multi.allowed), dist)]
        m = self.metrics("multi")
        # past the words ("single", "mean", "all"), head is a head number (validated on load)
        heads = range(1, multi.n_heads + 1) if head == "all" else [cast(int, head)]
        out = []
        for h in heads:
            if not 1 <= h <= multi.n_heads:
                raise _CheckError(f"head {h} does not exist (there are {multi.n_heads})")
            out.append((f"head {h}", multi.weights[h - 1], float(m.entropy_norm[h - 1]), float(m.distance[h - 1])))
        return out


class _CheckError(Exception):
    pass


def _describe(check: dict[str, Any]) -> str:
    return json.dumps(check, ensure_ascii=False, sort_keys=True)


def _index(run: _Run, i: int, what: str) -> int:
    if not 0 <= i < len(run.tokens):
        raise _CheckError(f"{what} index {i} is out of range (the example uses {len(run.tokens)} tokens)")
    return i


def _tok(run: _Run, i: int) -> str:
    return f"{i} {run.tokens[i]!r}"


def _run_check(example: Example, run: _Run, check: dict[str, Any]) -> list[str]:
    """The failures of one check (strings without the example prefix)."""
    kind = check["kind"]
    v: Any = check.get("value")  # a JSON number (validated on load) for the kinds that compare it
    fails = []
    if kind == "token_is":
        i = _index(run, check["index"], "token")
        if run.tokens[i] != check["token"]:
            fails.append(f"token {i} is {run.tokens[i]!r}, not {check['token']!r}")
    elif kind == "n_tokens":
        if len(run.tokens) != v:
            fails.append(f"the example uses {len(run.tokens)} tokens, not {v}")
    elif kind == "text_tokens_at_least":
        n = len(tokenize(example.text))
        if n < v:
            fails.append(f"the text has {n} tokens, fewer than {v}")
    elif kind in ("argmax", "argmax_not", "weight_above", "weight_below", "future_mass_above"):
        q = _index(run, check["query"], "query")
        k = _index(run, check["key"], "key") if "key" in check else None
        for label, w, _, _ in run.targets(check["head"]):
            row = w[q]
            top = int(np.argmax(row))
            if kind == "argmax" and top != k:
                fails.append(f"{label}: row {_tok(run, q)} puts its largest weight ({row[top]:.4f}) on "
                             f"{_tok(run, top)}, not on {_tok(run, cast(int, k))} ({row[k]:.4f})")  # argmax has a key
            elif kind == "argmax_not" and top == k:
                fails.append(f"{label}: row {_tok(run, q)} puts its largest weight on {_tok(run, k)}")
            elif kind == "weight_above" and not row[k] > v:
                fails.append(f"{label}: weight[{q}, {k}] = {row[k]:.6f} is not above {v}")
            elif kind == "weight_below" and not row[k] < v:
                fails.append(f"{label}: weight[{q}, {k}] = {row[k]:.6f} is not below {v}")
            elif kind == "future_mass_above":
                mass = float(row[q + 1:].sum())
                if not mass > v:
                    fails.append(f"{label}: row {_tok(run, q)} puts {mass:.4f} on later tokens, not above {v}")
    elif kind in ("entropy_above", "entropy_below", "distance_above"):
        for label, _, ent, dist in run.targets(check["head"]):
            if kind == "entropy_above" and not ent > v:
                fails.append(f"{label}: normalised entropy {ent:.4f} is not above {v}")
            elif kind == "entropy_below" and not ent < v:
                fails.append(f"{label}: normalised entropy {ent:.4f} is not below {v}")
            elif kind == "distance_above" and not dist > v:
                fails.append(f"{label}: mean attention distance {dist:.3f} is not above {v}")
    elif kind == "row_max_above":
        for label, w, _, _ in run.targets(check["head"]):
            top = w.max(axis=-1)
            i = int(np.argmin(top))
            if not top[i] > v:
                fails.append(f"{label}: row {_tok(run, i)} has largest weight {top[i]:.4f}, not above {v}")
    elif kind == "causal_zeros":
        for trace, name in ((run.pair.multi, "heads"), (run.pair.single, "single head")):
            upper = np.triu(np.ones((trace.n, trace.n), dtype=bool), k=1)
            worst = float(np.abs(trace.weights[:, upper]).max()) if upper.any() else 0.0
            if worst != 0.0:
                fails.append(f"{name}: a weight above the diagonal is {worst:.3g}, not 0")
    elif kind in ("identical_rows", "identical_columns", "rows_differ"):
        i, j = (_index(run, p, "position") for p in check["positions"])
        head = check.get("head", "all")
        for label, w, _, _ in run.targets(head):
            a, b = (w[i], w[j]) if kind != "identical_columns" else (w[:, i], w[:, j])
            diff = float(np.abs(a - b).max())
            if kind == "rows_differ":
                if not diff > v:
                    fails.append(f"{label}: rows {i} and {j} differ by at most {diff:.3g}, not above {v}")
            elif diff > _IDENTICAL_TOL:
                what = "rows" if kind == "identical_rows" else "columns"
                fails.append(f"{label}: {what} {i} and {j} differ by up to {diff:.3g}")
    elif kind in ("single_vs_mean_js_above", "single_vs_mean_max_abs_above"):
        cmp = single_vs_mean(run.pair)
        got = cmp.js if kind == "single_vs_mean_js_above" else cmp.max_abs
        if not got > v:
            fails.append(f"{'JS divergence' if kind.endswith('js_above') else 'largest difference'} "
                         f"between the single head and the head mean is {got:.4f}, not above {v}")
    return fails


def verify_checks(example: Example) -> list[str]:
    """Run the engine with the example's settings; the failed checks, one sentence each."""
    failures = []
    runs: dict[str, _Run] = {}
    for n, check in enumerate(example.checks, start=1):
        overrides = check.get("with") or {}
        key = json.dumps(overrides, sort_keys=True)
        try:
            if key not in runs:
                runs[key] = _Run(example, overrides)
            fails = _run_check(example, runs[key], check)
        except (_CheckError, ValueError, KeyError, TypeError) as e:
            fails = [f"cannot be evaluated: {e}"]
        failures += [f"Example {example.id!r}, check #{n} {_describe(check)}: {f}." for f in fails]
    return failures
