"""Extractive summaries: the few central, well-formed Arabic sentences of each article.

Scoring is LexRank centrality over a per-article TF-IDF sentence graph, blended with a lead
(position) prior and a length prior; maximal marginal relevance keeps the picks from repeating
each other. Only whole, self-contained news statements are candidates, so a summary never shows a
byline, a "read also" link, a question to the reader or half a quotation, and a sentence opening
with an agency dateline ("دبي، الإمارات العربية المتحدة (CNN)-- …") is kept without it. The English
side is the aligned translation of each chosen sentence, datelines stripped the same way, so both
languages say the same thing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from .arabic import content_terms, is_arabic, terms_of_words, words
from .runtime import fork_map
from .structure import ArticleProfile, Block, EnglishVersion, Summary, SummarizedArticle, TranslatedArticle

SUMMARY_KINDS = frozenset({"p", "quote", "li"})  # headings label text, they do not state news

MIN_WORDS = 5  # below this a "sentence" is a name, a dateline or a caption
MIN_TERMS = 3  # content terms needed to say something
UNPUNCTUATED_MIN_WORDS = 10  # a line without a full stop must be this long to count as a sentence
SHORT_WORDS = 8  # length prior: full weight from here ...
LONG_WORDS = 45  # ... up to here, then it decays

CENTRALITY_WEIGHT = 0.5
POSITION_WEIGHT = 0.5
POSITION_HALF_LIFE = 3.0  # sentence index at which the lead prior has fallen to one half
DAMPING = 0.85
POWER_ITERATIONS = 60
CONVERGENCE = 1e-7
MMR_LAMBDA = 0.5  # relevance vs. novelty when picking the next sentence
REDUNDANT_SIMILARITY = 0.55  # a candidate this similar to a chosen sentence is skipped outright
# Similarities are quadratic in the sentences scored: a 26,000-sentence article would need 5 GiB.
# Longer articles are scored on their first LEAD_CANDIDATES candidates and an even sample of the rest
# (the longest of 384 real articles has 79 candidates).
MAX_CANDIDATES = 300
LEAD_CANDIDATES = 100
TERM_BLOCK = 4096  # terms per step of the similarity product

SENTENCE_END = re.compile(r"[.!?؟…۔]['\"”»)\]]*\s*$")
ANNOUNCES_MORE = re.compile(r"[:：]\s*$")  # "وقال المتحدث:" only introduces what follows
# Matched from the start: a question is not a news statement, punctuated or not.
QUESTION = re.compile(r"\s*[وف]?هل\s|.*[?؟]['\"”»)\]]*\s*$", re.DOTALL)
BOILERPLATE = re.compile(
    "|".join((
        r"[اأإ]قر[اأ](\s*[:：\-–—(«\"“]|\s+([اأ]يضا|كذلك|المزيد)(?!\w))",  # "اقرأ: (…)", "اقرأ أيضاً: …"
        r"للمزيد\s*[:：\-–—]|^\s*للمزيد(?!\w)|تحميل\s+المزيد",  # "للمزيد - عنوان آخر"
        r"شاهد(?<!\wشاهد)(وا|ي)?(\s+([اأ]يضا|المزيد|الفيديو|بالفيديو|بالصور|الصور)(?!\w)|\s*[:：\-–—])",
        r"^\s*(تابعوا|اشترك|اشتركوا|للاشتراك|حمّل|حمل\s+تطبيق|لا\s+تفو\u0651?ت(?!\w))",  # calls to action
        r"تابعونا|شاركونا|لا\s+تفو\u0651?توا(?!\w)|ما\s+ر[أا]يكم?(?!\w)|هل\s+تعلم|(اضغط|انقر)\s+هنا",
        r"^\s*تم\s+(النشر|التحديث)",  # publication stamps
        r"الحقوق\s+محفوظة|حقوق\s+(النشر|الطبع)",
        r"^\s*(المصدر|الصورة|صورة|تصوير|بقلم|إعداد|ترجمة|تحرير|المحرر)\s*[:：]",  # credits
        r"/\s*(الأناضول|رويترز|أ\.?\s?ف\.?\s?ب|أسوشيتد\s+برس|غيتي|Getty|AFP|Reuters|AP|EPA)\s*$",  # photo credits
        r"^\s*(ساهم|ساهمت|شارك|شاركت)\s+.{2,60}\s+في\s+(كتابة|إعداد|تغطية)",  # contributor lines
        r"https?://|www\.",
        # Hashtag lines; a hashtag starts a word, so a run of a million "#" is read once, not a million times.
        r"^\s*#|#(?<!\S#)\S+\s+#\S",
    )),
    re.IGNORECASE,
)
PAIRED_MARKS = (("“", "”"), ("«", "»"), ("(", ")"))

# A dateline: where and from whom, in front of the story's first sentence. Either a place, at most six
# words, and an agency in brackets ("دبي، الإمارات العربية المتحدة (CNN)--", "هونغ كونغ (سي إن إن)",
# "القدس – (بي بي سي)", "(CNN) --"), or a place, a dash and an agency ("لندن - رويترز:").
# Matched from the start of a sentence.
_DASHES = "\\-–—"
_AFTER_AGENCY = rf"(\s*([{_DASHES}]+|:))?\s*"
_PLACE_WORD = rf"[^\s()\[\],،:؛;!?؟\"«»“”{_DASHES}]++"
_ENGLISH_PLACE_WORD = rf"([A-Z][^\s()\[\],:;!?\"“”{_DASHES}]*+|of|the|and|al|el)"
_AGENCIES = "|".join((
    r"CNN|سي\s?[اإ]ن\s?[اإ]ن|رويترز|Reuters|[اأ]\.?\s?ف\.?\s?ب\.?|AFP|فرانس\s?برس|[اأ]سوشي?تد\s?برس|AP",
    r"د\.?\s?ب\.?\s?[اأ]\.?|DPA|بي\s?بي\s?سي(\s?عربي)?|BBC|ال[اأ]ناضول|واس|وام|قنا|كونا|سانا|بترا|وفا",
    r"شينخوا|[اإ]رنا|[اإ]يفي|سبوتنيك|تاس|العربية(\.\s?نت)?|الجزيرة(\.\s?نت)?|سكاي\s?نيوز(\s?عربية)?",
    r"فرانس\s?24|(ال)?وكالات|خاص",
))
_ENGLISH_AGENCIES = "|".join((
    r"CNN|AFP|A\.F\.P\.?|Agence France[- ]Presse|French Press Agency|Reuters|AP|Associated Press|DPA|dpa",
    r"BBC( Arabic)?|Anadolu( Agency)?|WAM|SPA|KUNA|QNA|SANA|Petra|WAFA|Xinhua|IRNA|EFE|Sputnik|TASS",
    r"Al Arabiya(\.net)?|Al Jazeera|Sky News( Arabia)?|France 24|[Aa]gencies|Exclusive",
))


def _dateline_pattern(place_word: str, agencies: str) -> re.Pattern[str]:
    place = rf"(?P<place>{place_word}((\s*[،,]\s*|\s+){place_word}){{0,5}}+)"  # possessive: tried once
    return re.compile(rf"\s*({place}\s*)?(([{_DASHES}]+\s*)?\(\s*({agencies})\s*\){_AFTER_AGENCY}"
                      rf"|[{_DASHES}]+\s*({agencies})(\s*([{_DASHES}]+|:)\s*|\s*$))")


DATELINE = _dateline_pattern(_PLACE_WORD, _AGENCIES)
ENGLISH_DATELINE = _dateline_pattern(_ENGLISH_PLACE_WORD, _ENGLISH_AGENCIES)
_NOT_IN_A_PLACE = frozenset(terms_of_words(words("""
وكالة أنباء شبكة صحيفة قناة موقع مراسل تلفزيون إذاعة مصدر مصادر بيان نقلت أفادت أوردت نشرت
agency news network newspaper channel website correspondent reporter source statement told reported according
""")))  # like stop words and numbers, these say an agency is cited in the sentence, not heading it
_ENGLISH_PLACE_PARTICLES = frozenset({"of", "the", "and", "al", "el"})


@dataclass(frozen=True)
class _Candidate:
    """A sentence that may appear in a summary, with where it sits and what it is about."""

    position: tuple[int, int]  # (block index, sentence index)
    order: int  # index among the candidates, for the lead prior (boilerplate above the lead does not count)
    text: str
    terms: tuple[str, ...]
    word_count: int


def summarize(articles: Sequence[TranslatedArticle], sentences: int, workers: int = 1,
              then: Callable[[SummarizedArticle], SummarizedArticle] = lambda article: article
              ) -> list[SummarizedArticle]:
    """Summarise every article in `sentences` sentences at most, keeping the input order, on up to
    `workers` processes; `then` runs on each result in the process that made it (the build caches it there).

    Only what summarising adds (summary, profile, digest) travels back from a worker: this process
    holds the article already, and taking it back too cost it 0.7 s of CPU at 10,000 articles.
    BLAS is held to one thread: on these small matrices, starting threads costs more than the work.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        made = fork_map(lambda article: _added(then(SummarizedArticle(
            article, summarize_article(article, sentences), profile_article(article)))), articles, workers)
        return [SummarizedArticle(article, summary, profile, digest)
                for article, (summary, profile, digest) in zip(articles, made)]


def _added(article: SummarizedArticle) -> tuple[Summary, ArticleProfile, str]:
    return article.summary, article.profile, article.digest


def profile_article(article: TranslatedArticle) -> ArticleProfile:
    """Content terms of the headline and of the whole body (headings included: they name the topic)."""
    body = "\n".join(block.text for block in article.clean.blocks)
    return ArticleProfile(tuple(content_terms(article.clean.source.meta.title)), tuple(content_terms(body)))


def summarize_article(article: TranslatedArticle, sentences: int) -> Summary:
    """Pick up to `sentences` sentences of the Arabic text and pair them with their English.

    `positions` locate the chosen sentences in the blocks; `arabic` and `english` hold them as shown,
    without their datelines."""
    candidates = _scored(candidate_sentences(article.clean.blocks))
    chosen = _select(candidates, sentences) if candidates else []
    positions = tuple(c.position for c in chosen)
    english = tuple(map(strip_english_dateline, aligned_english(article.clean.blocks, article.english, positions)))
    return Summary(positions=positions, arabic=tuple(c.text for c in chosen), english=english,
                   terms=tuple(c.terms for c in chosen))


def candidate_sentences(blocks: Sequence[Block]) -> list[_Candidate]:
    """Body sentences that can stand alone in a summary, datelines stripped, in reading order."""
    candidates: list[_Candidate] = []
    for b, block in enumerate(blocks):
        if block.kind not in SUMMARY_KINDS:
            continue
        for s, sentence in enumerate(block.sentences):
            text = strip_dateline(sentence)
            tokens = words(text)
            if is_summary_worthy(text, len(tokens)):
                terms = tuple(terms_of_words(tokens))
                if len(terms) >= MIN_TERMS:
                    candidates.append(_Candidate((b, s), len(candidates), text, terms, len(tokens)))
    return candidates


def is_summary_worthy(text: str, word_count: int) -> bool:
    """True for a complete Arabic news statement that closes every quote it opens: not boilerplate, not
    a question, a link or a call to the reader, and not opening with a dateline (strip it first)."""
    if word_count < MIN_WORDS or (word_count < UNPUNCTUATED_MIN_WORDS and not SENTENCE_END.search(text)):
        return False
    if ANNOUNCES_MORE.search(text) or QUESTION.match(text) or has_unbalanced_quotes(text):
        return False
    if BOILERPLATE.search(text) or _dateline_end(text, DATELINE) is not None:
        return False
    return is_arabic(text)


def strip_dateline(text: str) -> str:
    """The Arabic sentence without the dateline in front of it, or as it is when nothing would remain."""
    return _without_dateline(text, DATELINE)


def strip_english_dateline(text: str) -> str:
    """The English sentence without a dateline ("Dubai, United Arab Emirates (CNN) -- "), as strip_dateline."""
    return _without_dateline(text, ENGLISH_DATELINE, _ENGLISH_PLACE_PARTICLES)


def _without_dateline(text: str, pattern: re.Pattern[str], particles: frozenset[str] = frozenset()) -> str:
    end = _dateline_end(text, pattern, particles)
    return text[end:] if end is not None and any(c.isalnum() for c in text[end:]) else text


def _dateline_end(text: str, pattern: re.Pattern[str], particles: frozenset[str] = frozenset()) -> int | None:
    """Where the dateline in front of `text` ends, if it has one: its place must be all names (no stop
    word, number or word for an outlet), so "وذكرت وكالة أنباء الإمارات (وام) أن …" keeps its words."""
    match = pattern.match(text)
    if match is None:
        return None
    place = words(match["place"] or "")
    place = [word for word in place if len(word) > 1 and word not in particles]  # "D.C." has no terms
    terms = terms_of_words(place)
    return match.end() if len(terms) == len(place) and _NOT_IN_A_PLACE.isdisjoint(terms) else None


def has_unbalanced_quotes(text: str) -> bool:
    """A sentence cut out of a longer quotation opens or closes a quote it does not match."""
    if text.count('"') % 2:
        return True
    return any(text.count(opening) != text.count(closing) for opening, closing in PAIRED_MARKS)


def _scored(candidates: list[_Candidate]) -> list[_Candidate]:
    """The candidates the summariser compares, at most MAX_CANDIDATES: all of the lead, then an evenly
    spaced sample of the rest (each keeps its `order`, so the lead prior still sees where it stood)."""
    if len(candidates) <= MAX_CANDIDATES:
        return candidates
    rest = candidates[LEAD_CANDIDATES:]
    sample = np.linspace(0, len(rest) - 1, MAX_CANDIDATES - LEAD_CANDIDATES).round().astype(int)
    return candidates[:LEAD_CANDIDATES] + [rest[i] for i in sample]


def _select(candidates: list[_Candidate], count: int) -> list[_Candidate]:
    """Greedy maximal-marginal-relevance pick over the blended scores, returned in reading order."""
    similarity = _similarity_matrix([c.terms for c in candidates])
    centrality = _lexrank(similarity)
    relevance = np.array([
        (CENTRALITY_WEIGHT * rank + POSITION_WEIGHT * _position_prior(c.order)) * _length_prior(c.word_count)
        for c, rank in zip(candidates, centrality / centrality.max())
    ])
    chosen: list[int] = []
    available = np.ones(len(candidates), dtype=bool)
    while len(chosen) < count and available.any():
        overlap = similarity[:, chosen].max(axis=1) if chosen else np.zeros(len(candidates))
        marginal = np.where(available, MMR_LAMBDA * relevance - (1 - MMR_LAMBDA) * overlap, -np.inf)
        best = int(np.argmax(marginal))  # first maximum: ties go to the earlier sentence
        chosen.append(best)
        available[best] = False
        available &= similarity[best] < REDUNDANT_SIMILARITY
    return [candidates[i] for i in sorted(chosen)]


def _similarity_matrix(term_lists: list[tuple[str, ...]]) -> np.ndarray:
    """Cosine similarity of sentences under TF-IDF weights learnt from this article's sentences.

    The sentence-by-term weights are multiplied TERM_BLOCK terms at a time, so memory stays within
    the sentence-by-sentence result however many distinct words the sentences hold."""
    vocabulary: dict[str, int] = {}
    columns = [vocabulary.setdefault(term, len(vocabulary)) for terms in term_lists for term in terms]
    rows = np.repeat(np.arange(len(term_lists)), [len(terms) for terms in term_lists])
    sentences, terms = len(term_lists), len(vocabulary)
    cells, counts = np.unique(rows * terms + np.asarray(columns, dtype=np.int64), return_counts=True)
    cell_rows, cell_columns = np.divmod(cells, terms)  # the sentence-by-term counts that are not 0
    idf = np.log((1 + sentences) / (1 + np.bincount(cell_columns, minlength=terms))) + 1
    weights = counts * idf[cell_columns]
    weights /= np.sqrt(np.bincount(cell_rows, weights=weights * weights))[cell_rows]
    by_term = np.argsort(cell_columns, kind="stable")
    sorted_columns = cell_columns[by_term]
    similarity = np.zeros((sentences, sentences))
    for start in range(0, terms, TERM_BLOCK):
        cells_in = by_term[np.searchsorted(sorted_columns, start):np.searchsorted(sorted_columns, start + TERM_BLOCK)]
        block = np.zeros((sentences, min(TERM_BLOCK, terms - start)))
        block[cell_rows[cells_in], cell_columns[cells_in] - start] = weights[cells_in]
        similarity += block @ block.T
    return similarity


def _lexrank(similarity: np.ndarray) -> np.ndarray:
    """Continuous LexRank: stationary distribution of a damped walk on the similarity graph."""
    n = len(similarity)
    graph = similarity.copy()
    np.fill_diagonal(graph, 0.0)
    row_sums = graph.sum(axis=1, keepdims=True)
    transition = np.divide(graph, row_sums, out=np.full_like(graph, 1.0 / n), where=row_sums > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(POWER_ITERATIONS):
        updated = (1 - DAMPING) / n + DAMPING * (transition.T @ rank)
        converged = np.abs(updated - rank).sum() < CONVERGENCE
        rank = updated
        if converged:
            break
    return rank


def _position_prior(order: int) -> float:
    """News puts the essentials first: weight halves every POSITION_HALF_LIFE sentences, smoothly."""
    return 1.0 / (1.0 + order / POSITION_HALF_LIFE)


def _length_prior(word_count: int) -> float:
    """Short sentences carry little, very long ones read badly in a summary."""
    if word_count < SHORT_WORDS:
        return word_count / SHORT_WORDS
    if word_count > LONG_WORDS:
        return math.sqrt(LONG_WORDS / word_count)
    return 1.0


def aligned_english(arabic_blocks: Sequence[Block], english: EnglishVersion | None,
                    positions: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    """The English sentence matching each Arabic position, one for one; () while translation is pending.

    Machine output mirrors the Arabic blocks and sentences, so the mapping is the identity. An
    editor's text with as many paragraphs as the Arabic is matched paragraph by paragraph, the
    sentence by its relative place in the paragraph; with a different paragraph count, by the
    sentence's relative place in the whole text. Picks within one English paragraph move forward,
    so two Arabic sentences do not show the same English sentence while the paragraph has another.
    """
    if english is None:
        return ()
    english_sentences = [(eb, sentence) for eb, block in enumerate(english.blocks)
                         for sentence in (block.sentences or ((block.text,) if block.text else ()))]
    if not english_sentences:
        return ()
    block_start = [0] * (len(english.blocks) + 1)
    for eb, _ in english_sentences:
        block_start[eb + 1] += 1
    for eb in range(len(english.blocks)):
        block_start[eb + 1] += block_start[eb]
    arabic_start = [0]
    for block in arabic_blocks:
        arabic_start.append(arabic_start[-1] + len(block.sentences))

    aligned: list[str] = []
    previous = -1
    for b, s in positions:
        if len(english.blocks) == len(arabic_blocks) and block_start[b + 1] > block_start[b]:
            first, last = block_start[b], block_start[b + 1] - 1
            index = first + _proportional(s, len(arabic_blocks[b].sentences), last - first + 1)
        else:
            index = _proportional(arabic_start[b] + s, arabic_start[-1], len(english_sentences))
        paragraph = english_sentences[index][0]
        if previous >= index and english_sentences[previous][0] == paragraph:
            index = min(previous + 1, block_start[paragraph + 1] - 1)
        aligned.append(english_sentences[index][1])
        previous = index
    return tuple(aligned)


def _proportional(index: int, source_count: int, target_count: int) -> int:
    """Map an index between sequences of different lengths by relative position (identity if equal)."""
    if source_count == target_count:
        return index
    return min(target_count - 1, int((index + 0.5) * target_count / max(source_count, 1)))
