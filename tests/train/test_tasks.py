"""The tasks produce the right targets (hand-checked), and parameter counts do not depend on h."""
from __future__ import annotations

import numpy as np
import pytest

from explorer.train.model import IGNORE, ModelShape, count_params
from explorer.train.tasks import TASK_NAMES, TASKS, get_task, to_text
from explorer.train.trainer import Run, TrainConfig

T = np.array([[0, 1, 2, 3], [5, 5, 7, 4]])


def test_prev_next_is_cyclic():
    out = get_task("prev-next").make_targets(T)
    assert out["prev"].tolist() == [[3, 0, 1, 2], [4, 5, 5, 7]]
    assert out["next"].tolist() == [[1, 2, 3, 0], [5, 7, 4, 5]]


def test_prev_is_causal_and_ignores_position_zero():
    task = get_task("prev")
    assert task.causal
    assert task.make_targets(T)["prev"].tolist() == [[IGNORE, 0, 1, 2], [IGNORE, 5, 5, 7]]


@pytest.mark.parametrize("k", [2, 3, 4])
def test_fields(k):
    out = get_task(f"fields-{k}").make_targets(T)
    assert list(out) == [f"field{j + 1}" for j in range(k)]
    for j in range(k):
        assert out[f"field{j + 1}"].tolist() == [[T[0, j]] * 4, [T[1, j]] * 4]


def test_max():
    assert get_task("max").make_targets(T)["max"].tolist() == [[3] * 4, [7] * 4]


def test_every_task_explained_in_english_and_chinese():
    assert len(TASK_NAMES) >= 4
    for task in TASKS.values():
        assert len(task.explanation) > 200 and len(task.explanation_zh) > 80
        assert "注意力头" in task.explanation_zh or "注意力" in task.explanation_zh
    assert "多头注意力" in TASKS["prev-next"].explanation_zh
    assert "not magic" in TASKS["prev"].explanation


def test_unknown_task():
    with pytest.raises(ValueError, match="Unknown task 'x'.*prev-next"):
        get_task("x")


def test_sample_shapes_and_text():
    tokens, targets = get_task("prev-next").sample(np.random.default_rng(0), 5, 8, 16)
    assert tokens.shape == (5, 8) and tokens.min() >= 0 and tokens.max() < 16
    assert to_text([0, 1, 15]) == "a b p"


@pytest.mark.parametrize("task", TASK_NAMES)
def test_parameter_count_is_the_same_for_every_head_count(task):
    targets = get_task(task).targets
    counts = {count_params(ModelShape(16, 8, 32, h, targets)) for h in (1, 2, 4, 8, 16, 32)}
    assert len(counts) == 1
    if task == "prev-next":
        assert counts == {5920}
    assert {Run(TrainConfig(task=task), h).params_count for h in (1, 2, 4)} == counts


def test_heads_must_divide_d_model():
    with pytest.raises(ValueError, match="3 heads do not divide d_model=32"):
        Run(TrainConfig(), 3)
