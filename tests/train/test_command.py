"""The train subcommand's JSON contract and its error exits."""
from __future__ import annotations

import argparse
import io
import json
import os

import pytest

from explorer.train import command


def invoke(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="attention-explorer train")
    command.configure(parser)
    out, err = io.StringIO(), io.StringIO()
    code = command.run(parser.parse_args(list(argv)), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_json_is_the_last_line(tmp_path):
    target = tmp_path / "w.npz"
    code, out, err = invoke("--task", "prev", "--heads", "1", "--steps", "120", "--seed", "2", "--json",
                            "--save", str(target))
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert len(lines) > 3  # progress lines first
    data = json.loads(lines[-1])
    for key in ("task", "heads", "d_model", "params", "steps", "seconds", "loss", "accuracy"):
        assert key in data
    assert data["task"] == "prev" and data["heads"] == 1 and data["d_model"] == 32 and data["steps"] == 120
    assert data["held_out"] >= 2000
    assert set(data["accuracy"]) == {"prev"} and 0.9 < data["accuracy"]["prev"] <= 1
    assert target.is_file() and os.listdir(tmp_path) == ["w.npz"]
    from explorer.train.trainer import Run

    assert Run.load(target).evaluate()["prev"] == pytest.approx(data["accuracy"]["prev"], abs=0.01)


def test_deterministic_accuracy():
    a = json.loads(invoke("--task", "prev-next", "--heads", "2", "--steps", "40", "--json")[1].splitlines()[-1])
    b = json.loads(invoke("--task", "prev-next", "--heads", "2", "--steps", "40", "--json")[1].splitlines()[-1])
    assert a["accuracy"] == b["accuracy"] and a["loss"] == b["loss"] and a["params"] == 5920


@pytest.mark.parametrize("argv, message", [
    (("--task", "nope"), "Unknown task 'nope'"),
    (("--heads", "3"), "--heads 3 does not divide --d-model 32"),
    (("--heads", "two"), "--heads must be a whole number"),
    (("--heads", "0"), "--heads must be between 1 and 32"),
    (("--d-model", "30", "--heads", "4"), "--heads 4 does not divide --d-model 30"),
    (("--steps", "0"), "--steps must be between 1"),
    (("--steps", "-5"), "--steps must be between 1"),
    (("--steps", "1.5"), "--steps must be a whole number"),
    (("--lr", "0"), "--lr must be a number greater than 0"),
    (("--lr", "nan"), "--lr must be a number greater than 0"),
    (("--lr", "fast"), "--lr must be a number"),
    (("--seed", "-1"), "--seed must be between 0"),
    (("--save", "/nonexistent-folder/w.npz"), "does not exist"),
    (("--save", "out.txt"), "--save needs a .npz file name"),
])
def test_bad_input_exits_2_with_one_line(argv, message):
    code, out, err = invoke(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("attention-explorer: error: ") and message in err


def test_save_to_a_folder_path_fails_cleanly(tmp_path):
    folder = tmp_path / "dir.npz"
    folder.mkdir()
    code, _, err = invoke("--steps", "1", "--save", str(folder))
    assert code == 2 and err.count("\n") == 1 and "is a folder" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_save_to_an_unwritable_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        code, _, err = invoke("--steps", "1", "--save", str(ro / "w.npz"))
    finally:
        ro.chmod(0o700)
    assert code == 2 and "permission denied" in err and os.listdir(ro) == []
