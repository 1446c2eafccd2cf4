"""Decoding article files: UTF-8 (with or without BOM), UTF-16 or Windows-1256, as editors' tools
save them; anything else is an error naming the file, never mojibake. Display lines are cleaned of
controls and bidi overrides here too."""

from __future__ import annotations

import codecs
import re

from .arabic import strip_invisible
from .structure import Diagnostic

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # category Cc except tab, LF, CR
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]")  # controls, bidi embeddings and overrides
_ARABIC = re.compile("[\u0600-\u06ff]")
_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")


def decode(data: bytes, rel: str, diagnostics: list[Diagnostic]) -> str | None:
    """UTF-8 (with or without BOM), UTF-16 (BOM or not) or Windows-1256; never mojibake."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None) or _bomless_utf16(data)
    damaged_at = None if encoding else _damaged_utf8(data)
    if damaged_at is not None:
        line = data[:damaged_at].count(b"\n") + 1
        diagnostics.append(Diagnostic("error", rel, "invalid UTF-8: bytes that are not text in an otherwise "
                                      "UTF-8 file", line=line,
                                      hint="the file was damaged or mixes encodings; re-save it as UTF-8"))
        return None
    for candidate in [encoding] if encoding else ["utf-8", "cp1256"]:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) > 0.01:  # binary data, not text with a stray control character
            break
        if candidate == "cp1256" and not _ARABIC.search(text):
            break
        if candidate not in ("utf-8", "utf-8-sig"):
            diagnostics.append(Diagnostic("warning", rel, f"decoded as {_ENCODING_NAMES.get(candidate, candidate)}",
                                          hint="save the file as UTF-8 to silence this warning"))
        # Stray control characters are invisible and XML feeds refuse them; bidi embeddings and overrides
        # (deprecated for isolates) can reverse the text that follows them, e.g. in a summary or a feed.
        return _UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    diagnostics.append(Diagnostic("error", rel, "cannot decode this file: it is not UTF-8, UTF-16 or Windows-1256 text",
                                  hint="save it as UTF-8 text (or remove it if it is not an article)"))
    return None


_ENCODING_NAMES = {"cp1256": "CP1256 (Windows-1256)", "utf-16": "UTF-16", "utf-16-le": "UTF-16 (little-endian, "
                   "no BOM)", "utf-16-be": "UTF-16 (big-endian, no BOM)"}


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as zero bytes in every other position (line breaks, spaces, Latin text)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    threshold = len(data) // 2 // 20  # at least one character in 20 is ASCII: a space or a line break
    if odd > threshold and even * 10 < odd:
        return "utf-16-le"
    if even > threshold and odd * 10 < even:
        return "utf-16-be"
    return None


def _damaged_utf8(data: bytes) -> int | None:
    """Where UTF-8 text with some invalid bytes first goes wrong; None for valid UTF-8 or another encoding.

    It counts as damaged UTF-8 when well-formed multi-byte characters outnumber the bad bytes:
    decoding it as Windows-1256 would then succeed and publish mojibake.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
        multibyte = len(_NON_ASCII.findall(text))
        return exc.start if multibyte > bad else None
    return None


def _control_ratio(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(len(text), 1)


def clean_line(text: str) -> str:
    """One line of display text: no bidi overrides, zero-width or control characters, single spaces."""
    return " ".join(_CONTROL.sub(" ", strip_invisible(text)).split())
