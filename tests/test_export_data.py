"""NPZ / CSV / JSON exports read back, atomic writing, error messages and the caption."""
from __future__ import annotations

import csv
import errno
import json
import os
import sys

import numpy as np
import pytest

from explorer import atomic
from explorer.atomic import ExportError, atomic_write, check_target
from explorer.engine import AttentionConfig, compute_pair, tokenize
from explorer.export_data import (
    TRACE_ARRAYS,
    config_caption,
    write_csv,
    write_data,
    write_json,
    write_npz,
)

AWKWARD = ["hello", ",", '"', "a,b", 'say "hi"', "猫", "🐱", "👩‍👩‍👧", "'", "=", "\\", "x\ny"]


def make_pair(tokens=None, **cfg):
    cfg = {"d_model": 16, "n_heads": 4, "seed": 3, **cfg}
    return compute_pair(AttentionConfig(**cfg), tokens or tokenize("The cat sat on the mat ."))


def folder_entries(folder):
    return sorted(p.name for p in folder.iterdir())


def is_root_like(folder) -> bool:
    """chmod 0o500 does not stop root (or a CAP_DAC_OVERRIDE process) from writing."""
    return os.access(folder, os.W_OK)


# ---- NPZ ------------------------------------------------------------------------------------
@pytest.mark.parametrize("causal", [False, True])
def test_npz_holds_every_trace_array(tmp_path, causal):
    pair = make_pair(causal=causal, temperature=0.7)
    out = tmp_path / "trace.npz"
    write_npz(pair, out)
    with np.load(out, allow_pickle=False) as z:
        for name in TRACE_ARRAYS:
            np.testing.assert_array_equal(z[name], getattr(pair.multi, name), err_msg=name)
            np.testing.assert_array_equal(z["single_" + name], getattr(pair.single, name), err_msg=name)
            assert z[name].dtype == getattr(pair.multi, name).dtype, name
        assert z["weights"].shape == (4, 7, 7)
        assert z["single_weights"].shape == (1, 7, 7)
        assert z["tokens"].dtype.kind == "U"
        assert z["tokens"].tolist() == pair.multi.tokens
        cfg = json.loads(str(z["config"]))
        keys = set(z.files)
    assert cfg == {"d_model": 16, "n_heads": 4, "d_k": 4, "seed": 3, "causal": causal, "scaled": True,
                   "temperature": 0.7, "positional": "sinusoidal", "scale": pair.multi.scale, "n_tokens": 7}
    assert keys == set(TRACE_ARRAYS) | {"single_" + n for n in TRACE_ARRAYS} | {"tokens", "config"}
    assert folder_entries(tmp_path) == ["trace.npz"]


def test_npz_tokens_awkward(tmp_path):
    pair = make_pair(AWKWARD)
    write_npz(pair, tmp_path / "a.npz")
    with np.load(tmp_path / "a.npz") as z:
        assert z["tokens"].tolist() == AWKWARD
        np.testing.assert_array_equal(z["masked_scores"], pair.multi.masked_scores)


def test_npz_keeps_minus_inf_of_the_causal_mask(tmp_path):
    pair = make_pair(causal=True)
    write_npz(pair, tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz") as z:
        assert np.isneginf(z["masked_scores"][0, 0, 1])
        assert not z["allowed"][0, 1] and z["allowed"].dtype == bool


# ---- CSV ------------------------------------------------------------------------------------
def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_csv_round_trips_weights_exactly_with_awkward_tokens(tmp_path):
    pair = make_pair(AWKWARD, causal=True)
    out = tmp_path / "w.csv"
    write_csv(pair, out)
    rows = read_csv(out)
    assert rows[0] == ["head", "query_index", "query", "key_index", "key", "weight"]
    n, h = len(AWKWARD), 4
    body = rows[1:]
    assert len(body) == (h + 1) * n * n
    got = np.full((h, n, n), np.nan)
    single = np.full((n, n), np.nan)
    for head, qi, q, ki, k, w in body:
        qi, ki = int(qi), int(ki)
        assert q == AWKWARD[qi] and k == AWKWARD[ki]
        if head == "single":
            single[qi, ki] = float(w)
        else:
            assert 1 <= int(head) <= h  # heads are numbered as the window numbers them
            got[int(head) - 1, qi, ki] = float(w)
    np.testing.assert_array_equal(got, pair.multi.weights)  # exact, not approximate
    np.testing.assert_array_equal(single, pair.single.weights[0])
    # the first rows are head 1, query 0: the tokens sit in the query/key columns
    assert body[0][:5] == ["1", "0", "hello", "0", "hello"]
    assert body[1][4] == ","
    assert body[2][4] == '"'


def test_csv_is_properly_quoted(tmp_path):
    pair = make_pair(["a,b", 'q"uote'], d_model=4, n_heads=1)
    write_csv(pair, tmp_path / "q.csv")
    raw = (tmp_path / "q.csv").read_bytes().decode("utf-8")
    assert '"a,b"' in raw and '"q""uote"' in raw
    assert raw.startswith("head,query_index,query,key_index,key,weight\r\n")


# ---- JSON -----------------------------------------------------------------------------------
def test_json_holds_config_tokens_and_weights(tmp_path):
    pair = make_pair(AWKWARD, d_model=24, n_heads=6, scaled=False, positional="none", seed=9)
    out = tmp_path / "w.json"
    write_json(pair, out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["app"] == "Attention Explorer"
    assert isinstance(doc["version"], str) and doc["version"]
    assert doc["config"] == {"d_model": 24, "n_heads": 6, "d_k": 4, "seed": 9, "causal": False,
                             "scaled": False, "temperature": 1.0, "positional": "none",
                             "scale": 1.0, "n_tokens": len(AWKWARD)}
    assert doc["tokens"] == AWKWARD
    np.testing.assert_array_equal(np.array(doc["weights"]), pair.multi.weights)
    assert np.array(doc["weights"]).shape == (6, len(AWKWARD), len(AWKWARD))
    np.testing.assert_array_equal(np.array(doc["single_head_weights"]), pair.single.weights[0])


def test_write_data_picks_the_writer_by_suffix(tmp_path):
    pair = make_pair()
    write_data(pair, tmp_path / "A.JSON")
    assert json.loads((tmp_path / "A.JSON").read_text())["tokens"] == pair.multi.tokens
    with pytest.raises(ExportError, match="not a data format"):
        write_data(pair, tmp_path / "a.png")
    assert folder_entries(tmp_path) == ["A.JSON"]


# ---- atomic writing -------------------------------------------------------------------------
def test_atomic_write_leaves_no_temp_file(tmp_path):
    seen = []

    def write(tmp):
        seen.append(tmp)
        assert tmp.parent == tmp_path and tmp.name.startswith(".out.txt.") and tmp.suffix == ".txt"
        tmp.write_text("new")

    atomic_write(tmp_path / "out.txt", write)
    assert (tmp_path / "out.txt").read_text() == "new"
    assert folder_entries(tmp_path) == ["out.txt"]
    assert not seen[0].exists()


@pytest.mark.parametrize("failure", [ValueError("boom"), KeyboardInterrupt(),
                                     OSError(errno.ENOSPC, "No space left on device"),
                                     OSError(errno.EIO, "Input/output error")])
def test_atomic_write_failure_keeps_the_old_file(tmp_path, failure):
    target = tmp_path / "keep.csv"
    target.write_text("old contents")

    def write(tmp):
        tmp.write_text("half a fi")
        raise failure

    expected = ExportError if isinstance(failure, OSError) else type(failure)
    with pytest.raises(expected) as info:
        atomic_write(target, write)
    assert target.read_text() == "old contents"
    assert folder_entries(tmp_path) == ["keep.csv"]
    if isinstance(failure, OSError) and failure.errno == errno.ENOSPC:
        assert str(info.value).startswith("The disk is full")
        assert str(info.value).count(".") >= 1 and "\n" not in str(info.value)
    elif isinstance(failure, OSError):
        assert str(info.value) == f"Could not write {target}: Input/output error."


def test_simulated_disk_full_through_a_writer(tmp_path, monkeypatch):
    target = tmp_path / "w.npz"
    target.write_bytes(b"previous")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", full)
    with pytest.raises(ExportError, match="^The disk is full"):
        write_npz(make_pair(), target)
    assert target.read_bytes() == b"previous"
    assert folder_entries(tmp_path) == ["w.npz"]


def test_atomic_write_missing_folder(tmp_path):
    called = []
    with pytest.raises(ExportError) as info:
        atomic_write(tmp_path / "nope" / "x.json", called.append)
    assert str(info.value) == f"The folder {tmp_path / 'nope'} does not exist."
    assert not called and folder_entries(tmp_path) == []


def test_atomic_write_permission_denied_simulated(tmp_path, monkeypatch):
    """The message for an unwritable folder, without needing a non-root user."""
    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.os, "open", denied)
    with pytest.raises(ExportError) as info:
        atomic_write(tmp_path / "x.csv", lambda p: None)
    assert str(info.value) == f"Cannot write to the folder {tmp_path}: permission denied."


def test_unwritable_folder_real_chmod(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if is_root_like(folder):
            pytest.skip("running as root: chmod 0o500 does not make the folder unwritable "
                        "(covered by the simulated permission tests)")
        with pytest.raises(ExportError, match="permission denied"):
            check_target(folder / "x.csv", force=False)
        with pytest.raises(ExportError) as info:
            write_csv(make_pair(), folder / "x.csv")
        assert str(info.value) == f"Cannot write to the folder {folder}: permission denied."
        assert folder_entries(folder) == []
    finally:
        folder.chmod(0o700)


# ---- check_target ---------------------------------------------------------------------------
def test_check_target(tmp_path, monkeypatch):
    for name in ("a.png", "a.svg", "a.pdf", "a.npz", "a.csv", "a.json", "A.PNG"):
        assert check_target(tmp_path / name, force=False) == tmp_path / name
    with pytest.raises(ExportError, match=r"Unknown file type \('.bmp'\).*\.png, \.svg, \.pdf, \.npz, \.csv, \.json"):
        check_target(tmp_path / "a.bmp", force=True)
    with pytest.raises(ExportError, match=r"Unknown file type \(no suffix\)"):
        check_target(tmp_path / "noext", force=True)
    (tmp_path / "there.csv").write_text("x")
    with pytest.raises(ExportError, match="already exists; use --force"):
        check_target(tmp_path / "there.csv", force=False)
    assert check_target(tmp_path / "there.csv", force=True) == tmp_path / "there.csv"
    with pytest.raises(ExportError, match="does not exist"):
        check_target(tmp_path / "missing" / "a.csv", force=True)
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(ExportError, match="is a folder, not a file"):
        check_target(tmp_path / "dir.csv", force=True)
    monkeypatch.setattr(atomic.os, "access", lambda *a, **k: False)
    with pytest.raises(ExportError) as info:
        check_target(tmp_path / "a.csv", force=False)
    assert str(info.value) == f"Cannot write to the folder {tmp_path}: permission denied."


def test_existing_file_permissions_are_kept(tmp_path):
    target = tmp_path / "p.json"
    target.write_text("{}")
    target.chmod(0o640)
    write_json(make_pair(), target)
    assert (target.stat().st_mode & 0o777) == 0o640
    assert json.loads(target.read_text())["app"] == "Attention Explorer"


def test_new_file_is_not_private(tmp_path):
    write_json(make_pair(), tmp_path / "n.json")
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "n.json").stat().st_mode & 0o777 == 0o666 & ~umask  # not the temp file's 0o600


# ---- caption --------------------------------------------------------------------------------
def test_caption_default():
    cfg = AttentionConfig(d_model=64, n_heads=8, seed=0)
    assert config_caption(cfg, 12) == "d_model=64 · h=8 · d_k=8 · n=12 · seed=0 · mask=none · scaling=1/√d_k · T=1"


def test_caption_every_option():
    cfg = AttentionConfig(d_model=96, n_heads=12, seed=42, causal=True, scaled=False, temperature=0.35,
                          positional="none")
    cap = config_caption(cfg, 5)
    assert cap == "d_model=96 · h=12 · d_k=8 · n=5 · seed=42 · mask=causal · scaling=off · T=0.35 · positions=off"
    assert "\n" not in cap


def test_caption_temperature_is_exact():
    t = 0.1 + 0.2  # 0.30000000000000004: the caption must reproduce it, not round it
    cap = config_caption(AttentionConfig(d_model=8, n_heads=2, temperature=t), 3)
    assert cap.endswith(f"T={t!r}")
    assert float(cap.rsplit("T=", 1)[1]) == t


def test_data_exports_do_not_import_qt(tmp_path):
    import subprocess
    code = ("import sys; from explorer.engine import *; from explorer.export_data import *; "
            "p = compute_pair(AttentionConfig(8, 2), ['a', 'b']); "
            f"[w(p, r'{tmp_path}' + '/x' + s) for w, s in "
            "((write_npz, '.npz'), (write_csv, '.csv'), (write_json, '.json'))]; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]; "
            "assert not bad, bad")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert folder_entries(tmp_path) == ["x.csv", "x.json", "x.npz"]
