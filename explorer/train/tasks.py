"""The built-in training tasks: random token sequences and, per target, the token to predict.

Symbols: token id i is shown as the letter ``SYMBOLS[i]`` (a, b, c, ...), so a sequence reads
as text, e.g. "a b c d e f g h".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .model import IGNORE, IntArray

SYMBOLS = "abcdefghijklmnopqrstuvwxyz"
DEFAULT_VOCAB = 16
DEFAULT_N = 8


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Marks a task title for translation (context "Tasks") without importing Qt; the UI shows it
    with QCoreApplication.translate("Tasks", task.title)."""
    return text


# make(tokens (B, n)) -> {target name: (B, n) token ids, IGNORE where nothing is asked}
Targets = Callable[[IntArray], dict[str, IntArray]]


@dataclass(frozen=True)
class Task:
    name: str
    title: str
    targets: tuple[str, ...]
    causal: bool
    explanation: str  # English, one paragraph
    explanation_zh: str  # Simplified Chinese, one paragraph
    make_targets: Targets
    suggested_heads: tuple[int, ...] = (1, 2, 4)

    def sample(self, rng: np.random.Generator, batch: int, n: int = DEFAULT_N,
               vocab: int = DEFAULT_VOCAB) -> tuple[IntArray, dict[str, IntArray]]:
        """``batch`` random sequences of ``n`` token ids and their targets."""
        tokens = rng.integers(0, vocab, size=(batch, n), dtype=np.int64)
        return tokens, self.make_targets(tokens)


def _prev_next(tokens: IntArray) -> dict[str, IntArray]:
    # cyclic: position 0's previous token is the last one, the last position's next is the first
    return {"prev": np.roll(tokens, 1, axis=1), "next": np.roll(tokens, -1, axis=1)}


def _prev(tokens: IntArray) -> dict[str, IntArray]:
    prev = np.roll(tokens, 1, axis=1)
    prev[:, 0] = IGNORE  # causal: position 0 has no previous token to look at
    return {"prev": prev}


def _fields(k: int) -> Targets:
    def make(tokens: IntArray) -> dict[str, IntArray]:
        # the record's fields sit in positions 0..k-1; every position must report all of them
        return {f"field{j + 1}": np.repeat(tokens[:, j:j + 1], tokens.shape[1], axis=1) for j in range(k)}

    return make


def _max(tokens: IntArray) -> dict[str, IntArray]:
    return {"max": np.repeat(tokens.max(axis=1, keepdims=True), tokens.shape[1], axis=1)}


_FIELD_NAMES_ZH = {2: "两", 3: "三", 4: "四"}

TASKS: dict[str, Task] = {
    "prev-next": Task(
        "prev-next", QT_TRANSLATE_NOOP("Tasks", "Previous and next token"), ("prev", "next"), False,
        "Every position must output two tokens at once: the one just before it and the one just after "
        "it (the sequence wraps around). One attention head produces a single weighted average of the "
        "value vectors, so it has to choose: it looks mostly at one neighbour and gets that target right, "
        "while the other target stays near chance. With two heads of half the width each (the same "
        "number of parameters) one head looks left, the other looks right, and both targets are solved. "
        "This is the point of multi-head attention: several attention patterns in parallel.",
        "每个位置要同时输出两个词元：它前面的一个和它后面的一个（序列首尾相接）。一个注意力头只能对值向量做一次加权平均，"
        "所以它只能取舍：主要关注一侧的邻居，答对这一个目标，而另一个目标的准确率接近随机猜测。换成两个注意力头，"
        "每个头的宽度减半（参数量完全相同），一个头看左边，一个头看右边，两个目标都能答对。"
        "这正是多头注意力的意义：并行地拥有多种注意力模式。",
        _prev_next,
    ),
    "prev": Task(
        "prev", QT_TRANSLATE_NOOP("Tasks", "Previous token (control)"), ("prev",), True,
        "A control experiment: every position outputs only the token just before it, with a causal mask "
        "(each token may look only at itself and earlier tokens). One attention pattern is all this needs, "
        "so a single head solves it as well as two or four heads. Multi-head attention is not magic: more "
        "heads help when a position needs information from several places at once, not otherwise.",
        "对照实验：每个位置只需输出它前面的那个词元，并使用因果掩码（每个词元只能关注自己和之前的词元）。"
        "这个任务只需要一种注意力模式，因此单个注意力头和两个、四个头一样能解决。多头注意力并不神奇："
        "只有当一个位置需要同时从多个地方获取信息时，更多的头才有帮助。",
        _prev,
        (1, 2),
    ),
    "max": Task(
        "max", QT_TRANSLATE_NOOP("Tasks", "Largest token (attention by content)"), ("max",), False,
        "Every position outputs the largest token of the sequence (letters in alphabetical order). "
        "Where to look now depends on what the tokens are, not where they are: the query and key "
        "vectors learn a direction that measures 'how late in the alphabet', and the softmax turns "
        "the largest score into almost all of the weight. One head is enough; splitting the same "
        "width into more, narrower heads adds nothing here. Attention is content-based retrieval, "
        "not only a positional lookup.",
        "每个位置都要输出整个序列中最大的词元（按字母顺序）。此时该关注哪里取决于词元是什么，而不是它在哪里："
        "查询向量和键向量学会一个衡量“字母有多靠后”的方向，softmax 把最大的得分变成几乎全部的注意力权重。"
        "一个注意力头就够了；把同样的宽度拆成更多更窄的头在这里没有帮助。注意力是基于内容的检索，而不仅仅是按位置查找。",
        _max,
        (1, 2, 4),
    ),
}

_FIELD_TITLES = {
    2: QT_TRANSLATE_NOOP("Tasks", "Read 2 fields of a record"),
    3: QT_TRANSLATE_NOOP("Tasks", "Read 3 fields of a record"),
    4: QT_TRANSLATE_NOOP("Tasks", "Read 4 fields of a record"),
}

for _k in (2, 3, 4):
    _needed = "two heads" if _k == 2 else "four heads (d_model = 32 cannot be split into three)"
    _needed_zh = "两个头" if _k == 2 else "四个头（d_model = 32 无法平均分成三份）"
    TASKS[f"fields-{_k}"] = Task(
        f"fields-{_k}", _FIELD_TITLES[_k], tuple(f"field{j + 1}" for j in range(_k)), False,
        f"The first {_k} tokens of each sequence are the fields of a record (think name, city, age); "
        f"the rest is filler. Every position must report all {_k} fields. Each field sits at a fixed "
        f"position, so each wants its own attention pattern. One head can only blend the fields into one "
        f"weighted average: with two fields it gets one right and the other near chance; with three or four "
        f"it squeezes out a partial answer for each (by weighting them unevenly) but never all of them "
        f"reliably. With {_needed} every field gets a head that copies it, and all targets are solved. "
        f"The more things a position must gather at once, the more heads it needs.",
        f"每个序列的前 {_k} 个词元是一条记录的字段（例如姓名、城市、年龄），其余是填充。每个位置都要报告全部"
        f"{_FIELD_NAMES_ZH[_k]}个字段。每个字段都在固定位置，各自需要一种注意力模式。一个注意力头只能把这些字段混合成一个加权平均："
        f"两个字段时，它答对一个，另一个接近随机猜测；三个或四个字段时，它靠不均匀的权重对每个字段都得到部分正确的答案，"
        f"但无法可靠地全部答对。使用{_needed_zh}时，每个字段都有一个专门复制它的头，所有目标都能解决。"
        f"一个位置需要同时收集的信息越多，需要的头就越多。",
        _fields(_k),
        (1, 2, 4),
    )

TASK_NAMES = tuple(TASKS)


def get_task(name: str) -> Task:
    task = TASKS.get(name)
    if task is None:
        raise ValueError(f"Unknown task {name!r}; choose one of: {', '.join(TASK_NAMES)}.")
    return task


def symbol(token_id: int) -> str:
    return SYMBOLS[token_id] if 0 <= token_id < len(SYMBOLS) else f"t{token_id}"


def to_text(tokens: IntArray | list[int]) -> str:
    """Token ids as text: "a b c d e f g h"."""
    return " ".join(symbol(int(t)) for t in tokens)
