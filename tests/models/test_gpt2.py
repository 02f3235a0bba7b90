"""GPT-2 folders (explorer.models.gpt2) against a float64 reference written from the equations.

The tiny models are random, written here (safetensors + a byte-level BPE tokenizer.json trained
with ``tokenizers``); nothing is downloaded.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from causal_fixtures import GPT2, build_gpt2_dir, gpt2_reference  # noqa: E402

from explorer.models import MAX_MODEL_TOKENS, ModelCancelled, ModelError, load_model  # noqa: E402

TEXT = "The quick brown fox jumps over the lazy dog.\nHéllo wörld 12345"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("gpt2")
    out = {}
    for prefix in ("transformer.", ""):
        folder = root / f"gpt2-{prefix or 'bare'}"
        weights, tok = build_gpt2_dir(folder, prefix=prefix)
        out[prefix] = (folder, weights, tok)
    return out


@pytest.mark.parametrize("prefix", ["transformer.", ""])
def test_matches_float64_reference(tiny, prefix):
    folder, weights, tok = tiny[prefix]
    model = load_model(folder)
    run = model.run(TEXT)
    ref = gpt2_reference(weights, run.ids)
    for i, lref in enumerate(ref["layers"]):
        tr = run.layer(i)
        np.testing.assert_allclose(tr.x, lref["x"], rtol=0, atol=1e-9 if i == 0 else 1e-5)
        np.testing.assert_allclose(run.weights[i], lref["weights"], rtol=0, atol=2e-5)  # float32 products
        np.testing.assert_allclose(tr.output, lref["output"], rtol=1e-5, atol=1e-5)  # with c_proj's bias
    np.testing.assert_allclose(run._logits, ref["logits"], rtol=1e-5, atol=1e-5)


def test_info(tiny):
    folder, _, tok = tiny["transformer."]
    info = load_model(folder).info
    assert (info.family, info.n_layers, info.n_heads, info.d_model, info.causal, info.kv_heads) == \
        ("gpt2", GPT2["n_layers"], GPT2["h"], GPT2["d"], True, GPT2["h"])
    assert info.vocab_size == tok.get_vocab_size() and info.name == folder.name


def test_invariants(tiny):
    folder, _, _ = tiny[""]
    run = load_model(folder).run(TEXT)
    L, h, n = GPT2["n_layers"], GPT2["h"], run.n
    assert run.weights.shape == (L, h, n, n) and run.weights.dtype == np.float64
    assert np.all(np.triu(run.weights, 1) == 0)
    np.testing.assert_allclose(run.weights.sum(-1), 1.0, atol=1e-12)
    for i in range(L):
        np.testing.assert_allclose(run.regroup(i, h), run.weights[i], rtol=0, atol=1e-14)
        assert run.regroup(i, 1).shape == (1, n, n)
        tr = run.layer(i)
        # the Conv1D split: q_proj = x W_q + b_q with W_q the first d columns of c_attn
        np.testing.assert_allclose(tr.q_proj, tr.x @ tr.w_q + (tr.q_proj - tr.x @ tr.w_q).mean(0), atol=1e-5)


def test_ids_tokens_and_next_tokens(tiny):
    folder, weights, tok = tiny["transformer."]
    model = load_model(folder)
    run = model.run(TEXT)
    assert run.ids == tok.encode(TEXT).ids
    joined = "".join(run.tokens)
    assert "·" in joined and "↵" in joined and "Ġ" not in joined and "Ċ" not in joined
    assert "é" in joined  # a multi-byte character inside one token comes back as text
    assert "<0xC3><0xB6>" in joined  # 'ö' split over two byte tokens: each shows its byte
    top = run.next_tokens(4)
    probs = [p for _, p in top]
    assert len(top) == 4 and probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-12
    ref = gpt2_reference(weights, run.ids)["logits"]
    p = np.exp(ref - ref.max())
    p /= p.sum()
    assert top[0][0] == tok.decode([int(np.argmax(p))])  # the decoded text, ready to append
    assert math.isclose(top[0][1], float(p.max()), rel_tol=1e-5)


def test_truncation(tmp_path, tiny):
    folder, _, _ = tiny["transformer."]
    run = load_model(folder).run("word " * 400)
    assert run.n == MAX_MODEL_TOKENS
    small = tmp_path / "short-context"
    build_gpt2_dir(small, n_pos=20)
    assert load_model(small).run("word " * 400).n == 20  # never past the position table


def test_progress_and_cancel(tiny):
    folder, _, _ = tiny["transformer."]
    seen: list[int] = []
    model = load_model(folder, progress=lambda d, t, w: seen.append(d))
    assert seen and seen[-1] == len(seen)
    with pytest.raises(ModelCancelled):
        load_model(folder, cancelled=lambda: True)
    with pytest.raises(ModelCancelled):
        model.run("hello", cancelled=lambda: True)


def test_missing_tensor(tmp_path):
    folder = tmp_path / "broken"
    build_gpt2_dir(folder, drop="h.1.mlp.c_fc.weight")
    with pytest.raises(ModelError, match=r"h\.1\.mlp\.c_fc\.weight"):
        load_model(folder)


def test_bad_files(tmp_path, tiny):
    src, _, _ = tiny["transformer."]
    folder = tmp_path / "bad"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json"):
        (folder / name).write_bytes((src / name).read_bytes())
    with pytest.raises(ModelError, match="model.safetensors"):
        load_model(folder)
    data = (src / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="cannot be read|truncated"):
        load_model(folder)
    (folder / "model.safetensors").write_bytes(data)
    (folder / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="tokenizer.json"):
        load_model(folder)
    (folder / "tokenizer.json").write_text("not json", encoding="utf-8")
    with pytest.raises(ModelError, match="tokenizer.json"):
        load_model(folder)
    (folder / "tokenizer.json").write_bytes((src / "tokenizer.json").read_bytes())
    cfg = json.loads((src / "config.json").read_text(encoding="utf-8"))
    cfg["n_embd"] = 48  # disagrees with the tensors
    (folder / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    with pytest.raises(ModelError, match="shape"):
        load_model(folder)


# ------------------------------------------------------------------ readable byte-level tokens

def test_readable_tokens():
    from explorer.models.readable import byte_decoder, readable_byte_level

    table = byte_decoder()
    assert len(table) == 256 and sorted(table.values()) == list(range(256))
    assert readable_byte_level("Ġthe") == "·the"
    assert readable_byte_level("Ċ") == "↵" and readable_byte_level("ĉ") == "⇥"
    assert readable_byte_level("<|im_start|>") == "<|im_start|>"
    assert readable_byte_level("ÃŃ") == "í"  # two stand-ins, one UTF-8 character
    assert readable_byte_level("Ã") == "<0xC3>"  # half a character
    assert readable_byte_level("ĠÃ") == "·<0xC3>"
    assert readable_byte_level("Ā") == "<0x00>"
    assert readable_byte_level("▁hello") == "▁hello"  # not byte-level: shown as it is


def test_readable_round_trip():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from explorer.models.readable import byte_decoder, readable_byte_level

    encode = {b: c for c, b in byte_decoder().items()}

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
    def check(s: str) -> None:
        token = "".join(encode[b] for b in s.encode("utf-8"))
        assert readable_byte_level(token) == s.replace(" ", "·")

    check()
