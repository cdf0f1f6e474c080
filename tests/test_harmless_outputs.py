"""Scraped text made harmless in every output (SPEC §5; issue 14 item 1).

Property tests: for arbitrary titles, companies, places, descriptions and URLs (hostile
snippets mixed into random text), every format (email HTML and text, markdown chat, JSON
webhook, export json/csv/md/rss) carries no raw tag, no non-http(s) link, no link whose
visible text differs from its target, no CSV cell starting a formula, well-formed XML, and no
control characters. Markdown is checked by rendering it with a CommonMark parser
(markdown-it-py) and reading the HTML it would become.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from alerts.deliver import render_for
from alerts.render import Digest, Line
from store.export import render_export
from store.models import Posting

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[apply](javascript:alert(1))",
    "[PHISH](http://evil.example/login)",
    "<http://evil.example>",
    "<a href='http://evil.example'>http://ok.example</a>",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR",
    "\x1b[31mred\x1b[0m", "\x07", "\x00", "\x0b", "\x85", "\u202e", "\ufffe",
    "@everyone", "@here", "<!channel>",
    "]]>", "<![CDATA[x]]>", "&", "&amp;", "<", ">", "\"", "'", "`code`", "*bold*", "_it_",
    "|", "\\", "<scr<script>ipt>", "<!-- c -->", "<?xml?>",
]
HOSTILE_URLS = [
    "https://ok.example/jobs/9)[PHISH](http://evil.example/login",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "https://ok.example@evil.example/",
    "https://ok.example/<script>",
    "https://ok.example/a b",
    "https://ok.example/\x1b[0m",
    "http://ok.example/x\"onmouseover=\"alert(1)",
    "https://ok.example/q?a=1&b=<i>|x|`y`*z*",
    "https://[::1]:8080/x",
    "//evil.example/x",
    "https://",
]

snippet = st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE))
scraped = st.lists(snippet, max_size=5).map("".join)
url = st.one_of(
    st.sampled_from(HOSTILE_URLS),
    st.builds(lambda a, b: f"https://{a}.example/{b}", st.from_regex(r"[a-z]{1,8}", fullmatch=True), scraped),
    scraped,
)

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\ufffe\uffff]")
RAW_TAG = re.compile(r"<[A-Za-z/!?]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
MESSAGE_TAGS = {"div", "h2", "ul", "li", "strong", "em", "br", "p", "a", "html", "body"}
#: what markdown syntax alone produces; a raw tag (script, img, iframe...) is not among them
MARKDOWN_TAGS = {"p", "ul", "ol", "li", "a", "em", "strong", "code", "pre", "br", "hr", "blockquote",
                 "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
                 "div", "html", "body"}
MD = MarkdownIt("commonmark").enable("table")


def postings(
    draw_title: str, company: str, place: str, description: str, link: str, apply: str
) -> list[Posting]:
    return [
        Posting(
            id="s:1", source="s", company=company, title=draw_title, url=link, apply_url=apply,
            raw_locations=[place], description=description, is_internship=True,
            first_seen="2026-11-01T00:00:00Z",
        )
    ]


def check_links_in_html(fragment: str, allowed_tags: set[str]) -> None:
    """Every tag known; every link http(s) and showing its own address."""
    if not fragment.strip():
        return
    root = lxml.html.fromstring(f"<div>{fragment}</div>")
    for el in root.iter():
        if not isinstance(el.tag, str):
            raise AssertionError(f"comment or processing instruction in {fragment!r}")
        assert el.tag in allowed_tags, (el.tag, fragment)
        for attr in el.attrib:
            assert attr in {"href", "style"}, (attr, fragment)
        if el.tag == "a":
            href = el.get("href", "")
            assert re.match(r"^https?://", href), href
            # the same address; a renderer may show it percent-decoded
            assert unquote(el.text_content()) == unquote(href), (el.text_content(), href)


def check_plain(value: str) -> None:
    assert not CONTROL.search(value), value
    assert not RAW_TAG.search(value), value


def check_markdown(body: str) -> None:
    assert not CONTROL.search(body), body
    check_links_in_html(MD.render(body), MARKDOWN_TAGS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=scraped, company=scraped, place=scraped, description=scraped, link=url, apply=url)
def test_every_output_is_harmless(
    title: str, company: str, place: str, description: str, link: str, apply: str
) -> None:
    batch = postings(title, company, place, description, link, apply)
    digest = Digest("s", [Line.of(p, why=[title]) for p in batch], 0, "pause s", "export",
                    digest_id="d1")

    # email (HTML body; apprise derives the text part from it)
    _, body, _ = render_for("mailto://user:pass@mail.example.org?to=a@example.edu", digest)
    assert not CONTROL.search(body)
    check_links_in_html(body, MESSAGE_TAGS)
    # plain text (SMS-like channels) and the markdown chats; text is also read as markdown,
    # as Mattermost and Discord would
    check_plain(digest.text())
    check_markdown(digest.text())
    for chat in ("discord://1234567890/abcdefghijklmnop", "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
                 "tgram://123456789:abcdefghijklmnopqrstuvwxyz12345/-1234"):
        _, body, _ = render_for(chat, digest)
        check_markdown(body)
    # JSON webhook
    _, body, _ = render_for("json://hooks.example.org/in", digest)
    message = json.loads(body)
    for line in message["postings"]:
        for value in line.values():
            if isinstance(value, str):
                check_plain(value)
        assert line["url"] is None or re.match(r"^https?://", line["url"])

    # exports
    exported = json.loads(render_export(batch, "json"))
    for record in exported:
        for key in ("url", "apply_url"):
            assert record[key] is None or re.match(r"^https?://", record[key])
        check_plain(json.dumps(record, ensure_ascii=False))
    rows = list(csv.reader(io.StringIO(render_export(batch, "csv"))))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA), cell
            check_plain(cell)
    check_markdown(render_export(batch, "md"))
    rss = render_export(batch, "rss")
    assert not CONTROL.search(rss)
    root = lxml.etree.fromstring(rss.encode("utf-8"))  # well-formed, or this raises
    for el in root.iter():
        if el.tag == "link":
            assert re.match(r"^https?://", el.text or ""), el.text
        check_plain(el.text or "")  # readers render item text as HTML


def test_a_url_cannot_smuggle_a_second_link() -> None:
    """The URL from the security review: one link, to ok.example, in every format."""
    phish = "https://ok.example/jobs/9)[PHISH](http://evil.example/login"
    batch = postings("Intern", "Ok", "Paris", "x", phish, phish)
    digest = Digest("s", [Line.of(batch[0])], 0, "pause s", "export")
    outputs = {
        "discord": render_for("discord://1234567890/abcdefghijklmnop", digest)[1],
        "email": render_for("mailto://u:p@mail.example.org", digest)[1],
        "export md": render_export(batch, "md"),
    }
    for name, out in outputs.items():
        html = out if name == "email" else MD.render(out)
        hrefs = lxml.html.fromstring(f"<div>{html}</div>").xpath("//a/@href")
        assert len(hrefs) == 1 and urlsplit(hrefs[0]).hostname == "ok.example", (name, out)
    assert "](" not in digest.text()


def test_export_defuses_formulas_tags_and_control_bytes() -> None:
    batch = postings("=HYPERLINK(\"http://evil.example\",\"x\")", "<script>x</script>Acme\x1b[31m",
                     "\x07Paris\x00", "ok", "javascript:alert(1)", "[apply](javascript:alert(1))")
    cells = list(csv.reader(io.StringIO(render_export(batch, "csv"))))[1]
    assert all(not c.startswith(FORMULA) for c in cells)
    md = render_export(batch, "md")
    assert "<script" not in md and "javascript:" not in md and "\x1b" not in md
    lxml.etree.fromstring(render_export(batch, "rss").encode("utf-8"))
