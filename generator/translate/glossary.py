"""Glossary: Arabic terms that must come out of translation exactly as the editors wrote them.

Guarantee, not hope: a sentence is first sent with each term replaced by its English rendering
(neural models usually copy Latin names through). If any rendering is missing or duplicated in
the output, the sentence is instead translated as the pieces between the terms, and the pieces
are joined with the fixed renderings, so the term cannot be lost even by a random-weight model.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..arabic import normalize
from ..files import read_regular
from ..structure import Diagnostic
from ..yamlsafe import parse, quoted

# Proclitics that attach to a term: conjunction (و ف), then preposition (ب ل ك).
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل", "ك")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # normalised Arabic words
    rendering: str


@dataclass(frozen=True)
class Match:
    start: int  # where the term (after any attached prefix) starts in the sentence
    end: int
    rendering: str


class Glossary:
    def __init__(self, terms: list[Term]):
        self.terms = sorted(terms, key=lambda t: (-len(t.words), t.words))  # longest match wins
        self._by_stem: dict[str, list[Term]] = {}  # first word without its article -> terms
        self._candidates_of: dict[str, list[Term]] = {}  # a site's words repeat: each is looked up once
        for term in self.terms:
            self._by_stem.setdefault(_without_article(term.words[0]), []).append(term)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def find(self, sentence: str) -> list[Match]:
        """Non-overlapping glossary terms in the sentence, in order."""
        cores = [_core(sentence, m.start(), m.end()) for m in re.finditer(r"\S+", sentence)]
        words = [_normalized(sentence[span[0]:span[1]]) if span else None for span in cores]
        matches: list[Match] = []
        i = 0
        while i < len(cores):
            match, length = self._match_at(sentence, cores, words, i)
            if match:
                matches.append(match)
                i += length
            else:
                i += 1
        return matches

    def _candidates(self, word: str) -> list[Term]:
        """Terms whose first word could be `word` once up to three prefix letters are taken off."""
        if not self._by_stem:
            return []
        known = self._candidates_of.get(word)
        if known is None:
            stems = ({_without_article(word[k:]) for k in range(4)}
                     | {word[k + 1:] for k in range(3) if word[k:k + 1] == "ل"})
            found = {id(t): t for stem in stems for t in self._by_stem.get(stem, ())}
            known = self._candidates_of[word] = sorted(found.values(), key=lambda t: (-len(t.words), t.words))
        return known

    def _match_at(self, sentence: str, cores: list, words: list, i: int) -> tuple[Match | None, int]:
        if words[i] is None:
            return None, 0
        for term in self._candidates(words[i]):
            n = len(term.words)
            if i + n > len(cores):
                continue
            spans = cores[i:i + n]
            texts = words[i:i + n]
            if any(text is None for text in texts) or texts[1:] != list(term.words[1:]):
                continue
            prefix_length = _prefix_length(texts[0], term.words[0])
            if prefix_length is None:
                continue
            start = _skip_letters(sentence, spans[0][0], prefix_length)
            return Match(start, spans[-1][1], term.rendering), n
        return None, 0

    def with_renderings(self, sentence: str, matches: list[Match]) -> str:
        """The sentence with every term replaced by its English rendering (the first thing we try)."""
        out, position = [], 0
        for match in matches:
            before = sentence[position:match.start]
            out.append(before + (" " if before and not before.endswith(" ") else "") + match.rendering)
            position = match.end
        out.append(sentence[position:])
        return "".join(out)

    @staticmethod
    def kept(output: str, matches: list[Match]) -> bool:
        """Whether the model's output carries every rendering exactly as often as the source had it."""
        return all(output.count(r) == sum(1 for m in matches if m.rendering == r) for r in {m.rendering for m in matches})

    @staticmethod
    def pieces(sentence: str, matches: list[Match]) -> list[tuple[str, bool]]:
        """The sentence cut at the terms: (text, is_fixed) where fixed pieces are English renderings."""
        out, position = [], 0
        for match in matches:
            out.append((sentence[position:match.start].strip(), False))
            out.append((match.rendering, True))
            position = match.end
        out.append((sentence[position:].strip(), False))
        return [(text, fixed) for text, fixed in out if text]


def needs_translation(text: str) -> bool:
    """Pieces with no Arabic letters (numbers, punctuation, Latin names) pass through unchanged."""
    return bool(re.search("[\u0600-\u06ff]", text))


def join_pieces(parts: list[str]) -> str:
    text = " ".join(p.strip() for p in parts if p.strip())
    return re.sub(r"\s+([,.;:!?)\]])", r"\1", text)


@lru_cache(maxsize=1 << 16)
def _normalized(word: str) -> str:
    """Words repeat a lot across a site: normalise each spelling once."""
    return normalize(word)


def _without_article(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def _core(sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """The word without surrounding punctuation or quotes; None for a token with no letters."""
    first = _LETTERS.search(sentence, start, end)
    if first is None:
        return None
    last = end - 1
    while not _LETTERS.match(sentence, last):
        last -= 1
    return first.start(), last + 1


def _prefix_length(word: str, term_first: str) -> int | None:
    """How many letters of `word` (normalised) are an attached prefix before `term_first`, or None."""
    for conjunction in _CONJUNCTIONS:
        for preposition in _PREPOSITIONS:
            prefix = conjunction + preposition
            if word == prefix + term_first:
                return len(prefix)
            if term_first.startswith("ال"):
                if preposition == "ل" and word == conjunction + "ل" + term_first[1:]:
                    return len(conjunction) + 1  # ل + الكرملين is written للكرملين
            elif word == prefix + "ال" + term_first:
                return len(prefix)  # the article attaches to a term listed without it
    return None


def _skip_letters(sentence: str, start: int, count: int) -> int:
    """Advance past `count` letters (not diacritics or tatweel) from `start`."""
    position = start
    while count and position < len(sentence):
        if _LETTERS.match(sentence[position]) and sentence[position] != "\u0640":
            count -= 1
        position += 1
    while position < len(sentence) and not _LETTERS.match(sentence[position]):
        position += 1
    return position


def load_glossary(path: Path, rel: str, root: Path) -> tuple[Glossary, list[Diagnostic]]:
    """The site's glossary, or none when the file is missing; every problem with it is a diagnostic."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return Glossary([]), []
    except OSError:
        pass  # a name too long, a folder not searchable: reading it below says which
    if not Path(os.path.realpath(path)).is_relative_to(root.resolve()):
        return Glossary([]), [Diagnostic("error", rel, "the glossary is a link to a place outside the site",
                                         hint="copy the glossary into the site instead of linking it")]
    try:
        text = read_regular(path).decode("utf-8-sig")
    except OSError as exc:
        return Glossary([]), [Diagnostic("error", rel, f"cannot read the glossary: {exc.strerror or exc}",
                                         hint="the glossary must be a readable YAML file")]
    except UnicodeDecodeError:
        return Glossary([]), [Diagnostic("error", rel, "the glossary is not UTF-8 text", hint="save it as UTF-8")]
    parsed = parse(text)
    if parsed.problem:
        return Glossary([]), [Diagnostic("error", rel, f"invalid glossary: {parsed.problem}", line=parsed.line,
                                         hint="write one `Arabic term: English rendering` per line")]
    data = parsed.value
    if data is None:
        return Glossary([]), []
    if not isinstance(data, dict):
        return Glossary([]), [Diagnostic("error", rel, "the glossary must be a mapping of Arabic term to English",
                                         hint="write one `Arabic term: English rendering` per line")]
    terms, problems = [], []
    for source, rendering in data.items():
        if not isinstance(source, str) or not isinstance(rendering, str) or not rendering.strip():
            problems.append(Diagnostic("error", rel, f"glossary entry {quoted(source)} needs an English rendering "
                                       "(text)", key=str(source)[:60]))
            continue
        words = tuple(normalize(source).split())
        if not words:
            problems.append(Diagnostic("warning", rel, f"empty glossary term {quoted(source)} (ignored)",
                                       key=str(source)[:60]))
            continue
        terms.append(Term(words, " ".join(rendering.split())))
    return Glossary(terms), problems
