"""Training tiny attention models in numpy (no Qt), to watch why multi-head attention helps.

    from explorer.train import Trainer, TrainConfig
    trainer = Trainer(TrainConfig(task="prev-next"), heads=(1, 2, 4))
    trainer.step(600)
    {h: run.evaluate() for h, run in trainer.runs.items()}
"""
from __future__ import annotations

from .checkpoints import checkpoint_path
from .model import ModelShape, count_params
from .tasks import TASK_NAMES, TASKS, Task, get_task
from .trained_model import TrainedModel
from .trainer import HistoryPoint, Run, TrainConfig, Trainer

__all__ = ["TASKS", "TASK_NAMES", "HistoryPoint", "ModelShape", "Run", "Task", "TrainConfig", "TrainedModel",
           "Trainer", "checkpoint_path", "count_params", "get_task"]
