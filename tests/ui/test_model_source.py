"""A trained model in the window, on a tiny random GPT-2 folder the test writes: it loads in the
worker, the grid shows the model's heads of the chosen layer, the comparison regroups the
trained Q and K, the prediction strip appends a token, and bad folders change nothing."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
from causal_fixtures import GPT2, build_gpt2_dir  # noqa: E402

from explorer.models import load_model  # noqa: E402

TEXT = "the cat sat on the mat and the dog sat on the rug"


@pytest.fixture
def gpt2_dir(tmp_path):
    folder = tmp_path / "tiny-gpt2"
    build_gpt2_dir(folder)
    return folder


def settle(win, qtbot):
    for _ in range(4):
        assert win.worker.wait(60000)
        qtbot.wait(20)
        win.flush()


def test_a_model_opens_in_the_worker_and_feeds_every_view(window, qtbot, gpt2_dir):
    window.state.set_text(TEXT)
    window.open_model(str(gpt2_dir))
    settle(window, qtbot)
    s = window.state
    assert s.is_model and s.info.name == "tiny-gpt2" and s.info.n_layers == GPT2["n_layers"]
    run = load_model(gpt2_dir).run(TEXT)
    assert s.tokens == run.tokens
    # the grid: the model's own heads of layer 0, cell for cell
    assert len(window.heads_view.images) == s.info.n_heads
    for i, img in enumerate(window.heads_view.images):
        np.testing.assert_allclose(img.image, run.weights[0, i], atol=1e-6)
    # controls say what the model fixes, and the layer slider moves the grid
    assert not window.controls.d_model_slider.isEnabled() and not window.controls.seed_spin.isEnabled()
    assert window.source_panel.fixed_label.isVisible() and "fixed" in window.source_panel.fixed_label.text()
    window.source_panel.layer_slider.setValue(1)
    settle(window, qtbot)
    assert s.layer == 1
    np.testing.assert_allclose(window.heads_view.images[0].image, run.weights[1, 0], atol=1e-6)
    # the comparison: the same trained Q and K regrouped
    combo = window.source_panel.regroup_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [h for h in range(1, s.info.d_model + 1)
                                                                  if s.info.d_model % h == 0][:combo.count()]
    combo.activated.emit(combo.findData(2))
    settle(window, qtbot)
    assert window.pair.single.n_heads == 2
    np.testing.assert_allclose(window.pair.single.weights, run.regroup(1, 2), atol=1e-12)
    # the prediction strip: the run's top tokens; a click appends the first and runs again
    strip = window.prediction_strip
    assert strip.isVisible()
    top = run.next_tokens(10)
    assert [t for t, _ in strip.predictions] == [t for t, _ in top]
    strip.buttons[0].click()
    settle(window, qtbot)
    assert s.text == TEXT + top[0][0]
    assert window.pair.multi.tokens == load_model(gpt2_dir).run(TEXT + top[0][0]).tokens


def test_a_bad_model_folder_is_one_message_and_nothing_changes(window, qtbot, tmp_path):
    bad = tmp_path / "not-a-model"
    bad.mkdir()
    (bad / "config.json").write_text('{"model_type": "roberta"}', encoding="utf-8")
    before = (window.state.info, window.state.text, window.state.settings)
    window.open_model(str(bad))
    settle(window, qtbot)
    assert (window.state.info, window.state.text, window.state.settings) == before
    msg = window.controls.message_label.text()
    assert window.controls.message_label.isVisible() and "roberta" in msg and "not supported" in msg
    # and back to random weights, the message goes
    window.source_panel.sourceRequested.emit("__random__")
    window.flush()
    assert "roberta" not in window.controls.message_label.text()


def test_cancel_keeps_the_current_source(window, qtbot, gpt2_dir):
    before = window.state.info
    window.open_model(str(gpt2_dir))
    window.worker.cancel()
    settle(window, qtbot)
    # either the load finished before the cancel arrived, or nothing changed: never half a model
    assert window.state.info == before or window.state.info.name == "tiny-gpt2"
    assert not window.source_panel.busy_row.isVisible()


def test_a_model_session_reopens_the_model(window, qtbot, gpt2_dir, tmp_path):
    window.state.set_text(TEXT)
    window.open_model(str(gpt2_dir))
    settle(window, qtbot)
    window.state.set_layer(1)
    window.state.set_regroup_heads(2)
    path = tmp_path / "m.json"
    assert window.save_session_to(str(path))
    window.source_panel.sourceRequested.emit("__random__")
    window.flush()
    assert not window.state.is_model
    assert window.open_session_file(str(path))
    settle(window, qtbot)
    assert window.state.is_model and window.state.layer == 1 and window.state.regroup_heads == 2
    info = window.state.info
    assert window.caption() == (f"model=tiny-gpt2 · layer=1 · h={info.n_heads} · d_model={info.d_model} · "
                                f"n={window.state.n_tokens} · regrouped into h'=2")


def test_grouped_kv_heads_are_named(window, qtbot, tmp_path):
    from causal_fixtures import build_llama_gguf

    path = tmp_path / "tiny-llama.gguf"
    build_llama_gguf(path)
    window.state.set_text(TEXT)
    window.open_model(str(path))
    settle(window, qtbot)
    info = window.state.info
    assert window.state.is_model and info.n_kv_heads and info.n_heads > info.n_kv_heads
    per = info.n_heads // info.n_kv_heads
    text = window.source_panel.fixed_label.text()
    assert f"heads 1–{per} use K/V 1" in text and f"share {info.n_kv_heads} key/value heads" in text
    # the grid shows every query head; heads of one group share K but not Q
    assert len(window.heads_view.images) == info.n_heads


def test_head_scores_use_the_induction_probe_for_causal_models(window, qtbot, gpt2_dir):
    from explorer.headscores import induction

    window.state.set_text(TEXT)
    window.open_model(str(gpt2_dir))
    settle(window, qtbot)
    window.show_view("scores")
    settle(window, qtbot)
    scores = window.views["scores"]
    probe = window.state.source.induction_probe()
    assert probe is not None and probe.shape == (window.state.info.n_layers, window.state.info.n_heads)
    # the probe is the TransformerLens score on a random sequence repeated twice, by token id
    vocab = window.state.source.model.info.vocab_size
    seq = np.random.default_rng(0).integers(min(100, vocab // 4), vocab, size=50).tolist()
    run = window.state.source.model.run_ids(seq + seq)
    ids = [str(i) for i in run.ids]
    assert probe[1, 2] == pytest.approx(induction(run.weights[1, 2], ids), abs=1e-12)
    shown = {(r["layer"], r["head"]): r["induction"] for r in scores.rows()}
    assert shown[(1, 2)] == pytest.approx(probe[1, 2]) and "repeated twice" in scores.caption.text()
