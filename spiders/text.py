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
# Blanks that become one space; str.replace beats a regex that visits every character.
_ODD_SPACES = ("\t", "\u00a0", "\u200b", "\r", "\f", "\v")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# control characters XML (and so lxml's text) cannot hold; tab, newline and CR are fine
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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
        markup = _unescape_markup(markup)
    if "<" not in markup:
        return _tidy(html.unescape(markup))
    if _CONTROL.search(markup):
        # lxml parses them but refuses them in the text we write back (ValueError)
        markup = _CONTROL.sub(" ", markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):
        return _tidy(re.sub(r"<[^>]+>", " ", markup))
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree()
    # Mark block boundaries in the tree, then let lxml's C serialiser join the text.
    for node in root.iter(*_BLOCK_TAGS):
        node.text = ("\n- " if node.tag == "li" else "\n") + (node.text or "")
        node.tail = "\n" + (node.tail or "")
    return _tidy(etree.tostring(root, method="text", encoding="unicode", with_tail=False))


# References a plain escaper (Greenhouse, html.escape) writes, but "&amp;" (see below).
_ESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&#x27;", "'"))


def _unescape_markup(markup: str) -> str:
    """``html.unescape(markup)``, cheaply when the markup only holds the common references.

    Escaped HTML is full of ``&lt;``/``&gt;``, and html.unescape calls back into Python for
    each one. None of the :data:`_ESCAPES` replacements makes or breaks another reference,
    so when every ``&`` left is an ``&amp;``, replacing those last gives html.unescape's
    single-pass result (``&amp;lt;`` -> ``&lt;``); any other ``&`` goes to html.unescape.
    """
    text = markup.replace("&lt;", "<").replace("&gt;", ">")
    for ref, char in _ESCAPES[2:]:
        if ref in text:
            text = text.replace(ref, char)
    amps = text.count("&amp;")
    if text.count("&") != amps:
        return html.unescape(markup)
    return text.replace("&amp;", "&") if amps else text


def tidy_text(text: str) -> str:
    """Collapse spaces (incl. NBSP) per line and runs of blank lines."""
    return _tidy(text)


def _tidy(text: str) -> str:
    # C-speed string methods and regexes, no Python loop over lines or characters
    for odd in _ODD_SPACES:
        if odd in text:
            text = text.replace(odd, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    # drop blanks next to line breaks (str.strip's whitespace is regex \s, as before)
    joined = "\n".join(map(str.strip, text.split("\n"))).strip()
    joined = _BLANK_LINES.sub("\n\n", joined)
    if "-\n" in joined:  # no blank is left before a newline, so "- *\n" can only be "-\n"
        joined = _LONE_BULLET.sub("- ", joined)
    if "\n\n- " in joined:
        # One pass is enough: a match ends where the next item starts, and removing a blank
        # line never gives another blank line new neighbours (blank lines are never adjacent).
        joined = _LIST_GAPS.sub(r"\1\n", joined)
    return joined.strip()
