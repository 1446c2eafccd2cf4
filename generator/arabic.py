"""Arabic text helpers for matching, search, summaries and themes.

Everything here is a pure function over strings, built on precompiled regular expressions,
str.replace/str.translate and a cached stemmer, because it runs over every word of every article
on each build.
`normalize` folds away the spelling variation of real Arabic news text (diacritics, tatweel,
hamza and alef forms, Arabic-Indic digits, stray direction marks) so that equal words compare
equal; `stem` and `content_terms` turn text into the feature tokens used for TF-IDF.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# Direction marks and zero-width characters: scraped text is full of them, and they are invisible
# in titles and slugs yet make equal strings compare unequal.
_INVISIBLE = (
    [0x00AD, 0x061C, 0x180E, 0x2060, 0xFEFF]  # soft hyphen, Arabic letter mark, word joiner, BOM
    + list(range(0x200B, 0x2010))  # zero-width space/non-joiner/joiner, LRM, RLM
    + list(range(0x202A, 0x202F))  # embeddings and overrides
    + list(range(0x2066, 0x206A))  # isolates
)
_INVISIBLE_TABLE = dict.fromkeys(_INVISIBLE)

_ARABIC_MARKS = (
    list(range(0x064B, 0x0660))  # tashkeel, combining maddah and hamza, subscript alef
    + [0x0670]  # superscript (dagger) alef
    + list(range(0x06D6, 0x06DD)) + list(range(0x06DF, 0x06E9)) + list(range(0x06EA, 0x06EE))  # Quranic marks
)
_TATWEEL = "\u0640"

_LETTER_VARIANTS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ئ": "ي",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ە": "ه",
    "ؤ": "و", "ک": "ك", "ڪ": "ك",
    "٫": ".", "٬": ",", "٪": "%",
}
_DIGITS = "0123456789"
_ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"

# normalize() runs in three passes because, on Arabic text, regular expressions and str.replace
# are several times faster than str.translate with a dict (which looks up every character).
_PRESENTATION_FORM = re.compile("[\uFB50-\uFDFF\uFE70-\uFEFC]")
_COMPATIBLE_FORMS = {
    chr(code): unicodedata.normalize("NFKC", chr(code))
    for code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFEFD)]
    if unicodedata.normalize("NFKC", chr(code)) != chr(code)
}
_REMOVED = re.compile("[" + re.escape("".join(map(chr, _INVISIBLE + _ARABIC_MARKS)) + _TATWEEL) + "]")
_REPLACEMENTS = (
    tuple(_LETTER_VARIANTS.items())
    + tuple(zip(_ARABIC_INDIC_DIGITS, _DIGITS))
    + tuple(zip(_PERSIAN_DIGITS, _DIGITS))
)
_TO_ARABIC_INDIC = str.maketrans(_DIGITS, _ARABIC_INDIC_DIGITS)

_ARABIC_LETTERS = "\u0620-\u064A\u066E-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FF"
# A word: a run of letters and digits. A number may carry decimal or thousands separators, so
# "1.000.000" and "3.5" stay single tokens, and Arabic letters end at digits, so the conjunction in
# "و15" does not stick to the number; Latin words keep theirs ("G7", "covid19").
_WORD = re.compile(rf"\d+(?:[.,]\d+)+|[{_ARABIC_LETTERS}]+|[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Counted by removing everything else: deleting runs is several times faster than listing matches.
_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_ARABIC = re.compile(rf"[^{_ARABIC_LETTERS}\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFC]+")
_ARABIC_WORD = re.compile(rf"[{_ARABIC_LETTERS}]+")
_LATIN_WORD = re.compile(r"[a-z]+")


def normalize(text: str) -> str:
    """Fold spelling variants so equal words compare equal; for matching, never for display."""
    return " ".join(_fold(text).split())


def _fold(text: str) -> str:
    """`normalize` but for the spaces: a change of each character on its own, so folding joined
    texts is folding each of them."""
    if _PRESENTATION_FORM.search(text):  # ligatures and contextual forms, from PDFs and old pages
        text = _PRESENTATION_FORM.sub(lambda form: _COMPATIBLE_FORMS.get(form.group(), form.group()), text)
    text = _REMOVED.sub("", text)
    for variant, plain in _REPLACEMENTS:
        text = text.replace(variant, plain)
    return text.casefold()


def strip_invisible(text: str) -> str:
    """Remove direction marks and zero-width characters only (for titles and slugs)."""
    return text.translate(_INVISIBLE_TABLE)


def to_arabic_indic(text: str) -> str:
    """Write ASCII digits as Arabic-Indic digits, for pages configured with `digits: arabic-indic`."""
    return text.translate(_TO_ARABIC_INDIC)


def is_arabic(text: str) -> bool:
    """True when more than half of the letters in `text` are Arabic script."""
    letters = len(_NOT_LETTER.sub("", text))
    return letters > 0 and 2 * len(_NOT_ARABIC.sub("", text)) > letters


def words(text: str) -> list[str]:
    """Normalised word tokens of `text`: Arabic or Latin words and numbers, punctuation dropped."""
    return _WORD.findall(normalize(text))


# One attached proclitic: a conjunction or preposition fused with the article, the article alone,
# or a one-letter conjunction/preposition. Longest first, so "وال" wins over "و".
_ARTICLE_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")
_LETTER_PREFIXES = ("و", "ف", "ب", "ل")
_SUFFIXES = ("هما", "ها", "هم", "كم", "نا", "ات", "ون", "ين", "ان", "يه", "ه", "ي")
_MIN_STEM_AFTER_ARTICLE = 2
_MIN_STEM_AFTER_LETTER = 3
_MIN_STEM_AFTER_SUFFIX = 3


def strip_prefix(word: str) -> str:
    """Remove one attached proclitic from a normalised word, when enough of a stem remains.

    "Al-" forms must leave 2 letters; a bare و/ف/ب/ل must leave 3, because many short words
    begin with one of those letters as part of their root.
    """
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM_AFTER_ARTICLE:
            return word[len(prefix):]
    if word[:1] in _LETTER_PREFIXES and len(word) - 1 >= _MIN_STEM_AFTER_LETTER:
        return word[1:]
    return word


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """Light stem of a normalised word: the same stem for a word with or without its clitics.

    Proclitics are stripped until none applies (so "وزير", "الوزير" and "والوزير" agree), then
    suffixes the same way while 3 letters remain. Latin words lose only a plural ending.
    Consistency matters more here than linguistic accuracy: some names lose a root letter
    ("بوتين" -> "تين"), but do so in every form they appear in.
    """
    if _ARABIC_WORD.fullmatch(word):
        while (shorter := strip_prefix(word)) != word:
            word = shorter
        while (shorter := _strip_suffix(word)) != word:
            word = shorter
        return word
    if _LATIN_WORD.fullmatch(word):
        return _english_stem(word)
    return word


def _strip_suffix(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM_AFTER_SUFFIX:
            return word[: -len(suffix)]
    return word


def _english_stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_ARABIC_STOP_WORDS = """
في من إلى على عن مع حتى منذ مذ خلال بين عند لدى نحو حول ضد عبر دون بدون قبل بعد فوق تحت أمام
خلف وراء ضمن لكن ولكن أو أم ثم بل إن أن إذا إذ إذن إلا ألا لا لم لن لما ما ماذا متى أين
كيف كم هل قد لقد سوف كل كلا كلتا بعض غير سوى أي أية أيضا فقط حيث حيثما حين عندما بينما
كما كذلك لذلك لذا لأن لكي كي مثل ذلك ذاك تلك هذا هذه هذان هاتان هؤلاء أولئك هناك هنا هنالك ثمة
الذي التي الذين اللذان اللتان اللذين اللتين اللواتي اللاتي اللائي هو هي هم هما هن أنا نحن أنت أنتم
أنتما أنتن إياه إياها إياهم له لها لهم لهما لهن لنا لي لك لكم به بها بهم بهما فيه فيها فيهم منه منها
منهم عنه عنها عنهم عليه عليها عليهم عليهما إليه إليها إليهم معه معها معهم بينهم بينها بينهما لديه
لديها لديهم عنده عندها عندهم أنه أنها أنهم أنهما إنه إنها إنهم بأن بأنه بأنها بأنهم لأنه لأنها كأن
مما عما بما فيما ممن عمن إما أما أحد إحدى جميع كافة سواء ربما لو لولا إنما كلما بعدما قبلما طالما
كان كانت كانوا كنت يكون تكون يكونوا ليس ليست ليسوا أصبح أصبحت صار ظل بات مازال مازالت يزال تزال
لايزال لاتزال تم يتم تمت يمكن قال قالت قالوا يقول تقول يقولون أضاف أضافت يضيف تضيف أكد أكدت يؤكد
تؤكد أوضح أوضحت أشار أشارت يشير تشير ذكر ذكرت أعلن أعلنت تابع تابعت صرح صرحت لفت لفتت
وقال وقالت وأضاف وأضافت وأكد وأكدت وأوضح وأوضحت وأشار وأشارت وذكر وذكرت وتابع وتابعت
قائلا مضيفا مشيرا موضحا مؤكدا وفق وفقا حسب بحسب حسبما طبقا اليوم أمس الآن غدا جدا أكثر أقل
عدة إطار إزاء تجاه بشأن حوالي قرابة نفس ذات عليك يا أيها هكذا كذا أجل شيء
"""

_ENGLISH_STOP_WORDS = """
a an the and or but if then than so of to in on at by for with from as into onto over under about
after before between during without within is are was were be been being am it its this that these
those he she they we you i me him her them us my his their our your not no nor also has have had do
does did will would can could should may might must said says say there here who whom which what when
where why how all any each more most other some such only own same very just up out new
"""

STOP_WORDS: frozenset[str] = frozenset(
    normalize(word) for word in (_ARABIC_STOP_WORDS + _ENGLISH_STOP_WORDS).split()
)
_CONJUNCTIONS = ("و", "ف")


def _is_stop_word(word: str) -> bool:
    """A stop word, also with an attached و/ف ("وقال", "فهو"), which Arabic writes as one word."""
    return word in STOP_WORDS or (word[:1] in _CONJUNCTIONS and word[1:] in STOP_WORDS)


@lru_cache(maxsize=1 << 18)
def _term(word: str) -> str:
    """The feature token for a normalised word, or "" when it carries no content."""
    if len(word) < 2 or _NUMBER.fullmatch(word) or _is_stop_word(word):
        return ""
    return stem(word)


def content_terms(text: str) -> list[str]:
    """The stemmed content words of `text`, in order: the feature tokens for TF-IDF.

    Stop words, one-letter tokens and numbers are dropped. Stems are features, not words to show:
    display the commonest original word of a stem instead.
    """
    return terms_of_words(words(text))


def content_terms_each(texts: Sequence[str]) -> list[list[str]]:
    """`content_terms` of each text, folded in one pass over them all: for thousands of single words
    (a cluster's name candidates) the same result at a fraction of the cost of a pass each."""
    if len(texts) < 2 or any("\n" in text for text in texts):
        return [content_terms(text) for text in texts]
    return [terms_of_words(_WORD.findall(folded)) for folded in _fold("\n".join(texts)).split("\n")]


def terms_of_words(tokens: list[str]) -> list[str]:
    """`content_terms` of a text whose `words` are already at hand."""
    return [term for term in map(_term, tokens) if term]
