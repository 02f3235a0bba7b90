"""Determinism, training progress, stop/resume/reset, held-out evaluation, ablation, save/load."""
from __future__ import annotations

import zipfile

import numpy as np
import pytest

from explorer.train.trainer import HELD_OUT, Run, TrainConfig, Trainer, held_out


def params_equal(a: Run, b: Run) -> bool:
    return all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


def test_same_seed_same_weights_and_history():
    a, b = Run(TrainConfig(seed=3), 2), Run(TrainConfig(seed=3), 2)
    a.step(20)
    b.step(20)
    assert params_equal(a, b)
    assert [p.loss for p in a.history] == [p.loss for p in b.history]
    c = Run(TrainConfig(seed=4), 2)
    c.step(20)
    assert not params_equal(a, c)


def test_trainer_matches_a_lone_run_and_shares_the_initial_weights():
    tr = Trainer(TrainConfig(seed=1), heads=(1, 2, 4))
    # same seed: every head count starts from the very same numbers
    assert params_equal(tr.runs[1], tr.runs[2]) and params_equal(tr.runs[2], tr.runs[4])
    tr.step(15)
    lone = Run(TrainConfig(seed=1), 2)
    lone.step(15)
    assert params_equal(tr.runs[2], lone)
    assert tr.step_count == 15 and all(len(r.history) == 15 for r in tr.runs.values())


def test_stop_resume_reset():
    tr = Trainer(TrainConfig(steps=30), heads=(1, 2))
    tr.step(10)
    tr.stop()
    assert tr.step(10) == {1: [], 2: []} and tr.step_count == 10
    tr.resume()
    tr.step(100)
    assert tr.step_count == 30 and tr.done  # never past cfg.steps
    first_loss = tr.runs[2].history[0].loss
    tr.reset()
    assert tr.step_count == 0 and tr.runs[2].history == []
    tr.step(1)
    assert tr.runs[2].history[0].loss == first_loss


def test_held_out_is_large_and_differs_from_training_data():
    cfg = TrainConfig(seed=0)
    tokens, _ = held_out(cfg.task_def, cfg)
    assert HELD_OUT >= 2000 and tokens.shape[0] == HELD_OUT
    run = Run(cfg, 1)
    train_tokens, _ = run.task.sample(np.random.default_rng([0, 1]), 64)
    assert not np.array_equal(tokens[:64], train_tokens)


def test_two_heads_beat_one_on_prev_next_in_a_short_run():
    tr = Trainer(TrainConfig(task="prev-next", steps=150, seed=0), heads=(1, 2))
    tr.step(150)
    one, two = tr.runs[1].evaluate(), tr.runs[2].evaluate()
    assert min(two.values()) > 0.95
    assert min(one.values()) < 0.6
    assert min(two.values()) > min(one.values()) + 0.3


@pytest.fixture(scope="module")
def trained() -> Run:
    run = Run(TrainConfig(task="prev-next", steps=150, seed=0), 2)
    run.step(150)
    return run


def test_ablation_lowers_accuracy_of_a_trained_head(trained):
    base = trained.evaluate()
    drops = [min(base[t] - trained.ablate(i)[t] for t in base) for i in range(2)]
    # each head carries one neighbour: switching either off loses at least one target
    for i in range(2):
        after = trained.ablate(i)
        assert min(after.values()) < 0.5, (i, after)
    assert max(drops) >= 0  # and nothing is gained
    with pytest.raises(ValueError, match="Head 2 does not exist"):
        trained.ablate(2)


def test_save_load_round_trip(trained, tmp_path):
    path = tmp_path / "w.npz"
    trained.save(path, dtype="float64")
    back = Run.load(path)
    assert params_equal(trained, back)
    assert back.step_count == 150 and back.heads == 2 and back.cfg.task == "prev-next"
    assert back.cfg.d_model == 32 and back.cfg.seed == 0
    assert back.evaluate() == trained.evaluate()
    trained.save(path)  # float32 by default: the same predictions
    assert Run.load(path).evaluate() == trained.evaluate()
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no temporary file left behind


def test_save_is_atomic_when_writing_fails(trained, tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    path.write_bytes(b"old")

    def boom(*a, **k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(np, "savez_compressed", boom)
    with pytest.raises(RuntimeError):
        trained.save(path)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["w.npz"]


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"not a zip at all"), "is not an Attention Explorer weights file"),
    (lambda p: _npz(p, x=np.zeros(3)), "has no 'meta' entry"),
    (lambda p: _npz(p, meta=np.array("{")), "not valid JSON"),
    (lambda p: _npz(p, meta=np.array('{"format": "other"}')), "its format is not"),
    (lambda p: _npz(p, meta=np.array('{"format": "attention-explorer-train/1", "task": "zzz"}')), "settings"),
])
def test_bad_files(tmp_path, make, message):
    path = tmp_path / "bad.npz"
    make(path)
    with pytest.raises(ValueError, match=message):
        Run.load(path)


def test_missing_and_mismatched_weights(trained, tmp_path):
    path = tmp_path / "w.npz"
    trained.save(path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    bad = dict(arrays, param_w_q=np.zeros((3, 3), dtype=np.float32))
    np.savez(tmp_path / "shape.npz", **bad)
    with pytest.raises(ValueError, match="'w_q' have shape"):
        Run.load(tmp_path / "shape.npz")
    del arrays["param_w_o"]
    np.savez(tmp_path / "missing.npz", **arrays)
    with pytest.raises(ValueError, match="'w_o' are missing"):
        Run.load(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="does not exist"):
        Run.load(tmp_path / "nothing.npz")
    with zipfile.ZipFile(tmp_path / "trunc.npz", "w") as zf:
        zf.writestr("meta.npy", b"\x93NUMPY garbage")
    with pytest.raises(ValueError, match="not an Attention Explorer weights file"):
        Run.load(tmp_path / "trunc.npz")
