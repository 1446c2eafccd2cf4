"""Split a paragraph into sentences: the segments the translator sees and the summariser picks.

Sentences only ever end at whitespace, so joining them with single spaces gives back the paragraph
with its whitespace collapsed, and nothing inside a word, number, URL or e-mail address is split.
A line break always ends a sentence. Otherwise a sentence ends after . ! ? ؟ … or `..`, taking any
closing quotes and brackets with it, unless the full stop belongs to an abbreviation or initial,
the text continues in lower case, or the punctuation is inside a quotation or bracket that closes
later on the same line. The semicolon is not a boundary.
"""

from __future__ import annotations

import re

from .arabic import normalize

_TERMINATORS = ".!?؟…۔‼⁇⁈⁉"
_QUOTE_OPENERS = "“„‟«"
_QUOTES = _QUOTE_OPENERS + "”»\""
_CLOSING_BRACKETS = ")]}’›"
# What may follow a terminator and still end the sentence; reversed quotes ("نص“.") included.
_CLOSERS = _QUOTES + _CLOSING_BRACKETS + "'"
_PUNCTUATION = set(_TERMINATORS + _CLOSERS + ",،;؛:")
_TATWEEL = "ـ"
_PROCLITIC_LETTERS = set("وفبلك")

_FAMILY = {"“": "curly", "”": "curly", "„": "curly", "‟": "curly", "«": "angle", "»": "angle",
           '"': "straight", "(": "round", ")": "round", "[": "square", "]": "square"}
_ENCLOSURE_MARK = re.compile("[" + re.escape("".join(_FAMILY)) + "]")

# Only the characters that can break a line (str.splitlines), all of which str.split() also treats
# as whitespace: splitting lines first keeps the whitespace-collapse contract.
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CANDIDATE_GAP = re.compile("(?<=[" + re.escape(_TERMINATORS + _CLOSERS) + "]) ")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_LATIN_INITIALS = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")  # U.S, e.g, Ph.D, a.m
_ARABIC_INITIALS = re.compile(r"(?:[\u0621-\u064Aـ]{1,2}\.)+[\u0621-\u064Aـ]{1,2}")  # أ.ف.ب, ق.م
_LIST_MARKER = re.compile(r"\(?(?:\d{1,3}|[ivxIVX]{1,4}|[A-Za-z]|[\u0621-\u064A])[.)]")
_NUMBER = re.compile(r"[\d٠-٩۰-۹]+(?:[.,/][\d٠-٩۰-۹]+)*")

# English abbreviations that a name or title always follows.
_TITLES = frozenset("""
mr mrs ms messrs mme mlle dr prof st mt ft gen col lt sgt capt cmdr adm maj gov sen rep rev hon pres
supt insp vs cf viz approx ca
""".split())
# English abbreviations that are followed by a number ("No. 5", "Jan. 12").
_BEFORE_NUMBER = frozenset("""
no nos art fig figs vol vols p pp ch sec para op tel ext
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
_LATIN_INITIALS_THAT_END = frozenset({"a.m", "p.m"})
# Arabic markers written after a number that can end a sentence: م (AD / p.m. / metres), هـ (AH),
# ص (a.m.), ق.م (BC), ب.م.
_ARABIC_NUMBER_MARKERS = frozenset({"م", "ه", "ص", "ق.م", "ب.م"})

# Words that continue a sentence after a quotation ending in its own punctuation: attribution
# ("…صحيح.” قال الوزير", "…صحيح.” وأضاف أن"), participles ("مضيفا"), "that", "or", "in".
# Arabic news puts the full stop after the closing quote, so this case is rare (4 times in 384
# articles); any other word after it, like "وهو" or "وسيتم", starts a new sentence.
_CONTINUATIONS = frozenset(normalize(word) for word in """
قال قالت قالوا يقول تقول أضاف أضافت يضيف تضيف تابع تابعت أوضح أوضحت أكد أكدت ذكر ذكرت
قائلا قائلة مضيفا مضيفة موضحا موضحة مشيرا مشيرة مؤكدا مؤكدة معتبرا معتبرة متابعا متابعة لافتا
لافتة منوها منوهة مستدركا مستدركة محذرا محذرة متسائلا متسائلة
أن إن أنه أنها أنهم بأن بأنه بأنها حسب بحسب حسبما وفق وفقا طبقا أو ثم في
""".split())


def split_sentences(text: str) -> list[str]:
    """Split one paragraph into stripped, non-empty sentences.

    `" ".join(split_sentences(text)) == " ".join(text.split())` always holds.
    """
    sentences: list[str] = []
    for line in _LINE_BREAK.split(text):
        line = " ".join(line.split())
        if line:
            sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    """Split a line whose words are separated by single spaces."""
    gaps = [gap.start() for gap in _CANDIDATE_GAP.finditer(line)]
    if not gaps:
        return [line]
    enclosed = _enclosed_spans(line)
    sentences, start = [], 0
    for gap in gaps:
        if not any(open_at < gap < close_at for open_at, close_at in enclosed) \
                and _ends_sentence(line, start, gap):
            sentences.append(line[start:gap])
            start = gap + 1
    sentences.append(line[start:])
    return sentences


def _ends_sentence(line: str, start: int, gap: int) -> bool:
    """Whether the sentence that began at `start` ends at the space at `gap`."""
    # Walk back over closing quotes and brackets (possibly spaced off, as in "صحيح. ”"),
    # then over the run of terminators.
    closing_start = gap
    while closing_start > start and (line[closing_start - 1] in _CLOSERS or line[closing_start - 1] == " "):
        closing_start -= 1
    terminator_start = closing_start
    while terminator_start > start and line[terminator_start - 1] in _TERMINATORS:
        terminator_start -= 1
    terminator = line[terminator_start:closing_start]
    if not terminator:
        return False

    next_end = line.find(" ", gap + 1)
    next_token = line[gap + 1:] if next_end < 0 else line[gap + 1:next_end]
    if _belongs_before(next_token):
        return False
    first_letter = _FIRST_LETTER.search(next_token)
    if first_letter and "a" <= first_letter.group() <= "z":
        return False  # English continues in lower case: "e.g. the", "he said... and"

    word_start = max(line.rfind(" ", start, terminator_start) + 1, start)
    word = line[word_start:terminator_start].strip(_QUOTE_OPENERS + _CLOSERS + "([")
    if word_start == start and _LIST_MARKER.fullmatch(line[start:closing_start]):
        return False  # "1." or "أ." opening a list item
    if line[terminator_start - 1:terminator_start] in ("(", "["):
        return False  # "(...)" marks an omission inside a sentence
    if word and terminator == "." and _is_abbreviation(word, next_token, _previous_word(line, start, word_start)):
        return False
    quotation_closed = any(char in _QUOTES for char in line[closing_start:gap])
    return not (quotation_closed and _continues(next_token))


def _continues(token: str) -> bool:
    word = normalize(token).strip("،,:")
    return word in _CONTINUATIONS or (word[:1] in ("و", "ف") and word[1:] in _CONTINUATIONS)


def _belongs_before(token: str) -> bool:
    """A token that cannot start a sentence: stray punctuation, or a closing mark glued to a word."""
    if all(char in _PUNCTUATION for char in token):
        return True
    return token[0] in _CLOSING_BRACKETS or (token[0] in _QUOTES and token[1] in _PUNCTUATION)


def _previous_word(line: str, start: int, word_start: int) -> str:
    if word_start <= start:
        return ""
    return line[max(line.rfind(" ", start, word_start - 1) + 1, start):word_start - 1]


def _is_abbreviation(word: str, next_token: str, previous_word: str) -> bool:
    """Whether a full stop after `word` marks an abbreviation or initial rather than a sentence end."""
    after_number = bool(_NUMBER.fullmatch(previous_word))
    letters = word.replace(_TATWEEL, "")
    if len(letters) == 1 and letters.isalpha():
        # "J. Smith", "د. محمد", "م. علي"; but "عام 1990 م." ends a sentence
        return not (after_number and letters in _ARABIC_NUMBER_MARKERS)
    if _LATIN_INITIALS.fullmatch(word):
        return word.lower() not in _LATIN_INITIALS_THAT_END
    if _ARABIC_INITIALS.fullmatch(word):
        return not (after_number and letters in _ARABIC_NUMBER_MARKERS)
    lower = word.lower()
    return lower in _TITLES or (lower in _BEFORE_NUMBER and next_token[:1].isdigit())


def _enclosed_spans(line: str) -> list[tuple[int, int]]:
    """(open, close) positions of the quotations and brackets that close on this line.

    Curly quotes and guillemets are read by their surroundings as well as their shape, because
    Arabic text often has them reversed ("»نص«", "”نص“"); straight quotes only by surroundings,
    or by alternation when those are ambiguous. Unmatched marks are ignored, so a stray quote
    cannot swallow the rest of the paragraph.
    """
    spans: list[tuple[int, int]] = []
    open_marks: list[tuple[str, int]] = []  # (family, position)
    for mark in _ENCLOSURE_MARK.finditer(line):
        position, char = mark.start(), mark.group()
        family = _FAMILY[char]
        if _opens(line, position, char, family, open_marks):
            open_marks.append((family, position))
            continue
        for depth in range(len(open_marks) - 1, -1, -1):
            if open_marks[depth][0] == family:
                spans.append((open_marks[depth][1], position))
                del open_marks[depth:]
                break
    return spans


def _opens(line: str, position: int, char: str, family: str, open_marks: list[tuple[str, int]]) -> bool:
    """Whether the quote or bracket at `position` opens (True) or closes (False) an enclosure."""
    if char in "([":
        return True
    if char in ")]":
        return False
    before = line[position - 1] if position else " "
    after = line[position + 1] if position + 1 < len(line) else " "
    after_word = after != " " and after not in _PUNCTUATION
    opening_context = after_word and (before == " " or before in "([{“„‟«\"'‘" + _TATWEEL
                                      or _after_proclitic(line, position))
    closing_context = before != " " and before not in "([{" and not after_word
    if opening_context != closing_context:
        return opening_context
    if family == "straight":
        return not any(open_family == "straight" for open_family, _ in open_marks)
    return char in _QUOTE_OPENERS


def _after_proclitic(line: str, position: int) -> bool:
    """A quote right after a one- or two-letter proclitic, as in و"كلمة" or بـ"كلمة"."""
    fragment = line[line.rfind(" ", 0, position) + 1:position]
    return 0 < len(fragment) <= 2 and all(char in _PROCLITIC_LETTERS for char in fragment)
