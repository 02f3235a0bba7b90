"""Worked examples on trained models (resources/model_examples.json), Qt-free.

Each names its model, text, layer, head (1-based, as the grid shows heads), and optionally the
query and key tokens (0-based), the regrouping and the view to open. Every number a note quotes
is a ``check`` that ``verify`` runs against the model, when the model is installed.

Check kinds (the layer is the example's unless the check has its own ``layer``)::

    token_is               index, token              the token at ``index``
    weight_above/below     head, query, key, value   weights[layer, head, query, key] vs value
    argmax                 head, query, key          row ``query``'s largest weight is on ``key``
    score_above/below      score, head, value        a head score (explorer.headscores) vs value
    regroup_score_above/below  regroup, head, score, value   the same for the layer regrouped into h' heads
    first_token_mass_above/below  value              mean weight of every head's queries 1.. on token 0
    top_prediction         token, value              the most likely next token, with p > value
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import headscores
from .examples import Example
from .models.base import Model, ModelRun
from .resources_path import resource

KINDS: dict[str, tuple[str, ...]] = {
    "token_is": ("index", "token"),
    "weight_above": ("head", "query", "key", "value"),
    "weight_below": ("head", "query", "key", "value"),
    "argmax": ("head", "query", "key"),
    "score_above": ("score", "head", "value"),
    "score_below": ("score", "head", "value"),
    "regroup_score_above": ("regroup", "head", "score", "value"),
    "regroup_score_below": ("regroup", "head", "score", "value"),
    "first_token_mass_above": ("value",),
    "first_token_mass_below": ("value",),
    "top_prediction": ("token", "value"),
}
SCORES: dict[str, Callable[..., float]] = {
    "previous_token": headscores.previous_token,
    "next_token": headscores.next_token,
    "first_token": headscores.first_token,
    "duplicate_token": headscores.duplicate_token,
}
REQUIRED = ("id", "model", "title", "note", "text", "layer", "head", "checks")


@dataclass
class ModelExample(Example):
    """An example whose source is a trained model (``model`` names it as discovery does)."""

    model: str = ""
    layer: int = 0
    head: int = 1  # 1-based
    key: int | None = None
    regroup: int | None = None
    view: str = "heads"

    def session_values(self) -> dict[str, Any]:
        """What the window applies once the model is open (0-based head)."""
        values: dict[str, Any] = {"text": self.text, "layer": self.layer, "head": self.head - 1, "n_tokens": None,
                                  "query": self.query, "key": self.key, "view": self.view}
        if self.regroup is not None:
            values["regroup_heads"] = self.regroup
        return values


@dataclass
class ModelExamples:
    examples: list[ModelExample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_model_examples(path: Any = None) -> ModelExamples:
    """Read and validate the file; never raises (problems are sentences, bad examples dropped)."""
    node = resource("model_examples.json") if path is None else path
    where = str(node)
    try:
        data = json.loads(node.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return ModelExamples([], [f"The model example file {where} cannot be read: {e}"])
    out = ModelExamples()
    raw_list = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(raw_list, list):
        return ModelExamples([], [f"The model example file {where} must hold an object with an 'examples' list."])
    for i, raw in enumerate(raw_list):
        at = f"{where}: model example #{i + 1}"
        if not isinstance(raw, dict):
            out.problems.append(f"{at} is not an object.")
            continue
        missing = [k for k in REQUIRED if k not in raw]
        if missing:
            out.problems.append(f"{at} is missing {', '.join(missing)}.")
            continue
        bad = [c for c in raw["checks"] if not isinstance(c, dict) or c.get("kind") not in KINDS
               or any(k not in c for k in KINDS[c["kind"]])]
        if bad:
            out.problems.append(f"{at} has a check of an unknown kind or without its fields: {bad[0]!r}.")
            continue
        if not all(isinstance(raw[k], dict) and raw[k].get("en") and raw[k].get("zh") for k in ("title", "note")):
            out.problems.append(f"{at} needs an English and a Chinese title and note.")
            continue
        out.examples.append(ModelExample(
            id=str(raw["id"]), title=raw["title"], note=raw["note"], text=str(raw["text"]), settings={},
            query=raw.get("query"), checks=list(raw["checks"]), model=str(raw["model"]), layer=int(raw["layer"]),
            head=int(raw["head"]), key=raw.get("key"), regroup=raw.get("regroup"), view=str(raw.get("view", "heads"))))
    return out


def _pattern(run: ModelRun, layer: int, head: int, regroup: int | None = None) -> np.ndarray:
    if regroup is None:
        if not 1 <= head <= run.info.n_heads:
            raise ValueError(f"head {head} does not exist (there are {run.info.n_heads})")
        return run.weights[layer, head - 1]
    heads = run.regroup(layer, regroup)
    if not 1 <= head <= regroup:
        raise ValueError(f"head {head} does not exist when regrouped into {regroup}")
    return heads[head - 1]


def _score(name: str, a: np.ndarray, run: ModelRun) -> float:
    if name == "induction":
        return headscores.induction(a, [str(i) for i in run.ids])  # token identity by id, as TransformerLens
    return float(SCORES[name](a))


def verify(example: ModelExample, model: Model) -> list[str]:
    """The checks that do not hold (as sentences); empty when the note is true for ``model``."""
    run = model.run(example.text)
    failures = []
    for c in example.checks:
        kind, layer = c["kind"], int(c.get("layer", example.layer))
        try:
            ok, got = _check(kind, c, run, layer)
        except (ValueError, IndexError, KeyError) as e:
            failures.append(f"{example.id}: {kind} {c} cannot be evaluated: {e}")
            continue
        if not ok:
            failures.append(f"{example.id}: {kind} {c} does not hold (got {got!r})")
    return failures


def _check(kind: str, c: dict[str, Any], run: ModelRun, layer: int) -> tuple[bool, Any]:
    if kind == "token_is":
        got = run.tokens[int(c["index"])]
        return got == c["token"], got
    if kind in ("weight_above", "weight_below"):
        w = float(_pattern(run, layer, int(c["head"]))[int(c["query"]), int(c["key"])])
        return (w > c["value"]) if kind == "weight_above" else (w < c["value"]), w
    if kind == "argmax":
        row = _pattern(run, layer, int(c["head"]))[int(c["query"])]
        got = int(np.argmax(row))
        return got == int(c["key"]), got
    if kind in ("score_above", "score_below", "regroup_score_above", "regroup_score_below"):
        regroup = int(c["regroup"]) if kind.startswith("regroup") else None
        s = _score(str(c["score"]), _pattern(run, layer, int(c["head"]), regroup), run)
        return (s > c["value"]) if kind.endswith("above") else (s < c["value"]), s
    if kind in ("first_token_mass_above", "first_token_mass_below"):
        mass = float(run.weights[layer][:, 1:, 0].mean())
        return (mass > c["value"]) if kind.endswith("above") else (mass < c["value"]), mass
    if kind == "top_prediction":
        text, p = run.next_tokens(1)[0]
        return text == c["token"] and p > c["value"], (text, p)
    raise ValueError(f"unknown check kind {kind!r}")
