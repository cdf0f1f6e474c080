"""The hiring company of a feed or page entry: never the blog that wrote it, never a
heading word or site chrome, never a name running over two lines, never the feed's name.

:func:`entry_company` is what spiders/feed.py (and bench/bench_enrich.py for pages) use;
:func:`hiring_company` reads the entry; :func:`publisher` turns a feed's title into the
organisation behind it ("RStudio Blog" -> RStudio).
"""

from __future__ import annotations

import re

from spiders.classify import _F, _ROLE_TITLE, Label
from spiders.enrich.sections import heading_kind

_LABEL_WORDS = frozenset(
    {
        "join us", "newsletter", "roundup", "digest", "weekly", "this week",
        "internship", "internships", "job", "jobs", "hiring", "open call", "open position", "apply now",
        "now accepting applications", "internship opportunity", "founder's note", "founder’s note",
        "q&a", "news", "newsroom", "update", "career newsletter", "announcement", "podcast",
        "intern spotlight", "internship diaries", "internship stories", "ask the recruiter",
        "we're hiring", "we’re hiring", "opportunity", "reminder", "deadline", "position",
        "role", "vacancy", "career", "careers", "event", "webinar",
    }
)
_NAME = r"[A-Z][\w&.'’-]*(?:[ \t]+(?:&[ \t]+)?(?:[A-Z][\w&.'’-]*|of|de|the|and|for))*"
_AT_COMPANY = re.compile(rf"\b(?:at|@)\s+({_NAME})")
_DASH_COMPANY = re.compile(rf"\s[—–-]\s*({_NAME})\s*$")
_ABOUT = re.compile(rf"^\W*(?i:about)\s+({_NAME})\s*$", re.MULTILINE)
_COMPANY_LINE = re.compile(rf"^\W*(?:company|employer|organi[sz]ation|unternehmen)\s*:\s*({_NAME})", _F)
_IS_HIRING = re.compile(
    rf"(?:^|[.!?]\s+|[—–:-]\s+|\d\.\s+)(?:the\s+)?({_NAME})(?:\s+at\s+({_NAME}))?(?:'s|’s)?\s+(?:is|are)\s+(?:now\s+)?"
    rf"(?:hiring|offering|looking\s+for|seeking|recruiting|accepting|now\s+accepting)\b"
    rf"|(?:^|[.!?]\s+)(?:the\s+)?({_NAME})(?:\s+at\s+({_NAME}))?\s+seeks\b"
    rf"|\b(?:team|lab|group|department)\s+at\s+({_NAME})\s+(?:is|are)\s+(?:now\s+)?"
    rf"(?:hiring|offering|looking\s+for|seeking|recruiting)\b",
    re.MULTILINE,
)
_NOT_COMPANY = frozenset(
    {"we", "i", "our", "the", "this", "it", "he", "she", "they", "who", "you", "interns", "intern",
     "applications", "application", "pay", "location", "summer", "the successful candidate",
     "duration", "requirements", "what", "here", "hey", "hi", "big", "ok", "so", "little", "quick",
     "now", "looking", "remote", "hybrid", "there", "every", "your", "dein", "du", "from the careers desk"}
)
_BARE_ROLE = re.compile(r"^\W*(?:(?:summer|paid|student|research|graduate)\s+)?(?:intern|internship|"
                        r"co-?op|trainee|apprentice|placement)s?\W*$", re.IGNORECASE)
_GENERIC_START = re.compile(
    r"^(?:the\s+)?(?:summer|fall|spring|winter|paid|remote|software|data|product|research|marketing|"
    r"finance|legal|policy|editorial|hardware|backend|frontend|mechanical|communications|"
    r"sustainability|devrel|platform|museum|\d{4})\b",
    re.IGNORECASE,
)


def _clean(name: str | None) -> str | None:
    """``name`` as a company, or None when it is a label, a heading word or several lines."""
    if not name:
        return None
    name = name.strip(" .,:;!-—–'’\"")
    if not name or "\n" in name or name.lower() in _NOT_COMPANY or name.lower() in _LABEL_WORDS:
        return None
    if heading_kind(name) is not None or _CHROME.match(name):
        return None  # "Overview", "Job Description", "Benefits": a heading, not a company
    if len(name.split()) > 6:
        return None
    return name


def entry_company(kind: Label, title: str, text: str, configured: str | None,
                  feed_title: str | None) -> str:
    """The company of a feed or page entry; "" when nothing names one.

    A posting: the hiring company read from the entry, else the source's configured
    company, else the feed's publisher ("RStudio Blog" -> RStudio). An article: only a
    company the text says hires ("Company: X", "X is hiring"), else the source's configured
    company, else a one-word publisher (a personal blog "Chris Norris - Medium" is no
    company); a story's other names (authors, bylines, dates) are not companies.
    Never the feed's or the source's own name.
    """
    if kind == "article":
        return (hiring_company(title, text, configured, strict=True)
                or publisher(feed_title, single_word=True) or "")
    return hiring_company(title, text, configured) or publisher(feed_title) or ""


def hiring_company(title: str, text: str, default: str | None, *, strict: bool = False) -> str | None:
    """The company that hires, read from the entry; else `default` (the source's `company`).

    In order: a WeWorkRemotely-style title "Company: Role" (the part before the colon, unless
    it is a label such as "Internship:" or "Hiring:"), "About Company" / "Company: X" lines,
    "Company is hiring/offering/looking for ..." in the text, "Role at Company" or
    "Role — Company" in the title. A title-only name must be a proper name, not a role or a
    place in parentheses. ``strict`` (articles): only "Company: X" lines and "X is hiring"
    sentences, then `default`.
    """
    if strict:
        match = _COMPANY_LINE.search(text)
        if match and _clean(match.group(1)):
            return _clean(match.group(1))
        for match in _IS_HIRING.finditer(text):
            groups = match.groups()
            name = _clean(groups[1] or groups[0] or groups[3] or groups[2] or groups[4])
            if name and not _GENERIC_START.match(name):
                return name
        return default
    head, sep, _rest = title.partition(":")
    if sep and head.strip().lower() not in _LABEL_WORDS and _proper_name(head):
        name = _clean(head)
        if name and not _ROLE_TITLE.search(name) and not _GENERIC_START.match(name):
            return name
    for pattern in (_ABOUT, _COMPANY_LINE):
        match = pattern.search(text)
        if match and _clean(match.group(1)):
            return _clean(match.group(1))
    if above := _line_before_title(title, text):
        return above
    for match in _IS_HIRING.finditer(text):
        # "The Visual Computing Lab at ETH Zurich is offering": the institution hires
        groups = match.groups()
        name = _clean(groups[1] or groups[0] or groups[3] or groups[2] or groups[4])
        if name and not _GENERIC_START.match(name):
            return name
    for pattern in (_AT_COMPANY, _DASH_COMPANY):
        match = pattern.search(title)
        if match and pattern is _DASH_COMPANY and _BARE_ROLE.match(title[: match.start()]):
            continue
        if match:
            name = _clean(re.sub(r"\s*\(.*$", "", match.group(1)))
            if (name and not _ROLE_TITLE.search(name) and not _GENERIC_START.match(name)
                    and not _is_place(name) and not _named_as_place(name, text)):
                return name
    return default


_CHROME = re.compile(
    r"^(?:logo|home|menu|search|sign\s+in|log\s+in|apply(?:\s+now)?|share|back|next|previous|"
    r"job\s+(?:details|description|posting)|career\s+opportunities|open\s+positions|"
    r"(?:full|part)[- ]time|internship|intern|contract|permanent|temporary)$",
    re.IGNORECASE,
)
_FEED_WORDS = re.compile(
    r"[\s:|–—-]*\b(?:official\s+)?(?:engineering\s+|tech\s+|careers?\s+|product\s+|company\s+)?"
    r"(?:blog|news(?:room)?|newsletter|updates|stories|journal|magazine|podcast|feed|rss|posts|"
    r"medium|substack|blogspot|wordpress|tumblr)\b"
    r"[\s:|–—-]*",
    re.IGNORECASE,
)


def publisher(feed_title: str | None, *, single_word: bool = False) -> str | None:
    """The organisation a feed belongs to, from its title: "RStudio Blog" -> "RStudio".

    None when the title is only feed words or not a proper name ("Internship News",
    "The Weekly Digest"): the feed's own name is never taken for a company.
    """
    if not feed_title:
        return None
    name = _FEED_WORDS.sub(" ", feed_title).strip(" .,:;|–—-&")
    name = re.sub(r"\s+(?:engineering|tech|technology|careers?|&|and)$", "", name,
                  flags=re.IGNORECASE).strip(" .,:;|–—-&")
    if not name or name == feed_title.strip() or not _proper_name(name):
        return None
    if single_word and " " in name:
        return None
    return _clean(name)


def _line_before_title(title: str, text: str) -> str | None:
    """A careers page's company line just above the job's title line ("Housing and
    Development Board" / "Intern - Automated Repairs ..."), within the page's first lines."""
    want = " ".join(title.split()).casefold()[:60]
    if len(want) < 8:
        return None
    lines = text[:4000].split("\n")[:40]
    for index, line in enumerate(lines):
        if not " ".join(line.split()).casefold().startswith(want):
            continue
        before = [x.strip() for x in lines[max(0, index - 4):index] if x.strip()]
        for candidate in reversed(before[-2:]):
            if _proper_name(candidate) and not _ROLE_TITLE.search(candidate):
                name = _clean(candidate)
                if name and not _GENERIC_START.match(name) and not _is_place(name):
                    return name
        return None
    return None


def _proper_name(text: str) -> bool:
    """1-4 words, each capitalised or a joiner ("&", "of"), no issue numbers: "Acme Robotics"."""
    words = text.split()
    if not 1 <= len(words) <= 4 or "#" in text:
        return False
    joiners = {"&", "and", "of", "de", "the", "for"}
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in joiners for w in words)


def _named_as_place(name: str, text: str) -> bool:
    """The text gives `name` as the job's place: "Location: München", "Standort: München"."""
    label = r"(?:location|standort|where|ort|lieu|based\s+in|office\s+in)\s*:?\s*"
    return re.search(label + re.escape(name), text, re.IGNORECASE) is not None


def _is_place(name: str) -> bool:
    """A city, region or country (the "— Toronto" at the end of a title is where, not who)."""
    from spiders.enrich.places import parse_location

    return bool(parse_location(name))
