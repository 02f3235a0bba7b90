"""Attention sources (numpy only): the synthetic engine and trained models, behind one interface."""
from .base import ALL_STAGES, AttentionSource, SourceInfo
from .synthetic import SyntheticSource

__all__ = ["ALL_STAGES", "AttentionSource", "SourceInfo", "SyntheticSource"]
