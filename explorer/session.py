"""Sessions: the whole state of the window as versioned JSON, Qt-free.

A session holds the source (the random engine or a model, by path), the settings, the text, the
selected view, layer, regrouping, head, stage, query and key token. Files are written atomically
(a finished file or no change). ``load_session`` never half-applies anything: it returns a
checked ``Session`` or raises ``SessionError`` with one sentence, and the caller applies it in one
step. Older versions are migrated forward, so a file saved now still opens in later versions.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .colorscale import SCALES
from .settings import Settings

FORMAT = "attention-explorer-session"
VERSION = 1
MAX_BYTES = 8 * 1024 * 1024  # a session is a few KB; refuse to parse anything huge
SOURCE_KINDS = ("synthetic", "model", "trained")


class SessionError(ValueError):
    """A session file that cannot be opened or saved; the message says why."""


@dataclass(frozen=True)
class Session:
    source: dict[str, str] = field(default_factory=lambda: {"kind": "synthetic"})
    settings: Settings = field(default_factory=Settings)
    text: str = ""
    view: str = "heads"
    layer: int = 0
    regroup_heads: int = 1
    head: int = 0
    stage: int = 7
    query: int | None = None
    key: int | None = None
    color_scale: str = "linear"

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
        doc.update(asdict(self))
        doc["settings"] = self.settings.to_dict()
        return doc

    def state_values(self) -> dict[str, Any]:
        """What ExplorerState.apply takes: settings, text and selections, in one step."""
        values: dict[str, Any] = {k: v for k, v in self.settings.to_dict().items() if k != "n_tokens"}
        values["n_tokens"] = self.settings.n_tokens
        values.update(text=self.text, view=self.view, layer=self.layer, regroup_heads=self.regroup_heads,
                      head=self.head, stage=self.stage, query=self.query, key=self.key,
                      color_scale=self.color_scale)
        return values


def save_session(session: Session, path: str | os.PathLike[str]) -> Path:
    """Write ``session`` to ``path`` (JSON, UTF-8) atomically; SessionError on failure."""
    p = Path(path)
    data = json.dumps(session.to_json(), ensure_ascii=False, indent=2) + "\n"

    def write(tmp: Path) -> None:
        tmp.write_text(data, encoding="utf-8")

    try:
        atomic_write(p, write)
    except Exception as e:  # ExportError (a clear sentence) or an OSError
        raise SessionError(f"Could not save the session to {p}: {e}") from None
    return p


def _int(doc: dict[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    v = doc.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise SessionError(f"The session's {key!r} must be a whole number from {lo} to {hi}, got {v!r}.")
    return v


def _optional_int(doc: dict[str, Any], key: str) -> int | None:
    v = doc.get(key)
    if v is None:
        return None
    return _int(doc, key, 0, 0, 100_000)


def _migrate(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring an older document up to VERSION (version 1 is the first; later versions add steps)."""
    return doc


def parse_session(doc: Any, where: str = "The session") -> Session:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SessionError(f"{where} is not an Attention Explorer session (no \"format\": \"{FORMAT}\").")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"{where} has no valid version number.")
    if version > VERSION:
        raise SessionError(f"{where} was saved by a newer Attention Explorer (session version {version}); "
                           f"this one opens versions up to {VERSION}. Please update the app.")
    doc = _migrate(doc)
    source = doc.get("source", {"kind": "synthetic"})
    if not isinstance(source, dict) or source.get("kind") not in SOURCE_KINDS:
        raise SessionError(f"{where} names an unknown source; expected one of {', '.join(SOURCE_KINDS)}.")
    if source["kind"] != "synthetic" and not isinstance(source.get("ref"), str):
        raise SessionError(f"{where} names a {source['kind']} source without its path.")
    text = doc.get("text", "")
    if not isinstance(text, str):
        raise SessionError(f"{where}'s text must be a string.")
    view = doc.get("view", "heads")
    if not isinstance(view, str):
        raise SessionError(f"{where}'s view must be a view name.")
    raw_settings = doc.get("settings", {})
    if not isinstance(raw_settings, dict):
        raise SessionError(f"{where}'s settings must be an object.")
    try:
        settings = Settings.from_dict(raw_settings)
    except ValueError as e:
        raise SessionError(f"{where} has invalid settings: {e}") from None
    return Session(
        source={k: str(v) for k, v in source.items() if k in ("kind", "ref", "name")},
        settings=settings, text=text, view=view,
        layer=_int(doc, "layer", 0, 0, 1000), regroup_heads=_int(doc, "regroup_heads", 1, 1, 4096),
        head=_int(doc, "head", 0, 0, 4096), stage=_int(doc, "stage", 7, 0, 10),
        query=_optional_int(doc, "query"), key=_optional_int(doc, "key"),
        color_scale=doc["color_scale"] if doc.get("color_scale") in SCALES else "linear",
    )


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read and check a session file; SessionError (one sentence) for anything wrong."""
    p = Path(path)
    where = f"The session file {p}"
    try:
        if p.stat().st_size > MAX_BYTES:
            raise SessionError(f"{where} is too large to be a session ({p.stat().st_size:,} bytes).")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SessionError(f"{where} does not exist.") from None
    except IsADirectoryError:
        raise SessionError(f"{where} is a folder, not a session file.") from None
    except OSError as e:
        raise SessionError(f"{where} cannot be read: {e.strerror or e}.") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SessionError(f"{where} is not a text (UTF-8) file.") from None
    except json.JSONDecodeError as e:
        raise SessionError(f"{where} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}.") from None
    return parse_session(doc, where)
