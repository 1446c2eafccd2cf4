"""`import`: articles from a loopback "news site" (pages, RSS and Atom feeds, redirects, errors, a
windows-1256 page, robots.txt) into content/articles/, with only their own paragraphs.

The site's pages are made here from Arabic text written for these tests, with the furniture real
news pages carry (menus, share bars, "read also" boxes, related lists, comments, cookie banners,
photo credits) before, inside and after the article.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import copy_sample_site, run_cli
from hypothesis import given
from hypothesis import strategies as st

from generator.clean import markdown_parser
from generator.imports.extract import Article
from generator.imports.fetch import MAX_BYTES, USER_AGENT
from generator.imports.write import article_text
from generator.front_matter import split_front_matter

OUTLET = "جريدة الأفق"  # og:site_name of the pages that have one
RSS_OUTLET = "صحيفة النهار"  # what site.yaml calls the RSS feed's outlet
ATOM_TITLE = "أخبار الشرق"

FURNITURE = (
    "الرئيسية", "سياسة", "اقتصاد", "رياضة",  # navigation
    "شارك", "فيسبوك", "واتساب",  # share bar
    "اقرأ أيضا", "انخفاض أسعار النفط في الأسواق العالمية",  # "read also" box
    "أخبار ذات صلة", "الرئيس يستقبل سفير اليابان", "افتتاح معرض الكتاب الدولي",  # related list
    "التعليقات", "مقال رائع ومفيد جدا",  # comments
    "ملفات تعريف الارتباط", "موافق",  # cookie banner
    "تصوير:", "أحمد منصور",  # photo credit
    "جميع الحقوق محفوظة",  # footer
)
NAV = ('<header><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li>'
       '<li><a href="/economy">اقتصاد</a></li><li><a href="/sport">رياضة</a></li></ul></nav></header>')
COOKIES = '<div class="cookie-banner">نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا. <button>موافق</button></div>'
SHARE = '<div class="share-bar"><span>شارك</span> <a href="#">فيسبوك</a> <a href="#">واتساب</a></div>'
READ_ALSO = ('<aside class="read-also"><h3>اقرأ أيضا</h3><ul><li><a href="/x">انخفاض أسعار النفط في الأسواق '
             'العالمية</a></li></ul></aside>')
PHOTO = '<figure><img src="/photo.jpg" alt=""><figcaption>تصوير: أحمد منصور</figcaption></figure>'
RELATED = ('<section class="related"><h2>أخبار ذات صلة</h2><ul><li><a href="/r1">الرئيس يستقبل سفير اليابان في '
           'القصر</a></li><li><a href="/r2">افتتاح معرض الكتاب الدولي في العاصمة</a></li></ul></section>')
COMMENTS = ('<section id="comments" class="comments"><h2>التعليقات</h2><div class="comment"><p>مقال رائع ومفيد جدا '
            'شكرا لكم على هذه التغطية</p></div></section>')
FOOTER = '<footer><p>جميع الحقوق محفوظة © 2024</p></footer>'

VISIT = ("وزير الخارجية يزور موسكو الأسبوع المقبل", (
    "أعلنت وزارة الخارجية اليوم عن زيارة رسمية يقوم بها الوزير إلى العاصمة الروسية الأسبوع المقبل لبحث ملفات التعاون الثنائي.",
    "وقال المتحدث باسم الوزارة في مؤتمر صحفي إن الزيارة تأتي في إطار تعزيز العلاقات بين البلدين وتوسيع التبادل التجاري.",
    "وأضاف أن الجانبين سيوقعان عدة اتفاقيات في مجالات الطاقة والنقل والتعليم خلال اللقاء المرتقب بين الوفدين.",
    "ومن المقرر أن يلتقي الوزير نظيره الروسي ثم يعقد لقاء مع رجال الأعمال في ختام الزيارة التي تستمر ثلاثة أيام."))
GAS = ("اتفاق جديد لتوريد الغاز عبر خط الأنابيب الشرقي", (
    "وقعت شركتا الطاقة في البلدين اتفاقا جديدا لزيادة كميات الغاز المنقولة عبر خط الأنابيب الشرقي خلال السنوات المقبلة.",
    "وقال مدير إحدى الشركتين إن الاتفاق يرفع الكميات المتفق عليها بنحو الربع ويمتد العمل به عشر سنوات على الأقل.",
    "ويرى محللون أن الاتفاق يعكس تحولا في خريطة تجارة الطاقة بعد العقوبات التي فرضت على الصادرات خلال العامين الماضيين."))
TRADE = ("ارتفاع التبادل التجاري بين البلدين إلى مستوى قياسي", (
    "أظهرت بيانات الجمارك أن حجم التبادل التجاري بين البلدين ارتفع خلال الربع الأول من العام إلى مستوى غير مسبوق.",
    "وأوضحت البيانات أن صادرات السيارات والآلات شكلت الحصة الأكبر من السلع المتبادلة بين الجانبين هذا العام.",
    "وتوقع خبراء أن يستمر النمو في الأشهر المقبلة مع توسيع استخدام العملات المحلية في تسوية المدفوعات التجارية."))
DRILLS = ("مناورات بحرية مشتركة في بحر اليابان", (
    "بدأت القوات البحرية للبلدين مناورات مشتركة في بحر اليابان تستمر أسبوعا بمشاركة سفن حربية وطائرات مروحية.",
    "وذكرت وزارة الدفاع في بيان أن التدريبات تهدف إلى رفع مستوى التنسيق بين القوات وحماية طرق الملاحة البحرية.",
    "وتأتي المناورات بعد أشهر من تدريبات مماثلة أجريت في بحر الصين الشرقي وشاركت فيها غواصات من البلدين."))
SUMMIT = ("قمة ثنائية في العاصمة الصينية لبحث الأزمة الأوكرانية", (
    "يستضيف الرئيس الصيني نظيره الروسي في قمة ثنائية تعقد في بكين لبحث الأزمة الأوكرانية وملفات الأمن الإقليمي.",
    "وقال مستشار في الكرملين إن الرئيسين سيناقشان خطة السلام المطروحة وسبل تعزيز التعاون في مجلس الأمن الدولي.",
    "ومن المنتظر أن يصدر عن القمة بيان مشترك يحدد أولويات العلاقة بين البلدين خلال المرحلة المقبلة."))
ENGLISH = ("Ministers meet to discuss grain exports", (
    "Agriculture ministers from both countries met on Tuesday to discuss a new agreement on grain exports and shipping.",
    "Officials said the talks focused on insurance for cargo ships and on payment arrangements between state banks.",
    "A further round of negotiations is expected next month in the capital, according to a joint statement."))


def page(title: str, paragraphs: tuple[str, ...], *, head: str = "", before: str = "", inside: str = "",
         after: str = "", lang: str = "ar", charset: str = "utf-8", dateline: str = "") -> str:
    """A news page: furniture `before` the article, `inside` it after its second paragraph, `after` it."""
    first, rest = "".join(f"<p>{p}</p>" for p in paragraphs[:2]), "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    return (f'<!DOCTYPE html><html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head>'
            f'<meta charset="{charset}"><title>{title}</title>{head}</head><body>{before}<main><article>'
            f'<h1>{title}</h1>{dateline}{first}{inside}{rest}</article>{after}</main>{FOOTER}</body></html>')


def og(site_name: str, published: str, author: str | None = None, canonical: str | None = None) -> str:
    tags = (f'<meta property="og:site_name" content="{site_name}">'
            f'<meta property="article:published_time" content="{published}">')
    tags += f'<meta name="author" content="{author}">' if author else ""
    return tags + (f'<link rel="canonical" href="{canonical}">' if canonical else "")


def rss(base: str, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{base}{path}</link><pubDate>{d}</pubDate></item>"
                      for path, t, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>النهار</title>'
            f'<link>{base}/</link><description>آخر الأخبار</description>{entries}</channel></rss>')


def atom(base: str, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(f'<entry><title>{t}</title><link href="{base}{path}"/><id>{base}{path}</id>'
                      f"<updated>{d}</updated></entry>" for path, t, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>{ATOM_TITLE}</title><id>{base}/atom</id><updated>2024-03-09T08:00:00Z</updated>'
            f"{entries}</feed>")


class NewsSite:
    """The loopback server: every request's path and headers are kept in `requests`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.etag = '"rss-v1"'
        self.modified = format_datetime(dt.datetime(2024, 3, 9, 8, 0, tzinfo=dt.timezone.utc), usegmt=True)
        self.routes = self._routes()

    def _routes(self) -> dict[str, tuple[int, dict[str, str], bytes]]:
        base, html = self.base, {"Content-Type": "text/html; charset=utf-8"}
        no_charset = {"Content-Type": "text/html"}

        def ok(text: str, headers=html) -> tuple[int, dict[str, str], bytes]:
            return 200, headers, text.encode("utf-8")

        cp1256_page = page(TRADE[0], TRADE[1], charset="windows-1256", before=NAV, after=RELATED,
                           head='<script type="application/ld+json">{"@context": "https://schema.org", '
                                '"@type": "NewsArticle", "datePublished": "2024-03-07"}</script>')
        return {
            "/robots.txt": ok("User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}),
            "/news/visit": ok(page(*VISIT, head=og(OUTLET, "2024-03-05T10:00:00+03:00", "سلمى الخطيب",
                                                   "https://alofok.example/news/visit"),
                                   before=COOKIES + NAV + SHARE, inside=READ_ALSO, after=SHARE + RELATED + COMMENTS)),
            "/news/gas": ok(page(*GAS, head=og(OUTLET, "2024-03-06T09:30:00Z"), before=NAV,
                                 inside=PHOTO + SHARE, after=COMMENTS + COOKIES)),
            "/news/trade": (200, no_charset, cp1256_page.encode("windows-1256")),
            "/news/drills": ok(page(*DRILLS, before=NAV + COOKIES, inside=READ_ALSO + PHOTO, after=RELATED,
                                    dateline='<div class="meta">نشر في 8 مارس 2024</div>')),
            "/news/summit": ok(page(*SUMMIT, head=og(OUTLET, "2024-03-04"), before=SHARE, inside=PHOTO,
                                    after=READ_ALSO + RELATED + COMMENTS)),
            "/en/grain": ok(page(*ENGLISH, lang="en", head=og("The Horizon", "2024-03-05"))),
            "/old/summit": (301, {"Location": "/news/summit"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/news/missing": (404, html, b"<h1>404</h1>"),
            "/news/broken": (500, html, b"<h1>500</h1>"),
            "/private/leak": ok(page(*GAS)),
            "/news/huge": (200, {**html, "Content-Length": str(MAX_BYTES + 1)}, b""),
            "/news/endless": (200, html, b""),  # no Content-Length, more than MAX_BYTES of body
            "/feed.rss": (200, {"Content-Type": "application/rss+xml", "ETag": self.etag}, rss(base, [
                ("/news/gas", GAS[0], "Wed, 06 Mar 2024 09:30:00 GMT"),
                ("/news/trade", TRADE[0], "Thu, 07 Mar 2024 11:00:00 GMT"),
                ("/old/summit", SUMMIT[0], "Mon, 04 Mar 2024 07:00:00 GMT"),
                ("/news/missing", "مفقود", "Mon, 04 Mar 2024 07:00:00 GMT"),
                ("/news/broken", "معطل", "Mon, 04 Mar 2024 07:00:00 GMT"),
                ("/private/leak", "خاص", "Mon, 04 Mar 2024 07:00:00 GMT"),
                ("/news/huge", "كبير", "Mon, 04 Mar 2024 07:00:00 GMT"),
                ("/news/endless", "بلا نهاية", "Mon, 04 Mar 2024 07:00:00 GMT"),
                ("/loop", "حلقة", "Mon, 04 Mar 2024 07:00:00 GMT"),
            ]).encode("utf-8")),
            "/feed.atom": (200, {"Content-Type": "application/atom+xml", "Last-Modified": self.modified}, atom(base, [
                ("/news/drills", DRILLS[0], "2024-03-09T06:00:00Z"),
                ("/news/summit", SUMMIT[0], "2024-03-04T07:00:00Z"),  # the RSS feed's /old/summit, redirected
                ("/en/grain", ENGLISH[0], "2024-03-05T07:00:00Z"),
            ]).encode("utf-8")),
        }

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                status, headers, body = site.routes.get(self.path, (404, {}, b"not here"))
                if self.path == "/feed.rss" and self.headers.get("If-None-Match") == site.etag:
                    status, body = 304, b""
                if self.path == "/feed.atom" and self.headers.get("If-Modified-Since") == site.modified:
                    status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers and self.path != "/news/endless":
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if self.path == "/news/endless":
                        for _ in range(MAX_BYTES // 65536 + 16):
                            self.wfile.write(b"<p>" + b"x" * 65529 + b"</p>")
                    elif self.path != "/news/huge":
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self) -> NewsSite:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def news():
    with NewsSite() as site:
        yield site


def with_sources(site: Path, news: NewsSite) -> Path:
    with open(site / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"sources:\n  - url: {news.base}/feed.rss\n    outlet: {RSS_OUTLET}\n"
                     f"  - url: {news.base}/feed.atom\n")
    return site


def articles(site: Path) -> set[str]:
    return {p.name for p in (site / "content" / "articles").iterdir()}


def read_article(path: Path) -> tuple[dict, list[str]]:
    front, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path.name, [])
    return front, [p.strip() for p in body.split("\n\n") if p.strip()]


def only(site: Path, stem_start: str) -> Path:
    found = sorted((site / "content" / "articles").glob(f"{stem_start}*.md"))
    assert len(found) == 1, found
    return found[0]


EXPECTED = {  # slug start → (front matter, paragraphs)
    "2024-03-05-wzyr": ({"title": VISIT[0], "date": dt.date(2024, 3, 5), "source": OUTLET,
                         "url": "https://alofok.example/news/visit", "author": "سلمى الخطيب"}, VISIT[1]),
    "2024-03-06-atfaq": ({"title": GAS[0], "date": dt.date(2024, 3, 6), "source": RSS_OUTLET,
                          "url": "{base}/news/gas"}, GAS[1]),
    "2024-03-07-artfa": ({"title": TRADE[0], "date": dt.date(2024, 3, 7), "source": RSS_OUTLET,
                          "url": "{base}/news/trade"}, TRADE[1]),
    "2024-03-08-mnawrat": ({"title": DRILLS[0], "date": dt.date(2024, 3, 8), "source": ATOM_TITLE,
                            "url": "{base}/news/drills"}, DRILLS[1]),
    "2024-03-04-qmh": ({"title": SUMMIT[0], "date": dt.date(2024, 3, 4), "source": RSS_OUTLET,
                        "url": "{base}/news/summit"}, SUMMIT[1]),
}


def test_import_pages_and_feeds_then_again(tmp_path, news):
    site = with_sources(copy_sample_site(tmp_path / "site"), news)
    before = articles(site)
    first = run_cli("import", "--site", str(site), "--feeds", f"{news.base}/news/visit")
    assert first.returncode == 1, first.stdout + first.stderr

    # each article: its front matter and exactly its own paragraphs, no furniture
    assert len(articles(site) - before) == len(EXPECTED)
    for start, (front, paragraphs) in EXPECTED.items():
        path = only(site, start)
        got_front, got_paragraphs = read_article(path)
        assert got_front == {k: v.format(base=news.base) if k == "url" else v for k, v in front.items()}, path.name
        assert got_paragraphs == list(paragraphs), path.name
        text = path.read_text(encoding="utf-8")
        assert not [word for word in FURNITURE if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)], path.name
    assert not list((site / "content" / "articles").glob("*grain*"))

    # the report: one line per item, failures on stderr with address and reason, then the summary
    out, err = first.stdout, first.stderr
    assert f"skipped: {news.base}/en/grain: not Arabic (language: en); --lang en imports it" in out
    assert f"skipped, already there: {news.base}/news/summit: imported before" in out  # redirect's target, via Atom
    for line in (f"failed: {news.base}/news/missing: HTTP 404 Not Found",
                 f"failed: {news.base}/news/broken: HTTP 500 Internal Server Error",
                 f"failed: {news.base}/private/leak: disallowed by the site's robots.txt",
                 f"failed: {news.base}/news/huge: larger than 5 MB ({MAX_BYTES + 1} bytes): not read",
                 f"failed: {news.base}/news/endless: larger than 5 MB: stopped reading",
                 f"failed: {news.base}/loop: too many redirects (more than 5)"):
        assert line in err.splitlines()
    assert ("Imported 5 article(s); 1 skipped as already there, 1 skipped otherwise; 6 failed."
            in out.splitlines())
    assert not [p for p, _ in news.requests if p == "/private/leak"]
    assert [p for p, _ in news.requests].count("/robots.txt") == 1
    assert {h.get("user-agent") for _, h in news.requests} == {USER_AGENT}
    assert sorted(p.name for p in (site / ".cache").iterdir()) == ["feeds.json", "imported.json"]

    # a second run adds nothing: the feeds answer 304 to the conditional GET, the page is known
    news.requests.clear()
    second = run_cli("import", "--site", str(site), "--feeds", f"{news.base}/news/visit")
    assert second.returncode == 0, second.stdout + second.stderr
    assert articles(site) == before | {only(site, s).name for s in EXPECTED}
    sent = dict(news.requests)
    assert sent["/feed.rss"]["if-none-match"] == news.etag
    assert sent["/feed.atom"]["if-modified-since"] == news.modified
    assert second.stdout.splitlines() == [
        f"{news.base}/feed.rss: unchanged since the last import (HTTP 304)",
        f"{news.base}/feed.atom: unchanged since the last import (HTTP 304)",
        f"skipped, already there: {news.base}/news/visit: imported before",
        "Imported 0 article(s); 1 skipped as already there, 0 skipped otherwise; 0 failed."]

    # and the imported articles build with the sample templates
    built = run_cli("build", "--site", str(site))
    assert built.returncode == 0, built.stdout + built.stderr
    assert (site / "output" / "ar" / "articles" / f"{only(site, '2024-03-05-wzyr').stem}.html").is_file()


def test_feed_entries_known_by_address_are_not_fetched_again(tmp_path, news):
    site = copy_sample_site(tmp_path / "site")
    assert run_cli("import", "--site", str(site), f"{news.base}/news/gas").returncode == 0
    (site / ".cache" / "feeds.json").unlink()  # forget the validators: the feed is read in full
    news.requests.clear()
    result = run_cli("import", "--site", str(site), f"{news.base}/feed.atom", "--since", "2024-03-05")
    assert result.returncode == 0, result.stderr
    assert f"skipped: {news.base}/news/summit: dated 2024-03-04, before --since" in result.stdout
    paths = [p for p, _ in news.requests]
    assert paths[:2] == ["/robots.txt", "/feed.atom"]  # the pages after it are fetched in parallel
    assert sorted(paths[2:]) == ["/en/grain", "/news/drills"]


def test_dry_run_and_local_files_write_nothing_or_only_articles(tmp_path, news):
    site = copy_sample_site(tmp_path / "site")
    saved = tmp_path / "saved.html"
    saved.write_text(page(*VISIT, head=og(OUTLET, "2024-03-05", canonical="https://alofok.example/news/visit"),
                          before=NAV, after=COMMENTS), encoding="utf-8")
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    dry = run_cli("import", "--site", str(site), "--dry-run", str(saved), f"{news.base}/en/grain", "--lang", "ar,en")
    assert dry.returncode == 0, dry.stderr
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert f"would import: {saved}: content/articles/2024-03-05-wzyr-alkharjyh-yzwr-mwskw-alasbw-almqbl.md" \
        in dry.stdout
    assert "Would import 2 article(s)" in dry.stdout

    real = run_cli("import", "--site", str(site), str(saved))
    assert real.returncode == 0, real.stderr
    new = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file()
                 and p.relative_to(site) not in before)
    assert new == [Path(".cache/feeds.json"), Path(".cache/imported.json"),
                   Path("content/articles/2024-03-05-wzyr-alkharjyh-yzwr-mwskw-alasbw-almqbl.md")]
    # the same article under its own address is known by its canonical URL and its text
    again = run_cli("import", "--site", str(site), f"{news.base}/news/visit")
    assert "1 skipped as already there" in again.stdout


def test_unreadable_sources_fail_with_their_reason(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    notes = tmp_path / "notes.txt"
    notes.write_text("ليس مقالا", encoding="utf-8")
    result = run_cli("import", "--site", str(site), "ftp://example.org/a", str(notes), str(tmp_path / "gone.html"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "failed: ftp://example.org/a: not fetched: only http and https addresses are",
        f"failed: {notes}: not an .html page or an RSS/Atom feed",
        f"failed: {tmp_path / 'gone.html'}: cannot read this file: No such file or directory"]
    assert run_cli("import", "--site", str(site), "--feeds").stderr.startswith("error: --feeds, but site.yaml")


def test_sources_errors_name_line_and_key(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    lines = (site / "site.yaml").read_text(encoding="utf-8").count("\n")
    with open(site / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write("sources:\n  - url: ftp://example.org/feed\n  - url: https://example.org/rss\n    name: x\n"
                     "  - https://example.org/rss\n")
    result = run_cli("check", "--site", str(site))
    assert result.returncode == 1
    assert f"site.yaml:{lines + 2}: error [sources.0.url]: invalid feed address 'ftp://example.org/feed'" \
        in result.stderr
    assert f"site.yaml:{lines + 4}: error [sources.1.name]: unknown key 'name'" in result.stderr
    assert f"site.yaml:{lines + 5}: error [sources.2.url]: duplicate feed 'https://example.org/rss'" in result.stderr


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1)
                .map(lambda t: " ".join(t.split())).filter(bool), min_size=1, max_size=5))
def test_every_paragraph_stays_one_markdown_paragraph(paragraphs):
    text = article_text(Article("عنوان", tuple(paragraphs), "ar"), dt.date(2024, 3, 5), None, None)
    front, body, _ = split_front_matter(text, "a.md", [])
    assert front == {"title": "عنوان", "date": dt.date(2024, 3, 5)}
    kinds = [t.type for t in markdown_parser().parse(body) if t.nesting == 1]
    assert kinds == ["paragraph_open"] * len(paragraphs)
