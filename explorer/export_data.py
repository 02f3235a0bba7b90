"""Exporting the numbers behind the views (no Qt): NPZ, CSV and JSON, each written atomically.

* ``write_npz``: every array of the multi-head trace under its Trace attribute name, the
  single-head trace's arrays with the prefix ``single_``, ``tokens`` (a unicode array) and
  ``config`` (a JSON string, see ``config_dict``).
* ``write_csv``: the attention weights in long format,
  ``head,query_index,query,key_index,key,weight``; heads are numbered 1..h as the window numbers
  them, and the single-head weights follow with head ``single``. Weights are written with
  ``repr`` so ``float(text)`` gives back exactly the same number.
* ``write_json``: the configuration, the tokens and the weights as nested lists.
"""
from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .atomic import ExportError, atomic_write
from .engine import AttentionConfig, TracePair

if TYPE_CHECKING:
    from .sources.base import SourceInfo

__all__ = [
    "APP_NAME", "TRACE_ARRAYS", "ExportError", "app_version", "config_caption", "config_dict",
    "write_csv", "write_data", "write_json", "write_npz",
]

APP_NAME = "Attention Explorer"

# Every array a Trace holds (the computed-on-demand ones included), in stage order.
TRACE_ARRAYS = (
    "x", "w_q", "w_k", "w_v", "w_o",
    "q_proj", "k_proj", "v_proj",
    "q", "k", "v",
    "scores", "scaled_scores", "allowed", "masked_scores",
    "weights", "head_outputs", "concat", "output",
)

CSV_HEADER = ("head", "query_index", "query", "key_index", "key", "weight")


def app_version() -> str:
    """The installed package's version, else the one in pyproject.toml next to the package."""
    try:
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version("attention-explorer")
        except PackageNotFoundError:
            pass
        import tomllib
        with open(Path(__file__).resolve().parent.parent / "pyproject.toml", "rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except Exception:  # a missing or unreadable pyproject: the export still works
        return "unknown"


def _number(value: float) -> float | None:
    """A float as JSON can hold it (JSON has no inf/nan)."""
    return value if math.isfinite(value) else None


def config_dict(config: AttentionConfig, n_tokens: int | None = None) -> dict[str, Any]:
    """Every field of ``config`` plus the derived d_k and scale (and n_tokens if given)."""
    d: dict[str, Any] = {
        "d_model": config.d_model,
        "n_heads": config.n_heads,
        "d_k": config.d_k,
        "seed": config.seed,
        "causal": config.causal,
        "scaled": config.scaled,
        "temperature": config.temperature,
        "positional": config.positional,
        "scale": _number(config.scale),
    }
    if n_tokens is not None:
        d["n_tokens"] = int(n_tokens)
    return d


def _short_float(value: float) -> str:
    """The shortest text that reads back as exactly ``value``, without a trailing '.0'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def config_caption(config: AttentionConfig, n_tokens: int) -> str:
    """One line that is enough to reproduce a figure, e.g.
    ``d_model=64 · h=8 · d_k=8 · n=12 · seed=0 · mask=none · scaling=1/√d_k · T=1``.
    ``· positions=off`` is appended when the positional encoding is off."""
    parts = [
        f"d_model={config.d_model}",
        f"h={config.n_heads}",
        f"d_k={config.d_k}",
        f"n={int(n_tokens)}",
        f"seed={config.seed}",
        f"mask={'causal' if config.causal else 'none'}",
        f"scaling={'1/√d_k' if config.scaled else 'off'}",
        f"T={_short_float(config.temperature)}",
    ]
    if config.positional == "none":
        parts.append("positions=off")
    return " · ".join(parts)


def _config_json(pair: TracePair) -> str:
    return json.dumps(config_dict(pair.multi.config, pair.multi.n), ensure_ascii=False, allow_nan=False)


def npz_arrays(pair: TracePair) -> dict[str, np.ndarray]:
    """What ``write_npz`` stores, by key."""
    arrays: dict[str, np.ndarray] = {}
    for name in TRACE_ARRAYS:
        arrays[name] = np.asarray(getattr(pair.multi, name))
    for name in TRACE_ARRAYS:
        arrays["single_" + name] = np.asarray(getattr(pair.single, name))
    arrays["tokens"] = np.array(pair.multi.tokens, dtype=np.str_)
    arrays["config"] = np.array(_config_json(pair), dtype=np.str_)
    return arrays


def write_npz(pair: TracePair, path: str | os.PathLike[str]) -> None:
    """Every trace array (multi-head by name, single-head as ``single_<name>``), tokens, config.
    Load with ``np.load(path)`` (no pickle needed)."""
    # Any values: savez_compressed's **kwds would otherwise have to match its allow_pickle: bool
    arrays: dict[str, Any] = npz_arrays(pair)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:  # a file object: numpy must not append its own '.npz'
            np.savez_compressed(f, **arrays)

    atomic_write(path, write)


def write_csv(pair: TracePair, path: str | os.PathLike[str]) -> None:
    """The weights in long format, one row per (head, query, key); UTF-8, RFC 4180 quoting."""
    tokens = pair.multi.tokens
    n = len(tokens)

    def rows(
        head_labels: Iterable[int | str], weights: np.ndarray
    ) -> Iterator[tuple[int | str, int, str, int, str, str]]:
        for h, label in enumerate(head_labels):
            w = weights[h].tolist()  # python floats: repr round-trips exactly
            for i in range(n):
                q, row = tokens[i], w[i]
                for j in range(n):
                    yield (label, i, q, j, tokens[j], repr(row[j]))

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f, lineterminator="\r\n")
            out.writerow(CSV_HEADER)
            out.writerows(rows(range(1, pair.multi.n_heads + 1), pair.multi.weights))
            out.writerows(rows(["single"], pair.single.weights))

    atomic_write(path, write)


def json_document(pair: TracePair) -> dict[str, Any]:
    """What ``write_json`` stores."""
    return {
        "app": APP_NAME,
        "version": app_version(),
        "config": config_dict(pair.multi.config, pair.multi.n),
        "caption": config_caption(pair.multi.config, pair.multi.n),
        "tokens": list(pair.multi.tokens),
        "weights": pair.multi.weights.tolist(),  # (h, n, n)
        "single_head_weights": pair.single.weights[0].tolist(),  # (n, n)
    }


def write_json(pair: TracePair, path: str | os.PathLike[str]) -> None:
    """Config, tokens and weights as JSON (UTF-8; floats written exactly)."""
    doc = json_document(pair)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, allow_nan=False)
            f.write("\n")

    atomic_write(path, write)


_WRITERS = {".npz": write_npz, ".csv": write_csv, ".json": write_json}


def write_data(pair: TracePair, path: str | os.PathLike[str]) -> None:
    """Write ``pair`` in the data format ``path``'s suffix names (.npz, .csv or .json)."""
    suffix = Path(path).suffix.lower()
    writer = _WRITERS.get(suffix)
    if writer is None:
        raise ExportError(f"{suffix or 'No suffix'} is not a data format: use .npz, .csv or .json.")
    writer(pair, path)


def source_caption(info: SourceInfo, layer: int, regroup_heads: int, n_tokens: int) -> str:
    """The caption of a figure from a trained model: model, layer, heads and the regrouping
    the comparison uses, so the picture can be reproduced (``--model … --layer … --regroup …``)."""
    parts = [f"model={info.name}", f"layer={layer}", f"h={info.n_heads}", f"d_model={info.d_model}",
             f"n={n_tokens}"]
    if regroup_heads != info.n_heads:
        parts.append(f"regrouped into h'={regroup_heads}")
    return " · ".join(parts)
