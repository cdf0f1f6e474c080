"""Description text: HTML to plain text, and the fast paths that must equal the plain ones.

`html_to_text` decodes Greenhouse's escaped HTML with a few replacements instead of
html.unescape, and de-duplication splits sentences with string methods instead of regexes;
each is checked against the straightforward version on seeded random text built from the
characters that matter (markup, references, punctuation, accents, digits, odd spaces).
"""

from __future__ import annotations

import html
import random

import pytest

from spiders.text import _unescape_markup, html_to_text
from store.dedup_text import _sentences_by_regex, sentences
from store.names import fold

PIECES = [
    "<p>", "</p>", "<li>", "</li>", "<ul>", "<br>", "&lt;", "&gt;", "&amp;", "&amp;lt;",
    "&quot;", "&#39;", "&#x27;", "&nbsp;", "&eacute;", "&#8217;", "&", ";", "Intern", "data",
    "Summer 2027", "'27", "co-op", " - ", "--", "e.g.", "U.S.", ":", "|", "?", "!", "\n",
    "\n\n", " ", "  ", "\t", "\u00a0", "\u200b", "é", "Ü", "ß", "ﬁ", "Ⅻ", "١٢", "•", "·",
    "—", "’", "“", "😀", "x", "A1", "C++", "R&D", "40 hrs/week", "$30/h",
]


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))


@pytest.mark.parametrize("seed", range(4))
def test_unescape_markup_equals_html_unescape(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(3000):
        text = _random_text(rng)
        assert _unescape_markup(text) == html.unescape(text), repr(text)


@pytest.mark.parametrize("seed", range(4))
def test_sentences_equal_the_regex_split(seed: int) -> None:
    rng = random.Random(100 + seed)
    for _ in range(3000):
        text = _random_text(rng)
        assert sentences(text) == _sentences_by_regex(fold(text)), repr(text)


def test_control_characters_in_markup_do_not_fail_the_posting() -> None:
    # lxml parses them but will not take them back as text ("must be XML compatible")
    assert html_to_text("<p>x\x0cy</p>") == "x y"
    assert html_to_text("<p>a\x1cb</p><ul><li>c\x00d</li></ul>") == "a b\n\n- c d"
    assert html_to_text("&lt;p&gt;tab\tand\x0bvtab&lt;/p&gt;", unescape_first=True) == "tab and vtab"


def test_a_second_body_in_a_description_does_not_fail_the_posting() -> None:
    # lxml.html's fragment parser asserts on two <body> elements; the text survives
    markup = "<p>Intern</p></body><template>x</template><body><p>Paid</p>"
    assert html_to_text(markup).split() == ["Intern", "x", "Paid"]


def test_blocks_lists_and_spaces() -> None:
    markup = "<h2>About</h2><p>We  build\u00a0rockets.</p><ul><li><p>Python</p></li><li>SQL</li></ul>"
    assert html_to_text(markup) == "About\n\nWe build rockets.\n\n- Python\n- SQL"
    escaped = html.escape(markup)
    assert html_to_text(escaped, unescape_first=True) == html_to_text(markup)
