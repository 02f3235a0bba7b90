"""The example library: the shipped file, the claims its notes make, and the validator."""
from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest

from explorer.engine import tokenize
from explorer.examples import DEFAULT_PATH, Example, default_example, load_examples, verify_checks
from explorer.limits import DEFAULT_TEXT, TOKENS_MAX
from explorer.state import ExplorerState

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")

# topic -> the id of the example that covers it
TOPICS = {
    "coreference": "coreference-it",
    "chinese": "chinese-coreference",
    "mixed": "mixed-zh-en",
    "repeated": "repeated-words",
    "long_range": "long-range",
    "causal": "causal-next-token",
    "punctuation": "punctuation",
    "code": "code-brackets",
    "one_token": "single-token",
    "long_paragraph": "long-paragraph",
    "scaling": "scaling-large-dk",
    "single_vs_mean": "single-vs-mean",
}

LIBRARY = load_examples()
BY_ID = {ex.id: ex for ex in LIBRARY.examples}


def kinds(example: Example) -> list[str]:
    return [c["kind"] for c in example.checks]


# ---- the shipped library ------------------------------------------------------------------------
def test_default_path_is_the_resources_file():
    assert DEFAULT_PATH == Path(__file__).resolve().parents[1] / "resources" / "examples.json"
    assert DEFAULT_PATH.is_file()


def test_shipped_library_loads_without_problems():
    assert LIBRARY.problems == []
    assert len(LIBRARY.examples) >= 12
    assert "default" not in BY_ID  # the fallback was not needed
    assert len(BY_ID) == len(LIBRARY.examples)  # ids unique


def test_every_topic_is_covered():
    missing = [topic for topic, ex_id in TOPICS.items() if ex_id not in BY_ID]
    assert missing == []


def test_topic_examples_have_the_right_shape():
    coref = BY_ID[TOPICS["coreference"]]
    assert coref.text == "The animal didn't cross the street because it was too tired."
    assert coref.tokens[coref.query] == "it"
    assert any(c["kind"] == "argmax" and coref.tokens[c["key"]] == "animal" and c["query"] == coref.query
               for c in coref.checks)
    head = next(c["head"] for c in coref.checks if c["kind"] == "argmax")
    assert f"Head {head}" in coref.note_for("en") and f"头 {head}" in coref.note_for("zh")
    assert (coref.settings["d_model"], coref.settings["n_heads"]) == (64, 8)

    zh = BY_ID[TOPICS["chinese"]]
    assert CJK.search(zh.text) and not LATIN.search(zh.text)
    assert all(len(t) == 1 for t in zh.tokens)

    mixed = BY_ID[TOPICS["mixed"]]
    assert CJK.search(mixed.text) and LATIN.search(mixed.text)
    assert any(len(t) > 1 and LATIN.match(t) for t in mixed.tokens)

    rep = BY_ID[TOPICS["repeated"]]
    assert rep.settings["positional"] == "none"
    assert len(set(rep.tokens)) < len(rep.tokens)
    assert {"identical_rows", "identical_columns", "rows_differ"} <= set(kinds(rep))

    long_range = BY_ID[TOPICS["long_range"]]
    arg = next(c for c in long_range.checks if c["kind"] == "argmax")
    assert arg["query"] - arg["key"] >= 10

    causal = BY_ID[TOPICS["causal"]]
    assert causal.settings["causal"] is True and "causal_zeros" in kinds(causal)

    punct = BY_ID[TOPICS["punctuation"]]
    assert sum(1 for t in punct.tokens if not t[0].isalnum()) >= len(punct.tokens) // 2

    code = BY_ID[TOPICS["code"]]
    assert "(" in code.tokens and ")" in code.tokens

    one = BY_ID[TOPICS["one_token"]]
    assert len(one.tokens) == 1

    scaling = BY_ID[TOPICS["scaling"]]
    assert scaling.settings["scaled"] is False
    assert scaling.settings["d_model"] // scaling.settings["n_heads"] >= 256
    assert "entropy_below" in kinds(scaling)
    assert any(c["kind"] == "entropy_above" and c.get("with") == {"scaled": True} for c in scaling.checks)

    svm = BY_ID[TOPICS["single_vs_mean"]]
    assert any(k.startswith("single_vs_mean") for k in kinds(svm))
    assert svm.settings["n_heads"] > 1


def test_long_paragraph_has_at_least_256_tokens():
    para = BY_ID[TOPICS["long_paragraph"]]
    assert len(tokenize(para.text)) >= TOKENS_MAX
    assert len(para.tokens) == TOKENS_MAX  # the app uses at most 256


@pytest.mark.parametrize("example", LIBRARY.examples, ids=lambda e: e.id)
def test_example_checks_hold(example):
    assert example.checks, "every example must back its note with checks"
    assert verify_checks(example) == []


@pytest.mark.parametrize("example", LIBRARY.examples, ids=lambda e: e.id)
def test_example_texts_are_bilingual(example):
    for lang in ("en", "zh"):
        assert example.title_for(lang).strip()
        assert example.note_for(lang).strip()
    assert example.title["zh"] != example.title["en"]
    assert CJK.search(example.title["zh"]) and CJK.search(example.note["zh"])
    sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", example.note["en"].strip()) if s]
    assert 2 <= len(sentences) <= 4, sentences


@pytest.mark.parametrize("example", LIBRARY.examples, ids=lambda e: e.id)
def test_example_settings_apply_to_the_app_state(example):
    state = ExplorerState()
    state.apply({"text": example.text, **example.settings})
    assert state.config == example.config()
    assert state.tokens == example.tokens
    if example.query is not None:
        assert 0 <= example.query < len(state.tokens)


def test_title_and_note_fall_back_to_english():
    ex = Example(id="x", title={"en": "T"}, note={"en": "N", "zh": "注"}, text="a", settings={}, query=None, checks=[])
    assert ex.title_for("zh") == "T"
    assert ex.title_for("fr") == "T"
    assert ex.note_for("zh") == "注"


# ---- verify_checks can fail ---------------------------------------------------------------------
def test_verify_checks_reports_a_false_claim():
    coref = copy.deepcopy(BY_ID[TOPICS["coreference"]])
    arg = next(c for c in coref.checks if c["kind"] == "argmax")
    arg["key"] = 5  # "street"
    failures = verify_checks(coref)
    assert len(failures) == 1
    assert "coreference-it" in failures[0] and "'street'" in failures[0] and "'animal'" in failures[0]


def test_verify_checks_uses_the_with_override():
    scaling = copy.deepcopy(BY_ID[TOPICS["scaling"]])
    below = next(c for c in scaling.checks if c["kind"] == "entropy_below")
    below["with"] = {"scaled": True}  # with scaling on the entropy is high, so this must fail
    failures = verify_checks(scaling)
    assert len(failures) == 1 and "not below" in failures[0]


def test_verify_checks_reports_bad_indices_and_heads():
    ex = copy.deepcopy(BY_ID[TOPICS["one_token"]])
    ex.checks = [{"kind": "argmax", "head": 1, "query": 3, "key": 0},
                 {"kind": "entropy_below", "head": 9, "value": 0.5},
                 {"kind": "token_is", "index": 0, "token": "Bye"}]
    failures = verify_checks(ex)
    assert len(failures) == 3
    assert "out of range" in failures[0]
    assert "head 9 does not exist" in failures[1]
    assert "'Hello'" in failures[2] and "'Bye'" in failures[2]


def test_causal_zeros_fails_without_the_mask():
    causal = copy.deepcopy(BY_ID[TOPICS["causal"]])
    causal.checks = [{"kind": "causal_zeros", "with": {"causal": False}}]
    assert len(verify_checks(causal)) == 2  # the heads and the single head


# ---- the validator ------------------------------------------------------------------------------
def good_raw() -> dict:
    ex = default_example()
    raw = asdict(ex)
    raw["id"] = "good"
    raw["checks"] = [{"kind": "n_tokens", "value": len(tokenize(DEFAULT_TEXT))}]
    del raw["query"]
    return raw


def write(tmp_path: Path, examples, name: str = "examples.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"examples": examples}, ensure_ascii=False), encoding="utf-8")
    return path


def assert_fallback(lib) -> None:
    assert [ex.id for ex in lib.examples] == ["default"]
    assert lib.examples[0].text == DEFAULT_TEXT
    assert (lib.examples[0].settings["d_model"], lib.examples[0].settings["n_heads"]) == (64, 8)
    assert "default example" in lib.problems[-1]


def only_problem(lib, *needles: str) -> str:
    matching = [p for p in lib.problems if all(n in p for n in needles)]
    assert len(matching) == 1, lib.problems
    return matching[0]


def test_a_valid_file_loads_and_keeps_its_examples(tmp_path):
    other = good_raw()
    other["id"] = "other"
    other["query"] = 7
    lib = load_examples(write(tmp_path, [good_raw(), other]))
    assert lib.problems == []
    assert [ex.id for ex in lib.examples] == ["good", "other"]
    assert lib.examples[1].query == 7
    assert verify_checks(lib.examples[0]) == []


def test_the_default_example_is_itself_valid(tmp_path):
    raw = asdict(default_example())
    lib = load_examples(write(tmp_path, [raw]))
    assert lib.problems == []
    assert lib.examples[0].id == "default"


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.json"
    lib = load_examples(path)
    assert str(path) in lib.problems[0] and "does not exist" in lib.problems[0]
    assert_fallback(lib)


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "examples": [\n    {"id": "a",}\n  ]\n}\n', encoding="utf-8")
    lib = load_examples(path)
    msg = lib.problems[0]
    assert str(path) in msg and "not valid JSON" in msg
    assert "line 3, column 16" in msg
    assert_fallback(lib)


def test_wrong_top_level_shape(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([good_raw()]), encoding="utf-8")
    lib = load_examples(path)
    assert str(path) in lib.problems[0] and "'examples' list" in lib.problems[0]
    assert_fallback(lib)


def test_empty_example_list(tmp_path):
    path = write(tmp_path, [])
    lib = load_examples(path)
    assert str(path) in lib.problems[0] and "holds no examples" in lib.problems[0]
    assert_fallback(lib)


def test_unknown_field_is_reported_and_the_example_dropped(tmp_path):
    bad = good_raw()
    bad["id"] = "colourful"
    bad["colour"] = "red"
    path = write(tmp_path, [good_raw(), bad])
    lib = load_examples(path)
    msg = only_problem(lib, "'colour'")
    assert str(path) in msg and "'colourful'" in msg and "unknown field" in msg
    assert [ex.id for ex in lib.examples] == ["good"]  # the valid one is kept, no fallback


def test_heads_not_dividing_d_model_lists_valid_counts(tmp_path):
    bad = good_raw()
    bad["settings"]["n_heads"] = 5
    path = write(tmp_path, [bad])
    lib = load_examples(path)
    msg = only_problem(lib, "n_heads=5")
    assert str(path) in msg and "'good'" in msg and "does not divide d_model=64" in msg
    assert "1, 2, 4, 8, 16" in msg
    assert_fallback(lib)


def test_out_of_range_d_model(tmp_path):
    bad = good_raw()
    bad["settings"]["d_model"] = 1024
    path = write(tmp_path, [bad])
    lib = load_examples(path)
    msg = only_problem(lib, "d_model=1024")
    assert str(path) in msg and "'good'" in msg and "outside the allowed range 4 to 512" in msg
    assert_fallback(lib)


def test_wrong_setting_types_and_unknown_setting(tmp_path):
    bad = good_raw()
    bad["settings"].update(causal="yes", temperature="hot", positional="learned", text="hi")
    path = write(tmp_path, [bad])
    lib = load_examples(path)
    only_problem(lib, "causal='yes'", "true or false")
    only_problem(lib, "temperature='hot'", "must be a number")
    only_problem(lib, "positional='learned'", "sinusoidal, none")
    only_problem(lib, "unknown key 'text'", "own 'text' field")
    assert all(str(path) in p for p in lib.problems)
    assert_fallback(lib)


def test_duplicate_ids(tmp_path):
    second = good_raw()
    second["text"] = "Another text."
    second["checks"] = []
    path = write(tmp_path, [good_raw(), second])
    lib = load_examples(path)
    msg = only_problem(lib, "repeats an id")
    assert str(path) in msg and "'good'" in msg
    assert len(lib.examples) == 1 and lib.examples[0].text == DEFAULT_TEXT  # the first one wins


def test_missing_zh_note(tmp_path):
    bad = good_raw()
    del bad["note"]["zh"]
    path = write(tmp_path, [bad])
    lib = load_examples(path)
    msg = only_problem(lib, "'zh'", "'note'")
    assert str(path) in msg and "'good'" in msg and "missing" in msg
    assert_fallback(lib)


def test_missing_required_field_and_id(tmp_path):
    bad = good_raw()
    del bad["settings"]
    del bad["id"]
    path = write(tmp_path, [bad])
    lib = load_examples(path)
    assert only_problem(lib, "example #1", "no 'id'")
    assert only_problem(lib, "example #1", "required field 'settings'")
    assert_fallback(lib)


def test_empty_text(tmp_path):
    bad = good_raw()
    bad["text"] = "   \n "
    path = write(tmp_path, [bad])
    lib = load_examples(path)
    msg = only_problem(lib, "no tokens")
    assert str(path) in msg and "'good'" in msg
    assert_fallback(lib)


def test_bad_checks_and_query_are_reported(tmp_path):
    bad = good_raw()
    bad["query"] = 99
    bad["checks"] = [{"kind": "vibes"}, {"kind": "argmax", "head": 1, "query": 0, "colour": 1},
                     {"kind": "entropy_above", "head": 1, "value": 0.5, "with": {"n_heads": 3}}]
    path = write(tmp_path, [bad])
    lib = load_examples(path)
    only_problem(lib, "query=99", "12 token(s)")
    only_problem(lib, "unknown kind 'vibes'")
    only_problem(lib, "check #2 (argmax)", "missing 'key'")
    only_problem(lib, "check #2 (argmax)", "unknown field 'colour'")
    only_problem(lib, "n_heads=3", "valid head counts for d_model=64")
    assert all(str(path) in p for p in lib.problems)
    assert_fallback(lib)


def test_loading_does_not_run_the_checks(tmp_path):
    raw = good_raw()
    raw["checks"] = [{"kind": "n_tokens", "value": 3}]  # false: the text has 12 tokens
    lib = load_examples(write(tmp_path, [raw]))
    assert lib.problems == []
    failures = verify_checks(lib.examples[0])
    assert len(failures) == 1 and "uses 12 tokens, not 3" in failures[0]
