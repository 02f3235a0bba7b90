"""explorer.memo: the bounded memos of label plans, label boxes, prepared texts and widths."""
import pytest

from explorer.memo import Memo


def test_a_memo_keeps_at_most_its_limit_and_starts_again_when_full():
    m = Memo(3)
    for k in range(3):
        assert m.keep(k, k * 10) == k * 10
    assert dict(m) == {0: 0, 1: 10, 2: 20}
    m.keep(1, 11)  # a key it holds: replaced, nothing dropped
    assert dict(m) == {0: 0, 1: 11, 2: 20}
    m.keep(3, 30)  # full: emptied first
    assert dict(m) == {3: 30}
    for k in range(100):
        m.keep(("k", k), k)
        assert len(m) <= 3


def test_get_or_make_makes_a_value_once():
    made = []
    m = Memo(2)

    def make():
        made.append(1)
        return object()

    a = m.get_or_make("a", make)
    assert m.get_or_make("a", make) is a and len(made) == 1
    m.get_or_make("b", make)
    m.get_or_make("c", make)  # full: emptied, then kept
    assert list(m) == ["c"] and len(made) == 3


def test_a_memo_needs_room_for_one_entry():
    with pytest.raises(ValueError, match="at least one"):
        Memo(0)


def test_the_label_memos_are_bounded(qapp):
    """Label plans for many sizes: the shared plan memo never passes its limit."""
    from explorer.ui import matrix_plot, style

    plot = matrix_plot.MatrixPlot()
    plot.resize(300, 300)
    plot.set_labels([f"token{i}" for i in range(40)], [f"token{i}" for i in range(40)])
    plot.show()
    largest = 0
    for w in range(200, 200 + 3 * matrix_plot.PLANS_KEPT):
        plot.resize(w, 300)
        plot.update_ticks()
        largest = max(largest, len(matrix_plot._PLANS))
        assert len(matrix_plot._PLANS) <= matrix_plot.PLANS_KEPT
    assert largest == matrix_plot.PLANS_KEPT  # it filled up (a plan per size) and started again
    assert isinstance(matrix_plot._PLANS, Memo) and isinstance(matrix_plot._LABEL_LAYOUTS, Memo)
    assert isinstance(style._token_labels, Memo)
    assert all(len(m) <= style.TOKEN_LABELS_KEPT for m in style._token_labels.values())
