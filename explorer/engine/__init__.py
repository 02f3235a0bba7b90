"""The attention engine: numpy only (no Qt, no pyqtgraph), so every number can be checked alone."""
from .attention import AttentionEngine, Trace, TracePair, compute_attention, compute_pair
from .config import POSITIONAL_MODES, AttentionConfig, valid_head_counts
from .cost import Cost, attention_cost
from .metrics import Metrics, single_vs_mean, trace_metrics
from .stages import STAGES, Stage
from .tokenize import clean_text, tokenize

__all__ = [
    "AttentionConfig", "AttentionEngine", "Cost", "Metrics", "POSITIONAL_MODES", "STAGES", "Stage",
    "Trace", "TracePair", "attention_cost", "clean_text", "compute_attention", "compute_pair",
    "single_vs_mean", "tokenize", "trace_metrics", "valid_head_counts",
]
