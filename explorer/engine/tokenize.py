"""A small deterministic tokenizer: words and punctuation for Latin scripts, one token per CJK
character, emoji and other symbols kept whole."""
from __future__ import annotations

import re
import unicodedata

# Han (with extensions and compatibility forms), kana, Hangul syllables and Bopomofo.
_CJK = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
# Modifiers that belong to the symbol before them: variation selectors, skin tones,
# the keycap mark, and a zero-width joiner followed by the next part of an emoji sequence.
_SYMBOL_TAIL = r"(?:[\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff]|\u200d[^\s])*"
_TOKEN = re.compile(
    rf"[{_CJK}]"  # one CJK character
    rf"|[\U0001f1e6-\U0001f1ff]{{2}}"  # a flag: two regional indicators
    rf"|(?:(?![{_CJK}])\w)+(?:['\u2019](?:(?![{_CJK}])\w)+)*"  # a word, with its apostrophes
    rf"|[^\s\w]{_SYMBOL_TAIL}"  # punctuation, emoji and other symbols, one at a time
)


def is_control(char: str) -> bool:
    """Control and format characters other than the joiners emoji need."""
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") and char not in "\u200d\t\n\r"


def clean_text(text: str) -> str:
    """The text with control characters replaced by spaces (what the tokenizer reads)."""
    return "".join(" " if is_control(c) else c for c in text)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into tokens. Whitespace only separates tokens; control characters are
    treated as whitespace. The result depends on nothing but the text."""
    return _TOKEN.findall(clean_text(text))
