"""Readable token texts for byte-level BPE vocabularies (GPT-2, SmolLM2, Llama-3 style).

A byte-level BPE token is a string over 256 stand-in characters, one per byte (GPT-2's
``bytes_to_unicode``: printable bytes are themselves, the rest are shifted to U+0100..: a space
is 'Ġ', a newline 'Ċ'). For display we turn the token back into its bytes, decode them as UTF-8
and make the invisible characters visible: a space is shown as '·', a newline as '↵', a tab as
'⇥'. A token that ends in the middle of a multi-byte character shows the loose bytes as <0xE2>.
"""
from __future__ import annotations

from functools import lru_cache

_VISIBLE = {" ": "·", "\n": "↵", "\t": "⇥", "\r": "␍"}


@lru_cache(maxsize=1)
def byte_decoder() -> dict[str, int]:
    """The inverse of GPT-2's bytes_to_unicode: stand-in character -> byte value."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    chars = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)  # the bytes that are not printable move past U+00FF
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars)}


def _visible(text: str) -> str:
    out = []
    for ch in text:
        if ch in _VISIBLE:
            out.append(_VISIBLE[ch])
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"<0x{ord(ch):02X}>")  # other control characters, which would not show
        else:
            out.append(ch)
    return "".join(out)


def readable_byte_level(token: str) -> str:
    """'Ġthe' -> '·the', 'Ċ' -> '↵', 'Ã©' -> 'é'. Special tokens ('<|im_start|>') come back as
    they are; a string with characters outside the byte alphabet is only made visible."""
    table = byte_decoder()
    try:
        raw = bytes(table[ch] for ch in token)
    except KeyError:  # not a byte-level string (an added token with other characters)
        return _visible(token)
    try:
        return _visible(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # 1) decode what is valid UTF-8, 2) show the loose bytes of a split character as <0x..>
    parts: list[str] = []
    i = 0
    while i < len(raw):
        for j in range(min(len(raw), i + 4), i, -1):
            try:
                parts.append(_visible(raw[i:j].decode("utf-8")))
                i = j
                break
            except UnicodeDecodeError:
                continue
        else:
            parts.append(f"<0x{raw[i]:02X}>")
            i += 1
    return "".join(parts)
