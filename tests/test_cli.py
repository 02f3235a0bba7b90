"""The command line: exports read back, every error is one line with status 2 and no file."""
from __future__ import annotations

import csv
import errno
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from explorer.atomic import ExportError
from explorer.cli import build_parser, main
from explorer.engine import AttentionConfig, AttentionEngine, compute_pair, tokenize
from explorer.export_data import TRACE_ARRAYS
from explorer.limits import DEFAULT_TEXT

REPO = Path(__file__).resolve().parent.parent
PREFIX = "attention-explorer: error: "
OPTIONS = ["--text", "--d-model", "--heads", "--tokens", "--seed", "--causal", "--no-scale", "--temperature",
           "--no-positions", "--view", "--stage", "--scale", "--force"]


def run_module(*args, cwd=REPO):
    """``python -m explorer.cli ...`` in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "explorer.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def run_main_py(*args):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_one_line_error(result, fragment: str = "") -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(PREFIX), lines[0]
    assert fragment in lines[0], (fragment, lines[0])
    assert result.stdout == ""
    return lines[0]


# ---- successful data exports, in process ---------------------------------------------------
SETTINGS = ["--text", "Hello, world: a, \"quoted\" 猫 🐱 test of the cli", "--d-model", "32", "--heads", "4",
            "--tokens", "9", "--seed", "7", "--causal", "--no-scale", "--temperature", "0.5", "--no-positions"]


def expected_pair():
    cfg = AttentionConfig(d_model=32, n_heads=4, seed=7, causal=True, scaled=False, temperature=0.5,
                          positional="none")
    return compute_pair(cfg, tokenize(SETTINGS[1])[:9])


def test_npz_in_process(tmp_path, capsys):
    out = tmp_path / "run.npz"
    assert main(["export", str(out), *SETTINGS]) == 0
    pair = expected_pair()
    with np.load(out) as z:
        for name in TRACE_ARRAYS:
            np.testing.assert_array_equal(z[name], getattr(pair.multi, name), err_msg=name)
            np.testing.assert_array_equal(z["single_" + name], getattr(pair.single, name), err_msg=name)
        assert z["tokens"].tolist() == pair.multi.tokens == tokenize(SETTINGS[1])[:9]
        cfg = json.loads(str(z["config"]))
    assert cfg["n_tokens"] == 9 and cfg["causal"] and not cfg["scaled"] and cfg["positional"] == "none"
    assert capsys.readouterr().err == ""
    assert entries(tmp_path) == ["run.npz"]


def test_csv_in_process(tmp_path):
    out = tmp_path / "run.csv"
    assert main(["export", str(out), *SETTINGS]) == 0
    pair = expected_pair()
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["head", "query_index", "query", "key_index", "key", "weight"]
    w = np.zeros((4, 9, 9))
    tokens = pair.multi.tokens
    for head, qi, q, ki, k, weight in rows[1:]:
        assert (q, k) == (tokens[int(qi)], tokens[int(ki)])
        if head != "single":
            w[int(head) - 1, int(qi), int(ki)] = float(weight)
    np.testing.assert_array_equal(w, pair.multi.weights)
    assert len(rows) == 1 + 5 * 81


def test_json_defaults_in_process(tmp_path):
    out = tmp_path / "d.json"
    assert main(["export", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    tokens = tokenize(DEFAULT_TEXT)
    assert doc["tokens"] == tokens
    assert doc["config"] == {"d_model": 64, "n_heads": 8, "d_k": 8, "seed": 0, "causal": False, "scaled": True,
                             "temperature": 1.0, "positional": "sinusoidal", "scale": 1 / 8 ** 0.5,
                             "n_tokens": len(tokens)}
    pair = compute_pair(AttentionConfig(), tokens)
    np.testing.assert_array_equal(np.array(doc["weights"]), pair.multi.weights)
    np.testing.assert_array_equal(np.array(doc["single_head_weights"]), pair.single.weights[0])


def test_long_text_uses_the_first_256_tokens(tmp_path):
    text = " ".join(f"w{i}" for i in range(300))
    assert main(["export", str(tmp_path / "l.json"), "--text", text, "--d-model", "8", "--heads", "2"]) == 0
    doc = json.loads((tmp_path / "l.json").read_text())
    assert doc["tokens"] == [f"w{i}" for i in range(256)]


# ---- subprocess -----------------------------------------------------------------------------
def test_csv_subprocess_module(tmp_path):
    out = tmp_path / "sub.csv"
    r = run_module("export", out, "--d-model", "16", "--heads", "2", "--text", "a, b \"c\"")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    # a fresh engine, as in the fresh process (cached sums of finer heads can differ in the last bit)
    pair = AttentionEngine().compute_pair(AttentionConfig(d_model=16, n_heads=2), tokenize('a, b "c"'))
    got = {(h, int(i), int(j)): float(w) for h, i, _, j, _, w in rows[1:]}
    for h in range(2):
        for i in range(5):
            for j in range(5):
                assert got[(str(h + 1), i, j)] == pair.multi.weights[h, i, j]
                assert got[("single", i, j)] == pair.single.weights[0, i, j]
    assert entries(tmp_path) == ["sub.csv"]


ERRORS = [
    (["x.bmp"], "suffix chooses the format"),
    (["noext"], "no suffix"),
    (["x.npz", "--heads", "5"], "valid head counts for d_model=64: 1, 2, 4, 8, 16"),
    (["x.png", "--heads", "5"], "--heads 5 does not divide --d-model 64"),
    (["x.npz", "--d-model", "3"], "--d-model must be between 4 and 512, got 3"),
    (["x.npz", "--d-model", "513"], "--d-model must be between 4 and 512"),
    (["x.npz", "--heads", "0"], "--heads must be between 1 and 16"),
    (["x.npz", "--d-model", "64", "--heads", "32"], "--heads must be between 1 and 16"),
    (["x.npz", "--tokens", "0"], "--tokens must be between 1 and 256"),
    (["x.npz", "--tokens", "257"], "--tokens must be between 1 and 256"),
    (["x.npz", "--tokens", "50"],
     f"--tokens 50 is more than the text has: it has {len(tokenize(DEFAULT_TEXT))} token(s)"),
    (["x.npz", "--temperature", "0.01"], "--temperature must be between 0.05 and 20"),
    (["x.npz", "--temperature", "21"], "--temperature must be between 0.05 and 20"),
    (["x.npz", "--temperature", "nan"], "--temperature must be a finite number"),
    (["x.npz", "--temperature", "inf"], "--temperature must be a finite number"),
    (["x.npz", "--seed", "-1"], "--seed must be between 0 and 2147483647"),
    (["x.npz", "--seed", str(2**31)], "--seed must be between 0 and 2147483647"),
    (["x.png", "--scale", "0.5"], "--scale must be between 1 and 4"),
    (["x.png", "--scale", "5"], "--scale must be between 1 and 4"),
    (["x.png", "--view", "step", "--stage", "11"], "--stage must be between 0 and 10"),
    (["x.png", "--stage", "-1"], "--stage must be between 0 and 10"),
    (["x.json", "--text", ""], "--text has no tokens"),
    (["x.json", "--text", "   \t "], "--text has no tokens"),
    (["x.png", "--view", "grid"], "invalid choice: 'grid'"),
    (["x.npz", "--heads", "four"], "invalid int value: 'four'"),
    (["x.npz", "--bogus"], "unrecognized arguments: --bogus"),
    ([], "the following arguments are required: OUT"),
    (["missing/x.npz"], "does not exist"),
]


@pytest.mark.parametrize("args,fragment", ERRORS, ids=[" ".join(a) or "no-out" for a, _ in ERRORS])
def test_error_subprocess(tmp_path, args, fragment):
    r = run_module("export", *args, cwd=tmp_path)
    assert_one_line_error(r, fragment)
    assert entries(tmp_path) == []  # no file, no temp file


@pytest.mark.parametrize("args,fragment", ERRORS[:6] + ERRORS[-6:])
def test_error_in_process(tmp_path, monkeypatch, capsys, args, fragment):
    monkeypatch.chdir(tmp_path)
    assert main(["export", *args]) == 2
    err = capsys.readouterr()
    assert err.out == ""
    assert err.err.count("\n") == 1 and err.err.startswith(PREFIX) and fragment in err.err
    assert entries(tmp_path) == []


@pytest.mark.parametrize("suffix", [".json", ".png"])
def test_existing_file_needs_force(tmp_path, suffix):
    out = tmp_path / f"old{suffix}"
    out.write_text("precious")
    r = run_module("export", out)
    line = assert_one_line_error(r, "already exists; use --force")
    assert str(out) in line
    assert out.read_text() == "precious"
    assert entries(tmp_path) == [out.name]


def test_force_overwrites(tmp_path):
    out = tmp_path / "old.json"
    out.write_text("precious")
    r = run_module("export", out, "--force", "--seed", "5")
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["config"]["seed"] == 5
    assert entries(tmp_path) == ["old.json"]


def test_unwritable_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: chmod 0o500 does not make the folder unwritable "
                        "(the message is covered by test_unwritable_folder_simulated)")
        r = run_module("export", folder / "x.npz")
        assert_one_line_error(r, f"Cannot write to the folder {folder}: permission denied.")
        assert entries(folder) == []
    finally:
        folder.chmod(0o700)


def test_unwritable_folder_simulated(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("explorer.atomic.os.access", lambda *a, **k: False)
    assert main(["export", str(tmp_path / "x.csv")]) == 2
    assert capsys.readouterr().err == f"{PREFIX}Cannot write to the folder {tmp_path}: permission denied.\n"
    assert entries(tmp_path) == []


def test_disk_full_keeps_the_old_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "w.npz"
    out.write_bytes(b"old")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", full)
    assert main(["export", str(out), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(PREFIX + "The disk is full") and err.count("\n") == 1
    assert out.read_bytes() == b"old"
    assert entries(tmp_path) == ["w.npz"]


def test_interrupt_leaves_nothing(tmp_path, monkeypatch, capsys):
    def interrupted(f, **arrays):
        f.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", interrupted)
    assert main(["export", str(tmp_path / "i.npz")]) == 130
    assert capsys.readouterr().err.startswith(PREFIX + "interrupted")
    assert entries(tmp_path) == []


# ---- figures (the Qt side is another module; a stand-in records the call) -------------------
def fake_figure_module(monkeypatch, calls, fail=None):
    mod = types.ModuleType("explorer.ui.export")

    def export_figure(pair, path, *, view, stage, scale, caption=None):
        calls.append((pair, Path(path), view, stage, scale))
        if fail:
            raise ExportError(fail)
        Path(path).write_bytes(b"\x89PNG fake")

    mod.export_figure = export_figure
    monkeypatch.setitem(sys.modules, "explorer.ui.export", mod)


def test_figure_export_calls_export_figure(tmp_path, monkeypatch):
    calls = []
    fake_figure_module(monkeypatch, calls)
    out = tmp_path / "f.png"
    assert main(["export", str(out), "--view", "step", "--stage", "3", "--scale", "3", "--heads", "4"]) == 0
    (pair, path, view, stage, scale), = calls
    assert (path, view, stage, scale) == (out, "step", 3, 3.0)
    assert pair.multi.config == AttentionConfig(n_heads=4) and pair.single.n_heads == 1
    assert pair.multi.tokens == tokenize(DEFAULT_TEXT)


def test_figure_defaults(tmp_path, monkeypatch):
    calls = []
    fake_figure_module(monkeypatch, calls)
    assert main(["export", str(tmp_path / "f.svg")]) == 0
    assert calls[0][2:] == ("heads", 7, 2.0)


def test_figure_export_error_is_one_line(tmp_path, monkeypatch, capsys):
    calls = []
    fake_figure_module(monkeypatch, calls, fail="Could not render the figure: out of memory.")
    assert main(["export", str(tmp_path / "f.pdf")]) == 2
    assert capsys.readouterr().err == f"{PREFIX}Could not render the figure: out of memory.\n"


def test_data_export_does_not_import_qt(tmp_path):
    code = ("import sys; from explorer.cli import main; rc = main(['export', sys.argv[1]]); "
            "ok = ('explorer.ui', 'explorer.ui.views', 'explorer.ui.views.registry'); "  # the Qt-free registry
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'explorer.ui', 'explorer.app')) "
            "and m not in ok]; "
            "print(rc, bad)")
    for suffix in (".npz", ".csv", ".json"):
        r = subprocess.run([sys.executable, "-c", code, str(tmp_path / f"q{suffix}")], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
        assert r.stdout.strip() == "0 []", r.stdout + r.stderr
    assert entries(tmp_path) == ["q.csv", "q.json", "q.npz"]


# ---- help and the window --------------------------------------------------------------------
def test_export_help_mentions_every_option():
    r = run_module("export", "--help")
    assert r.returncode == 0 and r.stderr == ""
    for option in OPTIONS:
        assert option in r.stdout, option
    assert "suffix of OUT chooses the format" in " ".join(r.stdout.split())
    for suffix in (".png", ".svg", ".pdf", ".npz", ".csv", ".json"):
        assert suffix in r.stdout


def test_top_level_help_mentions_every_option():
    r = run_module("--help")
    assert r.returncode == 0 and r.stderr == ""
    for option in ["export", *OPTIONS]:
        assert option in r.stdout, option
    assert "suffix of OUT chooses the format" in " ".join(r.stdout.split())


def test_every_option_has_help():
    parser = build_parser()
    export = next(a for a in parser._actions if a.dest == "command").choices["export"]
    for action in export._actions:
        assert action.help, action.dest
    assert {o for a in export._actions for o in a.option_strings} >= set(OPTIONS)


def test_no_command_opens_the_window(monkeypatch):
    calls = []
    app = types.ModuleType("explorer.app")
    app.run_gui = lambda **kw: calls.append("gui") or 0
    monkeypatch.setitem(sys.modules, "explorer.app", app)
    assert main([]) == 0
    assert calls == ["gui"]


# ---- through main.py (explorer.app.main delegates to explorer.cli.main) -----------------------
def test_main_py_json(tmp_path):
    out = tmp_path / "m.json"
    r = run_main_py("export", out, "--heads", "2", "--tokens", "4")
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    pair = AttentionEngine().compute_pair(AttentionConfig(n_heads=2), tokenize(DEFAULT_TEXT)[:4])
    np.testing.assert_array_equal(np.array(doc["weights"]), pair.multi.weights)


@pytest.mark.parametrize("args,fragment", [(["x.bmp"], "suffix"), (["x.npz", "--heads", "5"], "valid head counts")])
def test_main_py_errors(tmp_path, args, fragment):
    r = run_main_py("export", *[str(tmp_path / a) if i == 0 else a for i, a in enumerate(args)])
    assert_one_line_error(r, fragment)
    assert entries(tmp_path) == []


def test_main_py_help():
    r = run_main_py("export", "--help")
    assert r.returncode == 0
    for option in OPTIONS:
        assert option in r.stdout, option
