"""The main text of an HTML page: the article or job ad, not navigation, footer, scripts or comments.

Used when a feed carries only an excerpt (spiders/feed.py) and when a careers page has no
structured data (spiders/jsonld.py). trafilatura does the work (it is built for this and
drops boilerplate and comment sections); when it finds nothing (very short pages, unusual
markup) an lxml fallback takes `<article>`, `<main>` or `<body>` after removing `<nav>`,
`<header>`, `<footer>`, `<aside>`, forms, scripts, styles, HTML comments and elements whose
class or id says nav/menu/footer/sidebar/cookie/comment.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from spiders.text import html_to_text, tidy_text

_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript",
                     "template", "iframe", "svg", "button")
_BOILERPLATE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|sidebar|cookie|cookies|banner|comments?|breadcrumbs?|"
    r"share|social|related|newsletter-signup|subscribe)(?:$|[\s_-])",
    re.IGNORECASE,
)


def main_text(markup: str, url: str | None = None) -> str:
    """Plain text of the page's main content ("" when there is none)."""
    if not markup.strip():
        return ""
    import trafilatura  # imported on first use: spider discovery imports every spider module

    extracted = trafilatura.extract(
        markup, url=url, include_comments=False, include_tables=True, favor_precision=True,
        deduplicate=False,
    )
    if extracted and extracted.strip():
        return tidy_text(extracted)
    return _lxml_main_text(markup)


def _lxml_main_text(markup: str) -> str:
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    for comment in root.xpath("//comment()"):
        comment.drop_tree()
    for bad in list(root.iter(*_BOILERPLATE_TAGS)):
        bad.drop_tree()
    for node in list(root.iter()):
        if not isinstance(node.tag, str) or node.getparent() is None:
            continue
        marks = f"{node.get('class', '')} {node.get('id', '')} {node.get('role', '')}"
        if _BOILERPLATE_ATTR.search(marks) or node.get("role") in ("navigation", "contentinfo"):
            node.drop_tree()
    main = root.find(".//article")
    if main is None:
        main = root.find(".//main")
    if main is None:
        main = root.find(".//body")
    if main is None:
        return ""
    return html_to_text(lxml.html.tostring(main, encoding="unicode"))


def page_title(markup: str) -> str:
    """The page's `<h1>` (the job's own heading), else its `<title>`; "" when neither."""
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    for xpath in ("//main//h1", "//article//h1", "//h1", "//title"):
        for node in root.xpath(xpath):
            text = " ".join(node.text_content().split())
            if text:
                return text
    return ""


def meta_content(markup: str, *names: str) -> str | None:
    """The first non-empty `<meta property|name=... content=...>` of `names` (og:site_name ...)."""
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None
    for name in names:
        for node in root.xpath("//meta[@property=$n or @name=$n]", n=name):
            content = (node.get("content") or "").strip()
            if content:
                return content
    return None
