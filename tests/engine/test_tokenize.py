import pytest

from explorer.engine import tokenize


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("The animal didn't cross the street.", ["The", "animal", "didn't", "cross", "the", "street", "."]),
        ("我爱北京天安门。", ["我", "爱", "北", "京", "天", "安", "门", "。"]),
        ("Attention 注意力 is all you need!", ["Attention", "注", "意", "力", "is", "all", "you", "need", "!"]),
        ("模型learns快", ["模", "型", "learns", "快"]),
        ("hi 👍🏽 🇫🇷 👨\u200d👩\u200d👧!", ["hi", "👍🏽", "🇫🇷", "👨\u200d👩\u200d👧", "!"]),
        ("f(x)=x**2;", ["f", "(", "x", ")", "=", "x", "*", "*", "2", ";"]),
        ("  spaced \t out \n\n words  ", ["spaced", "out", "words"]),
        ("naïve café", ["naïve", "café"]),
        ("a\x00b\x07c", ["a", "b", "c"]),
        ("Hello, world... ok?!", ["Hello", ",", "world", ".", ".", ".", "ok", "?", "!"]),
        ("snake_case 3.14", ["snake_case", "3", ".", "14"]),
    ],
)
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize("text", ["", "   ", "\t\n  \r\n", "\x00\x01"])
def test_whitespace_only_gives_no_tokens(text):
    assert tokenize(text) == []


def test_deterministic():
    text = "The cat 猫 sat 🙂 on the mat."
    assert tokenize(text) == tokenize(text) == tokenize(str(text))
