"""The Train tab: a short live run, stop/resume/reset, patterns, ablation, files, modelReady."""
from __future__ import annotations

import numpy as np
import pytest

from explorer.train.trained_model import TrainedModel
from explorer.ui.train_view import TrainView


@pytest.fixture
def view(qtbot):
    v = TrainView()
    qtbot.addWidget(v)
    v.resize(1440, 880)
    v.show()
    qtbot.waitExposed(v)
    yield v
    v.shutdown()


def test_defaults_and_explanation(view):
    assert view.objectName() == "train_view"
    assert view.chosen_heads() == (1, 2, 4)
    assert "two tokens at once" in view.explanation.text()
    view.task_combo.setCurrentIndex(view.task_combo.findData("prev"))
    assert "not magic" in view.explanation.text()
    for w in (view.start_button, view.stop_button, view.task_combo, view.steps_spin, view.head_checks[2]):
        assert w.toolTip()


def test_short_run_stop_resume_reset(view, qtbot):
    view.steps_spin.setValue(400)
    view.set_heads((1, 2))
    view.start()
    assert view.running
    qtbot.waitUntil(lambda: view.curve_points(1) > 0 and view.curve_points(2) > 0, timeout=15000)
    view.stop()
    qtbot.waitUntil(lambda: not view.running, timeout=5000)
    stopped_at = view.trainer.step_count
    assert 0 < stopped_at < 400 and view.resume_button.isEnabled()
    qtbot.wait(200)
    assert view.trainer.step_count == stopped_at  # nothing trains while stopped
    view.resume()
    qtbot.waitUntil(lambda: view.trainer.step_count > stopped_at, timeout=10000)
    view.reset()
    assert not view.running and view.trainer.step_count == 0 and view.curve_points(1) == 0
    assert view.start_button.isEnabled()


def test_patterns_ablation_and_model(view, qtbot):
    view.steps_spin.setValue(150)
    view.set_heads((1, 2))
    models = []
    view.modelReady.connect(models.append)
    view.start()
    qtbot.waitUntil(lambda: not view.running, timeout=30000)
    assert view.trainer.done and view.trainer.step_count == 150
    run = view.trainer.runs[2]
    weights = run.attention(view.example)
    for i in range(2):
        np.testing.assert_allclose(view.pattern_image(2, i), weights[i], atol=1e-6)
    np.testing.assert_allclose(view.pattern_image(1, 0), view.trainer.runs[1].attention(view.example)[0], atol=1e-6)
    view.run_combo.setCurrentIndex(view.run_combo.findData(2))
    view.head_combo.setCurrentIndex(0)
    before = view.ablation_label.text()
    result = view.measure_ablation()
    assert view.ablation_label.text() != before
    assert min(result["without"].values()) < min(result["all"].values()) - 0.3
    assert "without head 0" in view.ablation_label.text()
    view.emit_model()
    assert len(models) == 1 and isinstance(models[0], TrainedModel) and models[0].info.n_heads == 2
    r = models[0].run(models[0].example_text())
    np.testing.assert_allclose(r.weights[0], weights, atol=1e-12)


def test_save_load_and_shipped(view, qtbot, tmp_path):
    models = []
    view.modelReady.connect(models.append)
    view.load_shipped()
    assert set(view.trainer.runs) == {1, 2, 4} and view.trainer.runs[2].step_count > 0
    assert models and isinstance(models[-1], TrainedModel)
    w = view.trainer.runs[4].attention(view.example)
    np.testing.assert_allclose(view.pattern_image(4, 3), w[3], atol=1e-6)
    view.run_combo.setCurrentIndex(view.run_combo.findData(2))
    path = tmp_path / "w.npz"
    view.save_weights(path)
    view.load_weights([path])
    assert set(view.trainer.runs) == {2} and view.chosen_heads() == (2,)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"junk")
    with pytest.raises(ValueError, match="not an Attention Explorer weights file"):
        view.load_weights([bad])


def test_bad_head_count_is_reported(view):
    view.d_model_spin.setValue(24)
    view.set_heads((8, 4))
    view.d_model_spin.setValue(12)
    view.start()
    assert not view.running and "cannot be split" in view.status.text()
