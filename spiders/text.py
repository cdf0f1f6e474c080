"""HTML to plain text for descriptions: block elements become line breaks, scripts vanish."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "dl",
    }
)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "head")
_SPACES = re.compile(r"[ \t\u00a0\u200b\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_LONE_BULLET = re.compile(r"^- *\n+(?=\S)", re.M)  # <li><p>x</p></li> gives "-" then "x"
_LIST_GAPS = re.compile(r"^(- .*)\n\n(?=- )", re.M)  # blank lines between list items


def html_to_text(markup: str | None, *, unescape_first: bool = False) -> str:
    """Plain text of an HTML fragment.

    `unescape_first` is for APIs (Greenhouse) that send entity-escaped HTML: `&lt;p&gt;`.
    Paragraphs and list items end up on their own lines; runs of spaces collapse.
    """
    if not markup:
        return ""
    if unescape_first:
        markup = html.unescape(markup)
    if "<" not in markup:
        return _tidy(html.unescape(markup))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]+>", " ", markup))
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree()
    # Mark block boundaries in the tree, then let lxml's C serialiser join the text.
    for node in root.iter(*_BLOCK_TAGS):
        node.text = ("\n- " if node.tag == "li" else "\n") + (node.text or "")
        node.tail = "\n" + (node.tail or "")
    return _tidy(etree.tostring(root, method="text", encoding="unicode", with_tail=False))


_LINE_EDGES = re.compile(r"[^\S\n]*\n[^\S\n]*")


def tidy_text(text: str) -> str:
    """Collapse spaces (incl. NBSP) per line and runs of blank lines."""
    return _tidy(text)


def _tidy(text: str) -> str:
    # whole-string regexes (C speed) rather than a Python loop over lines
    joined = _LINE_EDGES.sub("\n", _SPACES.sub(" ", text)).strip()
    joined = _BLANK_LINES.sub("\n\n", joined)
    joined = _LONE_BULLET.sub("- ", joined)
    while True:
        tighter = _LIST_GAPS.sub(r"\1\n", joined)
        if tighter == joined:
            return joined.strip()
        joined = tighter
