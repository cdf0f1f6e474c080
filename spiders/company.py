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
        "role", "vacancy", "career", "careers", "event", "webinar", "call for applications",
    }
)
_NAME = r"[A-Z][\w&.'’-]*(?:[ \t]+(?:&[ \t]+)?(?:[A-Z][\w&.'’-]*|of|de|the|and|for))*"
_AT_COMPANY = re.compile(rf"\b(?:at|@)\s+({_NAME})")
_DASH_COMPANY = re.compile(rf"\s[—–-]\s*({_NAME})\s*$")
_ABOUT = re.compile(rf"^\W*(?i:about)\s+({_NAME})\s*$", re.MULTILINE)
_COMPANY_LINE = re.compile(rf"^\W*(?:company|employer|organi[sz]ation|unternehmen)\s*:\s*({_NAME})", _F)
_IS_HIRING = re.compile(
    rf"(?:^|[.!?]\s+|[—–:-]\s+|\d\.\s+)(?:the\s+)?({_NAME})(?:\s+at\s+({_NAME}))?(?:'s|’s)?\s+(?:is|are)\s+(?:now\s+)?"
    rf"(?:hiring|offering|looking\s+for|seeking|recruiting|accepting|now\s+accepting|op\s+zoek\s+naar)\b"
    rf"|(?:^|[.!?]\s+)(?:the\s+)?({_NAME})(?:\s+at\s+({_NAME}))?\s+(?:seeks|sucht|zoekt)\b"
    rf"|\b(?:team|lab|group|department)\s+at\s+({_NAME})\s+(?:is|are)\s+(?:now\s+)?"
    rf"(?:hiring|offering|looking\s+for|seeking|recruiting)\b",
    re.MULTILINE,
)
# A news or careers title that announces an opening: "Google invites applications for ...
# Internship", "Ministry of Women and Child Development (MWCD), India announces internship ...",
# "Virtue APAC launches paid internship program".
_ANNOUNCES = re.compile(
    rf"^(?:the\s+)?({_NAME})(?:\s*\([^)]{{1,20}}\))?(?:,\s*[A-Z][a-z]+)?\s+"
    rf"(?i:(?:invites?\s+applications?|announces|launch(?:es|ed)|opens\s+applications|offers|"
    rf"is\s+offering)\b[^\n]{{0,80}}?\b(?:internships?|interns?|traineeships?|apprenticeships?)\b)"
)
# "Join the Ministry of Digital Development and Information (MDDI) as an Intern"
_JOIN_AS = re.compile(rf"\b(?i:join\s+(?:the\s+)?)({_NAME})(?:\s*\([^)]{{1,20}}\))?\s+as\s+an?\b")
# A careers page's opening: "Temasek is a global investment company headquartered in ..."
_IS_A_COMPANY = re.compile(
    rf"(?:^|\n)({_NAME})\s+is\s+(?:a|an|the)\s+[^.\n]{{0,60}}?\b(?:company|firm|organi[sz]ation|"
    rf"agency|authority|startup|start-up|bank|group|institute|consultancy|studio|council|"
    rf"ministry|statutory\s+board|non-?profit|charity|foundation|ngo|news\s+outlet|newspaper|"
    rf"magazine|publisher|university|school|college|institution)\b"
)
# The employment-type line a careers page puts under the title and the employer's line.
_TYPE_LINE = re.compile(r"^\W*(?:internship|traineeship|full[- ]time|part[- ]time|contract|"
                        r"temporary|permanent|closing\s+on\b.*)\W*$", re.IGNORECASE)
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
    if below := _line_after_title(title, text):
        return below
    for source, pattern in ((title, _ANNOUNCES), (text[:3000], _JOIN_AS),
                            (text[:3000], _IS_A_COMPANY)):
        match = pattern.search(source)
        name = _clean(_REGION_SUFFIX.sub("", match.group(1))) if match else None
        if name and not _GENERIC_START.match(name) and not _ROLE_TITLE.search(name):
            return name
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


_TAGS = re.compile(r"[a-z][A-Z].*[a-z][A-Z]")  # "MarketingFeaturedAPAC": a page's tags run together
_REGION_SUFFIX = re.compile(r"\s+(?:APAC|EMEA|LATAM|ANZ|Asia\s+Pacific)$")


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
            if (_proper_name(candidate) and not _ROLE_TITLE.search(candidate)
                    and not _TAGS.search(candidate)):
                name = _clean(candidate)
                if name and not _GENERIC_START.match(name) and not _is_place(name):
                    return name
        return None
    return None


def _line_after_title(title: str, text: str) -> str | None:
    """A careers page's employer line just under the job's title line, when the line after
    it is the employment type ("Public Service Division" / "Internship" / "Closing on ...")."""
    want = " ".join(title.split()).casefold()[:60]
    if len(want) < 8:
        return None
    lines = [x.strip() for x in text[:3000].split("\n")[:20] if x.strip()]
    for index, line in enumerate(lines[:-2]):
        if " ".join(line.split()).casefold().startswith(want) and _TYPE_LINE.match(lines[index + 2]):
            candidate = lines[index + 1]
            if _proper_name(candidate) and not _ROLE_TITLE.search(candidate):
                return _clean(candidate)
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


# -- a source's company value, tidied -----------------------------------------------------------

# Workday's legal-entity labels: "0090 CORP-Corporate Office", "IL00 Mellanox"
_ENTITY_CODE = re.compile(r"^\s*[A-Z]{0,4}\d{2,5}[A-Z]?\b[\s:–-]*(?:[A-Z]{2,6}\s*-\s*)?")
_LICENCE = re.compile(r"\s*[-–,|(]?\s*\b(?:(?:EA\s+)?licen[cs]e\s+no|reg(?:istration)?\.?\s+no|uen)\b.*$",
                      re.IGNORECASE)
_GENERIC_ENTITY = re.compile(r"^(?:corporate(?:\s+office)?|head(?:quarters|\s+office)|hq|main\s+office|"
                             r"company|employer|confidential|undisclosed)$", re.IGNORECASE)
# a board's own name after the company: "Klaviyo Campus", "Acme Careers", "Acme Early Careers"
_BOARD_SUFFIX = re.compile(r"\s+(?:campus|careers|jobs|early\s+careers|university\s+(?:recruiting|"
                           r"programs?)|students|internships)$", re.IGNORECASE)
# job sites that re-list other companies' openings: the company is the one they list it for
_AGGREGATORS = frozenset({"lensa", "jooble", "talent.com", "adzuna", "indeed", "glassdoor",
                          "ziprecruiter", "linkedin", "dice", "careerbuilder", "monster",
                          "simplyhired", "jobget", "snagajob"})
_FOR_CLIENT = re.compile(rf"\b(?i:this\s+job|job|role|position|opening|on\s+behalf\s+of)\s+"
                         rf"(?i:for|at|with)\s+({_NAME})")
_AT_NAME = re.compile(rf"(?:^|\n|[.!?]\s+)At\s+({_NAME}),")


def company_name(company: str, title: str, text: str) -> str:
    """The hiring company from a source's company value, tidied; "" when it names none.

    A value over several lines keeps its one line that is a name ("Overview\\nTikTok");
    licence and registration numbers go ("Talent Trader Group EA Licence No 13C6305"); a
    legal-entity code goes ("IL00 Mellanox") and a bare entity label ("0090 CORP-Corporate
    Office") gives way to the company the text names ("At Northrop Grumman, ..."); a board's
    own suffix goes ("Klaviyo Campus"); a job site that re-lists openings (Lensa, Indeed)
    gives way to the company it lists the opening for, else "".
    """
    name = company.strip()
    if "\n" in name:
        name = next((c for c in (_clean(x) for x in name.split("\n")) if c), "")
    name = _LICENCE.sub("", name).strip(" -–,|(")
    coded = _ENTITY_CODE.match(name)
    if coded and coded.end() < len(name):
        name = name[coded.end():].strip()
        if _GENERIC_ENTITY.match(name):
            match = _AT_NAME.search(text[:3000]) or _ABOUT.search(text)
            name = (_clean(re.split(r"\.\s", match.group(1))[0]) or "") if match else ""
    if name.casefold() in _AGGREGATORS:
        match = _FOR_CLIENT.search(text[:3000])
        name = (_clean(re.split(r"\.\s", match.group(1))[0]) or "") if match else ""
    return _BOARD_SUFFIX.sub("", name)


_SEGMENT = re.compile(r"\s+[-–|]\s+")


def title_without_company(title: str, company: str) -> str:
    """``title`` without the company that a job site glues to it: a last segment that is the
    company ("Remote Web Developer (Fully Remote) - X4 Technology") or a first segment that
    starts with it ("Amazon Robotics - Program Manager (PM) Summer Intern - 2025"). The
    title stays as it is when what would be left is a single word."""
    key = _company_key(company)
    if not key or not _SEGMENT.search(title):
        return title
    parts = _SEGMENT.split(title)
    if _company_key(parts[-1]) == key:
        rest = title[: title.rstrip().rfind(parts[-1])].rstrip(" -–|")
    elif ((_company_key(parts[0]) + " ").startswith(key + " ")
          and len(parts[0].split()) <= len(key.split()) + 2 and not _ROLE_TITLE.search(parts[0])
          and not any(ch.isdigit() or ch == ":" for ch in parts[0])):
        rest = title[title.find(parts[1], len(parts[0])):]
    else:
        return title
    return rest.strip() if len(rest.split()) >= 2 else title


def _company_key(name: str) -> str:
    """Folded words of a company name without a legal or web suffix ("Amazon.com" -> "amazon")."""
    key = " ".join(re.sub(r"[^\w]+", " ", name.casefold()).split())
    return re.sub(r"(?: (?:com|inc|llc|ltd|corp|corporation|co|gmbh|plc|ag|bv))+$", "", key)
