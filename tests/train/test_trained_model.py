"""TrainedModel feeds the app's views: a ModelRun matching the trainer's forward pass."""
from __future__ import annotations

import numpy as np
import pytest

from explorer.models.base import Model, ModelError, ModelRun
from explorer.train.checkpoints import SHIPPED, checkpoint_path
from explorer.train.model import forward
from explorer.train.trained_model import TrainedModel
from explorer.train.trainer import Run, TrainConfig


@pytest.fixture(scope="module")
def model() -> TrainedModel:
    run = Run(TrainConfig(task="prev-next", steps=100, seed=0), 2)
    run.step(100)
    return TrainedModel(run)


def test_is_a_model_with_toy_info(model):
    assert isinstance(model, Model)
    info = model.info
    assert info.family == "toy" and info.n_layers == 1 and info.n_heads == 2 and info.d_model == 32
    assert info.causal is False and info.vocab_size == 16
    assert TrainedModel(Run(TrainConfig(task="prev"), 1)).info.causal is True


def test_tokenize(model):
    assert model.tokenize("a b c d") == (["a", "b", "c", "d"], [0, 1, 2, 3])
    assert model.tokenize("ABcd") == (["a", "b", "c", "d"], [0, 1, 2, 3])
    for bad in ("", "a b z", "a b c d e f g h i", "ab cd"):
        with pytest.raises(ModelError):
            model.tokenize(bad)


def test_run_matches_the_trainer(model):
    text = model.example_text()
    assert len(text.split()) == 8
    r = model.run(text)
    assert isinstance(r, ModelRun) and r.n == 8
    w = r.weights[0]
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)
    f = forward(model.train_run.shape, model.train_run.params, np.asarray([r.ids]))
    np.testing.assert_allclose(w, f.weights[0], atol=1e-12)
    np.testing.assert_allclose(model.train_run.attention(np.asarray(r.ids)), w, atol=1e-12)
    trace = r.layer(0)  # the engine's view of it: its own softmax of q k^T / sqrt(d_k) agrees
    np.testing.assert_allclose(trace.weights, w)
    np.testing.assert_allclose(r.regroup(0, 2), w, atol=1e-10)
    np.testing.assert_allclose(trace.output, f.y[0], atol=1e-10)


def test_causal_run_masks_the_future():
    run = Run(TrainConfig(task="prev", steps=50), 1)
    run.step(50)
    r = TrainedModel(run).run("a b c d e")
    assert np.all(np.triu(r.weights[0, 0], 1) == 0)
    np.testing.assert_allclose(r.regroup(0, 1), r.weights[0], atol=1e-10)


def test_predictions(model):
    preds = model.predictions("a b c d e f g h")
    assert preds["prev"] == list("habcdefg") and preds["next"] == list("bcdefgha")


@pytest.mark.parametrize("task, heads", SHIPPED)
def test_shipped_checkpoints_load(task, heads):
    path = checkpoint_path(task, heads)
    assert path.stat().st_size < 20_000
    m = TrainedModel.load(path)
    assert m.info.n_heads == heads and m.train_run.cfg.task == task
    m.run(m.example_text())


def test_shipped_prev_next_shows_the_point():
    one = TrainedModel.load(checkpoint_path("prev-next", 1)).train_run.evaluate()
    two = TrainedModel.load(checkpoint_path("prev-next", 2)).train_run.evaluate()
    assert min(one.values()) <= 0.6 and min(two.values()) >= 0.99


def test_missing_checkpoint():
    with pytest.raises(FileNotFoundError, match="prev-next-h8.npz"):
        checkpoint_path("prev-next", 8)
    with pytest.raises(ValueError, match="Unknown task"):
        checkpoint_path("nope", 1)


def test_checkpoint_path_prefers_the_package_resources(tmp_path, monkeypatch):
    """explorer.resources (once the lead maps resources/ there) wins over the source tree."""
    import importlib.resources

    (tmp_path / "checkpoints").mkdir()
    shipped = tmp_path / "checkpoints" / "prev-next-h2.npz"
    shipped.write_bytes(b"x")
    real = importlib.resources.files

    def files(name):
        return tmp_path if name == "explorer.resources" else real(name)

    monkeypatch.setattr(importlib.resources, "files", files)
    assert checkpoint_path("prev-next", 2) == shipped
    assert checkpoint_path("prev-next", 4).parts[-3:] == ("resources", "checkpoints", "prev-next-h4.npz")
