"""Trained models read in numpy (no Qt, no torch): BERT-family and GPT-2 folders, Llama GGUF files.

    from explorer.models import load_model
    model = load_model(path)    # a Hugging Face folder or a .gguf file
    run = model.run(text)       # run.tokens, run.ids, run.weights, run.layer(i), run.regroup(i, h)
"""
from __future__ import annotations

import json
from pathlib import Path

from . import discover  # a module you can call: explorer.models.discover() finds the models
from .base import (
    MAX_MODEL_TOKENS,
    Cancelled,
    LayerAttention,
    Model,
    ModelCancelled,
    ModelError,
    ModelInfo,
    ModelRun,
    ModelTrace,
    Progress,
)

SUPPORTED_TYPES = ("bert", "gpt2")

__all__ = [
    "MAX_MODEL_TOKENS", "SUPPORTED_TYPES", "LayerAttention", "Model", "ModelCancelled", "ModelError", "ModelInfo",
    "ModelRun", "ModelTrace", "discover", "load_model",
]


def load_model(path: str | Path, progress: Progress | None = None, cancelled: Cancelled | None = None) -> Model:
    """Open a Hugging Face model folder (config.json, model.safetensors, tokenizer.json) of a
    supported ``model_type``, or a Llama-architecture ``.gguf`` file. Raises ModelError with a
    clear message for anything else."""
    p = Path(path).expanduser()
    if p.suffix.lower() == ".gguf":
        if not p.is_file():
            raise ModelError(f"The GGUF file {p} does not exist.")
        from .gguf_llama import load_gguf

        return load_gguf(p, progress=progress, cancelled=cancelled)
    if not p.exists():
        raise ModelError(f"The model folder {p} does not exist.")
    if not p.is_dir():
        raise ModelError(f"{p} is neither a model folder nor a .gguf file.")
    cfg_path = p / "config.json"
    if not cfg_path.is_file():
        raise ModelError(f"{p} has no config.json: choose a Hugging Face model folder.")
    try:
        config = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelError(f"{cfg_path} cannot be read: {e}") from None
    if not isinstance(config, dict):
        raise ModelError(f"{cfg_path} does not hold a JSON object.")
    model_type = config.get("model_type")
    if model_type == "bert":
        from .bert import load_bert

        return load_bert(p, config, progress=progress, cancelled=cancelled)
    if model_type == "gpt2":
        from .gpt2 import load_gpt2

        return load_gpt2(p, config, progress=progress, cancelled=cancelled)
    raise ModelError(
        f"{p.name}: model_type {model_type!r} is not supported. Supported: "
        f"{', '.join(SUPPORTED_TYPES)} folders (BERT, MiniLM, GPT-2) and Llama-architecture .gguf files."
    )
