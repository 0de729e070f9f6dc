"""Tracking codes a person can read aloud and type on a phone, and how a typed one is read back.

A new code is 20 symbols of Crockford's base32 (0-9 and A-Z without I, L, O, U: 100 random bits), written in five
groups of four: `7K2M-9QXD-4HBT-R0VW-J3NE`. Reading one back forgives what people do: lower case, spaces or hyphens
anywhere (or none), and the look-alikes O -> 0, I and L -> 1. Codes issued before (32 URL-safe base64 characters,
case-sensitive) stay valid: they are looked up as typed.

Pure: no I/O.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
SYMBOLS = 20  # 100 bits
GROUP = 4
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―－]+")  # spaces and every dash a phone keyboard offers
_CROCKFORD = re.compile(f"[{ALPHABET}]{{{SYMBOLS}}}")
GROUPED_PATTERN = rf"^[{ALPHABET}]{{4}}(?:-[{ALPHABET}]{{4}}){{{SYMBOLS // GROUP - 1}}}$"
_GROUPED = re.compile(GROUPED_PATTERN)


def new_code() -> str:
    """A fresh tracking code: 100 bits from `secrets` in one read, as 20 symbols of 5 bits, grouped by four.
    (`secrets.choice` per symbol made 20 reads of the system's random source for every submission.)"""
    bits = int.from_bytes(secrets.token_bytes(13), "big") >> (13 * 8 - SYMBOLS * 5)
    return grouped("".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(SYMBOLS)))


def grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def is_new_form(code: str) -> bool:
    """Whether `code` is a tracking code as `new_code` writes it (grouped, upper case)."""
    return bool(_GROUPED.match(code))


def canonical(typed: str) -> str | None:
    """The code as `new_code` wrote it, from what a person typed (any case, any grouping, O/I/L for 0/1); None
    when `typed` cannot be one (then it may be a code of the old form, looked up as typed)."""
    if len(typed) > 64:
        return None
    symbols = _SEPARATORS.sub("", typed.strip()).upper().translate(LOOK_ALIKES)
    return grouped(symbols) if _CROCKFORD.fullmatch(symbols) else None


def lookup_form(typed: str) -> str:
    """The string to look a typed code up by: its canonical form when it is a new-form code, else as typed."""
    return canonical(typed) or typed
