"""site.yaml: read once, validated once, turned into a frozen SiteConfig.

Every error names the file, the line and the key, so an editor can go straight to it.
"""

from __future__ import annotations

import dataclasses
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from .config_reader import YamlReader
from .config_sources import FeedSource, read_sources
from .files import read_regular
from .structure import BuildFailed, Diagnostic, Theme
from .yamlsafe import parse, quoted

CONFIG_NAME = "site.yaml"
THEME_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# A base URL goes raw into robots.txt, sitemaps and feeds: http(s) and a host (and port), or neither,
# then a path of unreserved characters and %-escapes; no quotes, angle brackets, spaces or user names.
_BASE_URL = re.compile(r"(?:[Hh][Tt][Tt][Pp][Ss]?://(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}(?::[0-9]{1,5})?)?"
                       r"(?:/(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})*)*")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]i?b|b)", re.IGNORECASE)
DEVICES = ("auto", "cpu", "cuda")
COMPUTE_TYPES = ("auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")  # CTranslate2's
_SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


@dataclass(frozen=True)
class CleaningRule:
    """Drop a whole line of body text when it matches `pattern` (a regular expression)."""

    name: str
    pattern: str
    where: str = "anywhere"  # "anywhere" | "head" | "tail": only in the first / last few lines
    # Where site.yaml writes the rule, for messages; None for the built-in rules, known to be fast. Not
    # part of what the rule does (nor of the cache key): moving it in the file changes no result.
    line: int | None = field(default=None, compare=False, repr=False)
    key: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class TranslationSettings:
    source: str = "ar"
    target: str = "en"
    beam_size: int = 4
    batch_size: int = 32
    max_decoding_length: int = 256
    memory: str = "translation-memory"  # a folder relative to the site folder; commit it. A name ending
    # in .jsonl (the single file it used to be) means the folder of that name without it.
    glossary: str = "content/glossary.yaml"
    install_timeout: float = 20.0  # seconds for network attempts of `models install`
    device: str = "auto"  # "auto" (CUDA when CTranslate2 sees a GPU) | "cpu" | "cuda"
    compute_type: str = "auto"  # CTranslate2's weight type on that device ("auto": its best one)


@dataclass(frozen=True)
class SiteConfig:
    root: Path  # the folder holding site.yaml
    title_ar: str = "موجز الأخبار"
    title_en: str = "News Briefing"
    description_ar: str = ""
    description_en: str = ""
    base_url: str = "/"  # absolute URL or path prefix, always ending in "/"
    domain: str | None = None  # custom domain for GitHub Pages (writes CNAME)
    size_limit: int = 1_000_000_000  # bytes the host publishes: GitHub Pages' 1 GB
    default_language: str = "ar"
    digits: str = "western"  # "western" | "arabic-indic" on Arabic pages
    briefing_period: str = "daily"  # "daily" | "weekly"
    summary_sentences: int = 3
    related_articles: int = 3
    translation: TranslationSettings = field(default_factory=TranslationSettings)
    cleaning: tuple[CleaningRule, ...] = ()
    themes: tuple[Theme, ...] = ()
    sources: tuple[FeedSource, ...] = ()  # feeds for `import --feeds`

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def articles_dir(self) -> Path:
        return self.root / "content" / "articles"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    @property
    def memory_path(self) -> Path:
        """The memory folder; an old config's `translation-memory.jsonl` names `translation-memory/`."""
        name = self.translation.memory.rstrip("/")
        return self.root / (name[:-len(".jsonl")] if name.endswith(".jsonl") else name)

    @property
    def legacy_memory_path(self) -> Path:
        """Where the memory was a single file: moved into the folder when the memory is next loaded."""
        return self.memory_path.with_name(self.memory_path.name + ".jsonl")

    @property
    def glossary_path(self) -> Path:
        return self.root / self.translation.glossary


@dataclass(frozen=True)
class BuildOptions:
    """What the command line says about one build."""

    site_dir: Path = Path(".")
    output: Path | None = None  # default: <site>/output
    base_url: str | None = None  # overrides site.yaml
    strict: bool = False  # warnings (inferred date, pending translation) fail the build
    jobs: int = 0  # processes cleaning, summarising and rendering (and search shards at once); 0 = one per core

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else len(os.sched_getaffinity(0))

    @property
    def output_dir(self) -> Path:
        """The folder the build writes, known even when site.yaml is broken."""
        return (self.output or Path(self.site_dir).resolve() / "output").resolve()


def site_config(options: BuildOptions) -> SiteConfig:
    """site.yaml with the command line's overrides applied."""
    config = load_config(options.site_dir)
    return config if options.base_url is None else with_base_url(config, options.base_url)


DEFAULT_CLEANING = (
    CleaningRule("load-more", r"^\s*(تحميل المزيد|اقرأ أيضا|اقرأ أيضاً|شاهد أيضا)\s*[:：]?\s*$"),
    CleaningRule("photo-credit", r"^[^.!?؟]{2,60}/\s*(الأناضول|رويترز|أ\.?ف\.?ب|أسوشيتد برس|Getty|AFP|Reuters)\s*$"),
    CleaningRule("published-stamp", r"^\s*تم (النشر|التحديث)\s*:.*$", "head"),
    CleaningRule("contributor-line", r"^\s*(ساهم|ساهمت)\s+.{2,60}\s+في\s+(كتابة|إعداد)\s+.{0,40}$", "tail"),
)


def load_config(site_dir: Path) -> SiteConfig:
    """Read and validate `site_dir/site.yaml`; raise BuildFailed listing every problem at once."""
    site_dir = Path(site_dir).resolve()
    path = site_dir / CONFIG_NAME
    try:
        text = read_regular(path).decode("utf-8-sig", errors="replace")
    except FileNotFoundError:
        raise BuildFailed([Diagnostic("error", str(path), "no site.yaml here",
                                      hint="run the command from the site folder or pass --site DIR")]) from None
    except OSError as exc:
        raise BuildFailed([Diagnostic("error", CONFIG_NAME, f"cannot read site.yaml: {exc.strerror or exc}",
                                      hint="site.yaml must be a readable text file")]) from None
    parsed = parse(text)
    if parsed.problem:
        raise BuildFailed([Diagnostic("error", CONFIG_NAME, f"invalid YAML: {parsed.problem}", line=parsed.line,
                                      hint="fix the indentation, quoting, tag or duplicate key on that line")])
    reader = _Reader(CONFIG_NAME, parsed.node)
    config = reader.site(site_dir, parsed.value if parsed.value is not None else {})
    if reader.problems:
        raise BuildFailed(reader.problems)
    return config


def with_base_url(config: SiteConfig, value: str) -> SiteConfig:
    """The config with a base URL given on the command line, validated like the one in site.yaml."""
    reader = _Reader("--base-url", None)
    base_url = reader.base_url({"base_url": value})
    if reader.problems:
        raise BuildFailed(reader.problems)
    return dataclasses.replace(config, base_url=base_url)


class _Reader(YamlReader):
    """site.yaml's sections, read with line numbers."""

    def site(self, site_dir: Path, data: Any) -> SiteConfig:
        data = self.mapping(data, (), {
            "title", "description", "base_url", "domain", "default_language", "digits", "briefings",
            "summary", "related_articles", "translation", "cleaning", "themes", "publish", "sources"})
        title_ar, title_en = self.bilingual(data, ("title",), SiteConfig.title_ar, SiteConfig.title_en)
        desc_ar, desc_en = self.bilingual(data, ("description",), "", "")
        summary = self.mapping(data.get("summary"), ("summary",), {"sentences"})
        briefings = self.mapping(data.get("briefings"), ("briefings",), {"period"})
        publish = self.mapping(data.get("publish"), ("publish",), {"size_limit"})
        return SiteConfig(
            root=site_dir,
            title_ar=title_ar, title_en=title_en, description_ar=desc_ar, description_en=desc_en,
            base_url=self.base_url(data),
            domain=self.domain(data),
            size_limit=self.size(publish, ("publish", "size_limit"), SiteConfig.size_limit),
            default_language=self.choice(data, ("default_language",), "ar", ("ar", "en")),
            digits=self.choice(data, ("digits",), "western", ("western", "arabic-indic")),
            briefing_period=self.choice(briefings, ("briefings", "period"), "daily", ("daily", "weekly")),
            summary_sentences=self.number(summary, ("summary", "sentences"), 3, low=1, high=10),
            related_articles=self.number(data, ("related_articles",), 3, low=0, high=20),
            translation=self.translation(data.get("translation")),
            cleaning=self.cleaning(data),
            themes=self.themes(data.get("themes")),
            sources=read_sources(self, data.get("sources")),
        )

    def base_url(self, data: dict) -> str:
        value = self.text(data, ("base_url",), "/") or "/"
        if not _BASE_URL.fullmatch(value) or not value or value.startswith("//"):
            self.error(("base_url",), f"invalid base URL {quoted(value)}",
                       hint="use an absolute URL like https://org.github.io/briefing/ or a path like /briefing/ "
                            "(letters, digits, - . _ ~ / and %-escapes)")
            return "/"
        return value if value.endswith("/") else value + "/"

    def size(self, data: dict, keys: tuple[Any, ...], default: int) -> int:
        """A size in bytes, or with a unit: `800 MB`, `1 GB`, `2 GiB`."""
        value = data.get(keys[-1], default)
        size = None
        if isinstance(value, int) and not isinstance(value, bool):
            size = value
        elif isinstance(value, str) and (match := _SIZE.fullmatch(value.strip())):
            size = float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]
        if size is None or not 1 <= size <= 10**15:
            self.error(keys, f"expected a size such as 1 GB or 800 MB, found {quoted(value)}",
                       hint="write a number and a unit (KB, MB, GB, KiB, MiB, GiB), or a number of bytes")
            return default
        return int(size)

    def domain(self, data: dict) -> str | None:
        value = self.text(data, ("domain",), None)
        if value is not None and not re.fullmatch(r"(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}", value.lower()):
            self.error(("domain",), f"invalid domain {quoted(value)}",
                       hint="write just the host name, e.g. news.example.org")
            return None
        return value

    def translation(self, value: Any) -> TranslationSettings:
        keys = ("translation",)
        data = self.mapping(value, keys, {"source", "target", "beam_size", "batch_size", "max_decoding_length",
                                          "memory", "glossary", "install_timeout", "device", "compute_type"})
        defaults = TranslationSettings()
        memory = self.text(data, keys + ("memory",), defaults.memory) or defaults.memory
        glossary = self.text(data, keys + ("glossary",), defaults.glossary) or defaults.glossary
        for key, rel in (("memory", memory), ("glossary", glossary)):
            if Path(rel).is_absolute() or ".." in Path(rel).parts:
                self.error(keys + (key,), f"{quoted(rel)} points outside the site folder", hint="use a path inside it")
        if Path(memory).name in ("", ".", ".jsonl") or Path(memory).suffix not in ("", ".jsonl"):
            self.error(keys + ("memory",), f"{quoted(memory)} is no name for the memory folder",
                       hint="name a folder inside the site, e.g. translation-memory")
        return TranslationSettings(
            source=self.text(data, keys + ("source",), "ar") or "ar",
            target=self.text(data, keys + ("target",), "en") or "en",
            beam_size=self.number(data, keys + ("beam_size",), defaults.beam_size, low=1, high=16),
            batch_size=self.number(data, keys + ("batch_size",), defaults.batch_size, low=1, high=1024),
            max_decoding_length=self.number(data, keys + ("max_decoding_length",), defaults.max_decoding_length,
                                            low=8, high=1024),
            memory=memory, glossary=glossary,
            install_timeout=self.number(data, keys + ("install_timeout",), defaults.install_timeout,
                                        kind=float, low=1, high=600),
            device=self.choice(data, keys + ("device",), defaults.device, DEVICES),
            compute_type=self.choice(data, keys + ("compute_type",), defaults.compute_type, COMPUTE_TYPES),
        )

    def cleaning(self, data: dict) -> tuple[CleaningRule, ...]:
        keys = ("cleaning",)
        section = self.mapping(data.get("cleaning"), keys, {"defaults", "rules"})
        use_defaults = section.get("defaults", True)
        if not isinstance(use_defaults, bool):
            self.error(keys + ("defaults",), "expected true or false")
            use_defaults = True
        rules = list(DEFAULT_CLEANING if use_defaults else ())
        raw = section.get("rules") or []
        if not isinstance(raw, list):
            self.error(keys + ("rules",), "expected a list of rules")
            raw = []
        for i, item in enumerate(raw):
            item_keys = keys + ("rules", i)
            pattern_keys = item_keys + ("pattern",)
            rule = self.mapping(item, item_keys, {"name", "pattern", "where"})
            pattern = self.text(rule, pattern_keys, None)
            if not pattern:
                self.error(item_keys, "a cleaning rule needs a pattern")
                continue
            try:
                compile_rule(pattern)
            except regex.error as exc:
                self.error(pattern_keys, f"invalid regular expression: {str(exc)[:200]}")
                continue
            rules.append(CleaningRule(
                name=self.text(rule, item_keys + ("name",), f"rule-{i + 1}") or f"rule-{i + 1}",
                pattern=pattern,
                where=self.choice(rule, item_keys + ("where",), "anywhere", ("anywhere", "head", "tail")),
                line=self.line_of(pattern_keys), key=".".join(str(k) for k in pattern_keys),
            ))
        return tuple(rules)

    def themes(self, value: Any) -> tuple[Theme, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(("themes",), "expected a list of themes")
            return ()
        themes, seen = [], set()
        for i, item in enumerate(value):
            keys = ("themes", i)
            data = self.mapping(item, keys, {"id", "name", "keywords"})
            theme_id = self.text(data, keys + ("id",), None)
            if not theme_id or not THEME_ID.match(theme_id):
                self.error(keys + ("id",), f"invalid theme id {quoted(theme_id)}",
                           hint="use lower-case ASCII letters, digits and hyphens, e.g. ukraine-war")
                continue
            if theme_id in seen:
                self.error(keys + ("id",), f"duplicate theme id {quoted(theme_id)}")
                continue
            seen.add(theme_id)
            name_ar, name_en = self.bilingual(data, keys + ("name",), theme_id, theme_id)
            words = self.mapping(data.get("keywords"), keys + ("keywords",), {"ar", "en"})
            themes.append(Theme(theme_id, name_ar, name_en,
                                self.words(words, keys + ("keywords", "ar")),
                                self.words(words, keys + ("keywords", "en"))))
        return tuple(themes)


def compile_rule(pattern: str) -> regex.Pattern:
    """A cleaning rule from site.yaml, compiled by the `regex` package, which can stop a match that runs
    too long (`re` cannot); the FutureWarning about sets like `[[` is for Python authors, not editors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return regex.compile(pattern)
