"""Synthetic sites of N real-sounding Arabic articles, for the build benchmark (bench/build.py).

Bodies recombine paragraphs of the real Arabic articles in ../shared/seeds and ../shared/corpus, so
every article is distinct while its sentences stay real news prose; English editor translations
recombine the paragraphs of the repository's own `*.en.md` files. Everything is written to the
folder the caller gives (a temporary one): corpus text never enters the repository.

One generated corpus can be written in three formats: our site (YAML front matter, `<slug>.en.md`),
Pelican's (Title/Date/Slug/Tags metadata) and Hugo's (YAML front matter with taxonomies).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIRST_DAY = dt.date(2021, 1, 1)
DAYS = 3 * 365  # dates spread over three years
THEMED_SHARE = 0.7
EDITOR_TRANSLATION_SHARE = 0.2
MIN_PARAGRAPH_CHARS = 40
TITLE_WORDS = 14
MIN_TITLE_WORDS = 6
SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")


@dataclass(frozen=True)
class Story:
    """A real article cut into paragraphs: the material bodies are recombined from."""

    source: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Material:
    stories: tuple[Story, ...]
    english_titles: tuple[str, ...]
    english_paragraphs: tuple[str, ...]
    theme_ids: tuple[str, ...]


@dataclass(frozen=True)
class GeneratedArticle:
    """One article of the generated corpus, independent of any tool's file format."""

    stem: str  # file name without suffix; Latin, so every tool uses it as the slug
    title: str
    date: dt.date
    source: str
    themes: tuple[str, ...]
    paragraphs: tuple[str, ...]
    english_title: str | None = None  # set when the article has an editor translation
    english_paragraphs: tuple[str, ...] = ()


def load_material(shared: Path = SHARED, repo: Path = REPO) -> Material:
    """Paragraphs of every seed and corpus article, the sample English texts and the configured theme ids."""
    stories = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        stories.append(Story("seed", _paragraphs(path.read_text(encoding="utf-8"))))
    with open(shared / "corpus" / "articles.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                stories.append(Story(record["source"], _paragraphs(record["body"])))
    english_titles, english_paragraphs = [], []
    for path in sorted((repo / "content" / "articles").glob("*.en.md")):
        front, body = _split_front_matter(path.read_text(encoding="utf-8"))
        english_titles.append(front["title"])
        english_paragraphs.extend(p for p in body.split("\n\n") if p.strip() and not p.startswith("#"))
    config = yaml.safe_load((repo / "site.yaml").read_text(encoding="utf-8"))
    theme_ids = tuple(theme["id"] for theme in config.get("themes") or ())
    return Material(tuple(s for s in stories if len(s.paragraphs) >= 2), tuple(english_titles),
                    tuple(p.strip() for p in english_paragraphs), theme_ids)


class CorpusGenerator:
    """Makes distinct articles one after another; the same material and seed give the same sequence."""

    def __init__(self, material: Material, seed: int = 0):
        self.material = material
        self.rng = random.Random(seed)
        self.count = 0
        self.titles: set[str] = set()  # headlines are unique, as on a real site

    def corpus(self, count: int) -> list[GeneratedArticle]:
        """`count` articles with dates spread over three years."""
        return [self.article(FIRST_DAY + dt.timedelta(days=self.rng.randrange(DAYS))) for _ in range(count)]

    def article(self, date: dt.date, editor_translation: bool | None = None) -> GeneratedArticle:
        """A lead paragraph and its headline, followed by paragraphs of two or three other stories.

        `editor_translation` None draws it (a fifth of the articles); True or False forces it.
        """
        rng, material = self.rng, self.material
        lead_story = rng.choice(material.stories)
        paragraphs = [rng.choice(lead_story.paragraphs[:3])]
        for story in rng.sample(material.stories, rng.randint(2, 3)):
            start = rng.randrange(len(story.paragraphs))
            paragraphs.extend(story.paragraphs[start:start + rng.randint(1, 4)])
        themes = ()
        if rng.random() < THEMED_SHARE and material.theme_ids:
            themes = tuple(rng.sample(material.theme_ids, rng.randint(1, min(2, len(material.theme_ids)))))
        if editor_translation is None:
            editor_translation = rng.random() < EDITOR_TRANSLATION_SHARE
        english_title, english = None, ()
        if editor_translation:
            english_title = f"{rng.choice(material.english_titles)} ({self.count})"
            english = tuple(rng.sample(material.english_paragraphs,
                                       min(len(material.english_paragraphs), rng.randint(4, 8))))
        title = self._unused_headline(paragraphs)
        self.titles.add(title)
        self.count += 1
        return GeneratedArticle(f"{date.isoformat()}-story-{self.count:05d}", title, date, lead_story.source,
                                themes, tuple(paragraphs), english_title, english)

    def _unused_headline(self, paragraphs: list[str]) -> str:
        """The lead's first sentence cut to a headline, cut shorter or taken from a later paragraph if used."""
        for paragraph in paragraphs:
            words = SENTENCE_END.split(paragraph.strip(), maxsplit=1)[0].split()
            for length in range(TITLE_WORDS, MIN_TITLE_WORDS - 1, -1):
                title = " ".join(words[:length]).rstrip(".،,:؛")
                if title not in self.titles:
                    return title
        return f"{title} ({self.count})"


# --- writing the three formats ----------------------------------------------------------------


def write_our_site(dest: Path, articles: list[GeneratedArticle], repo: Path = REPO) -> Path:
    """A copy of the repository's site (config, templates, static, glossary) holding `articles`."""
    dest.mkdir(parents=True)
    shutil.copy2(repo / "site.yaml", dest / "site.yaml")
    for folder in ("templates", "static"):
        shutil.copytree(repo / folder, dest / folder)
    (dest / "content" / "articles").mkdir(parents=True)
    shutil.copy2(repo / "content" / "glossary.yaml", dest / "content" / "glossary.yaml")
    for article in articles:
        write_our_article(dest, article)
    return dest


def write_our_article(site: Path, article: GeneratedArticle) -> None:
    folder = site / "content" / "articles"
    front = {"title": article.title, "date": article.date, "source": article.source}
    if article.themes:
        front["themes"] = list(article.themes)
    _write(folder / f"{article.stem}.md", front, article.paragraphs)
    if article.english_title is not None:
        _write(folder / f"{article.stem}.en.md", {"title": article.english_title}, article.english_paragraphs)


def write_pelican_article(content: Path, article: GeneratedArticle) -> None:
    """Pelican's Markdown metadata; themes become tags, the file name is the slug."""
    lines = [f"Title: {article.title}", f"Date: {article.date.isoformat()}", f"Slug: {article.stem}",
             "Category: news", "Lang: ar"]
    if article.themes:
        lines.append("Tags: " + ", ".join(article.themes))
    body = "\n\n".join(article.paragraphs)
    (content / f"{article.stem}.md").write_text("\n".join(lines) + "\n\n" + body + "\n", encoding="utf-8")


def write_hugo_article(content: Path, article: GeneratedArticle) -> None:
    """Hugo front matter with two taxonomies: the themes, and the month for the per-month archive."""
    front = {"title": article.title, "date": article.date, "slug": article.stem,
             "months": [article.date.strftime("%Y-%m")]}
    if article.themes:
        front["themes"] = list(article.themes)
    _write(content / f"{article.stem}.md", front, article.paragraphs)


def _write(path: Path, front: dict, paragraphs: tuple[str, ...]) -> None:
    """YAML front matter written as JSON values (valid YAML), ten times faster than yaml.safe_dump."""
    header = "".join(f"{key}: {_yaml_value(value)}\n" for key, value in front.items())
    path.write_text(f"---\n{header}---\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def _yaml_value(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.splitlines() if len(p.strip()) >= MIN_PARAGRAPH_CHARS)


def _split_front_matter(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front) or {}, body

