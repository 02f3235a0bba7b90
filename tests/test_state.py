import pytest

from explorer.engine import valid_head_counts
from explorer.limits import DEFAULT_TEXT, TOKENS_MAX
from explorer.state import ExplorerState, nearest_valid_heads


def test_defaults_give_a_clear_first_picture():
    s = ExplorerState()
    assert (s.text, s.d_model, s.n_heads, s.d_k) == (DEFAULT_TEXT, 64, 8, 8)
    pair = s.pair()
    assert pair.multi.weights.shape == (8, 12, 12) and pair.single.weights.shape == (1, 12, 12)


@pytest.mark.parametrize("d_model", [4, 6, 12, 48, 64, 97, 100, 512])
def test_heads_always_divide_d_model(d_model):
    s = ExplorerState()
    s.set_d_model(d_model)
    for wanted in list(range(1, 17)) + list(range(16, 0, -1)):
        s.set_n_heads(wanted)
        assert s.d_model % s.n_heads == 0 and 1 <= s.n_heads <= 16
        assert s.n_heads in valid_head_counts(d_model, 16)


def test_heads_snap_in_the_direction_of_the_drag():
    s = ExplorerState()  # d_model 64, 8 heads
    s.set_n_heads(9)
    assert s.n_heads == 16
    s.set_n_heads(15)
    assert s.n_heads == 8
    s.set_n_heads(3)
    assert s.n_heads == 2


def test_d_model_change_keeps_the_wanted_heads_when_possible():
    s = ExplorerState()
    s.set_d_model(97)  # prime: only 1 head fits
    assert s.n_heads == 1
    s.set_d_model(96)
    assert s.n_heads == 8  # back to what the user chose
    assert nearest_valid_heads(36, 8) == 6


def test_tokens_follow_the_text_and_cap_at_256():
    s = ExplorerState()
    s.set_n_tokens(5)
    assert s.tokens == DEFAULT_TEXT.split()[:5]
    s.set_text("one two three")
    assert s.n_tokens == 3  # fewer tokens than wanted: all of them
    s.set_text(" ".join(f"w{i}" for i in range(300)))
    assert s.n_tokens == 5 and s.max_tokens == TOKENS_MAX
    assert [n.key for n in s.notices] == ["truncated"]
    assert s.notices[0].args == (300, 256)
    s.set_n_tokens(10_000)
    assert s.n_tokens == 256 and s.tokens_wanted is None


@pytest.mark.parametrize("text, key", [("", "empty"), ("  \n\t ", "whitespace"), ("\x00\x01", "whitespace")])
def test_unusable_text_keeps_the_last_good_pair(text, key):
    s = ExplorerState()
    good = s.pair()
    s.set_text(text)
    assert s.error().key == key
    assert s.pair() is good


def test_control_characters_are_reported_and_removed():
    s = ExplorerState()
    s.set_text("a\x07b\x00 c")
    assert s.tokens == ["a", "b", "c"]
    assert s.notices[0].key == "control" and s.notices[0].args == (2,)
    assert s.error() is None


def test_change_events_name_the_fields_and_skip_no_ops():
    s = ExplorerState()
    events = []
    s.changed.connect(events.append)
    s.set_seed(0)  # no change
    s.set_seed(3)
    s.set_d_model(48)
    s.apply({"text": "x y", "d_model": 32, "n_heads": 4, "causal": True})
    assert events[0] == {"seed"}
    assert events[1] == {"d_model"}  # 8 still divides 48: the head count stays
    assert events[2] >= {"text", "d_model", "n_heads", "causal"}
    assert len(events) == 3
    assert (s.d_model, s.n_heads, s.causal, s.tokens) == (32, 4, True, ["x", "y"])


def test_setters_clamp_to_the_app_ranges():
    s = ExplorerState()
    s.set_d_model(10_000)
    assert s.d_model == 512
    s.set_d_model(1)
    assert s.d_model == 4
    s.set_temperature(0)
    assert s.temperature == 0.05
    s.set_temperature(1e9)
    assert s.temperature == 20.0
    with pytest.raises(ValueError, match="Unknown positional mode"):
        s.set_positional("rope")

