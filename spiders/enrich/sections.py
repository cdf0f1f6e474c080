"""A description split into its sections, so each field is read where a posting states it.

Real postings wrap the job in text that is about something else: "About Acme" (offices in
ten cities), benefits, equal-opportunity and pay-transparency law ("remote jobs performed
in California"), intern testimonials ("Fall 2023 intern"), interview steps ("2 weeks to
complete the assignment"), and application-form questions ("Is Sponsorship Available?").
Read naively, each of these sets a field wrongly.

:func:`split_sections` gives each line a section kind, from the last heading above it:

- a heading is a short line (at most 9 words, no sentence end) that names a section:
  "Responsibilities", "What you'll do:", "## Qualifications", "About Acme", "Pay
  transparency", "What our interns say", "How to apply"; any other short line stays in
  the section it is in (a benefits list is made of short lines too);
- a line is ``legal`` whatever its section when it reads like boilerplate law
  ("equal opportunity employer", "without regard to race", "reasonable accommodation",
  "pay transparency", "E-Verify", "jobs that can be performed in Colorado");
- a line is a ``testimonial`` when it quotes someone ("“I loved ...” — Ana, Summer 2023
  intern") or names a past intern cohort;
- an "about the company" or "benefits" section ends at the first line that speaks about
  the job again ("In this role you will", "As an intern", "We are looking for"); any
  boilerplate section ends at a field label of the page ("VISA Sponsorship:" / "No").

:func:`readable` joins the lines of the kinds a field may read, without question lines
("Will you require sponsorship?") and the short answer after them: a form label is not a
statement. Texts longer than :data:`MAX_CHARS` are cut there first (bad input is bounded).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from spiders.enrich.text import fast_regex, find_keys, lowered

Kind = Literal["job", "duties", "qualifications", "location", "pay", "benefits", "about", "legal",
               "testimonial", "apply"]

#: characters of a description that are read at all (a real posting is < 20 000)
MAX_CHARS = 40_000

#: kinds whose text never sets a field but pay (see :data:`PAY_DROP`)
BOILERPLATE: frozenset[Kind] = frozenset({"about", "legal", "testimonial"})
#: pay ranges do live in pay-transparency (legal) text
PAY_DROP: frozenset[Kind] = frozenset({"about", "testimonial"})

_HEADING_PATTERNS: tuple[tuple[Kind, str], ...] = (
        ("testimonial", r"testimonials?|what\s+(?:our|past|former)\s+(?:interns?|students?|alumni)"
                        r"\s+(?:say|said|think)|hear\s+from\s+(?:our|past|former)|"
                        r"(?:intern|alumni)\s+(?:stories|spotlights?|voices)|meet\s+(?:our|the|some)\s+"
                        r"(?:past\s+|former\s+)?interns|(?:past|previous|former)\s+(?:intern\s+)?"
                        r"(?:projects|interns|cohorts?)|in\s+their\s+(?:own\s+)?words"),
        ("legal", r"(?:[\w&'’]+\s+){0,2}(?:equal\s+(?:employment\s+)?opportunit\w*|eeo\b|e-verify|"
                  r"diversity|inclusion|"
                  r"accommodations?\b|privacy|legal|disclaimer|pay\s+transparency|"
                  r"(?:u\.?s\.?\s+)?export\s+control|fair\s+chance|know\s+your\s+rights|"
                  r"notice\s+(?:to|for)\s+(?:applicants|candidates|recruit)|data\s+protection|"
                  r"recruitment\s+fraud|beware\s+of|background\s+checks?|affirmative\s+action|"
                  r"(?:our\s+)?commitment\s+to)[\w&'’,()\s-]{0,60}"),
        ("apply", r"(?:how\s+to|to)\s+apply|application\s+(?:process|instructions)|"
                  r"(?:the\s+|our\s+)?(?:interview|hiring|recruit\w*|selection)\s+(?:process|steps)|"
                  r"next\s+steps|what\s+(?:happens\s+)?next|the\s+process|timeline"),
        ("pay", r"(?:base\s+|annual\s+|hourly\s+)?(?:compensation|pay|salary|stipend|remuneration|"
                r"wage)(?:\s+(?:range|rate|and\s+benefits|&\s+benefits|information|details))?|"
                r"(?:the\s+)?(?:salary|pay)\s+range\s+for\s+this\s+role"),
        ("benefits", r"(?:our\s+|your\s+|the\s+)?(?:benefits|perks)(?:\s+\w+){0,3}|"
                     r"what\s+we\s+offer(?:\s+you)?|why\s+(?:join|work\s+(?:at|with|for))\b.*|"
                     r"why\s+you(?:'ll|’ll|\s+will)\s+love.*|what(?:'s|’s|\s+is)\s+in\s+it\s+for\s+you|"
                     r"we\s+offer|life\s+at\b.*|working\s+at\b.*|"
                     r"what\s+you(?:'ll|’ll|\s+will)\s+(?:get|gain)(?:\s+out\s+of\s+(?:this|the)\s+"
                     r"internship)?"),
        ("about", r"about\s+(?!(?:the|this|our)\s+(?:role|job|position|internship|program\w*|"
                  r"opportunity|team|project|work)\b|you\b)[\w&.'’ -]{1,40}|who\s+we\s+are|"
                  r"our\s+(?:mission|story|company|culture|values)|company\s+(?:overview|description|"
                  r"profile)|the\s+company|overview\s+of\s+(?:the\s+)?company"),
        ("qualifications", r"(?:minimum|basic|preferred|required|desired|key|additional)?\s*"
                           r"(?:qualifications|requirements|skills(?:\s+(?:and|&)\s+"
                           r"(?:experience|qualifications|requirements))?)|"
                           r"what\s+you(?:'ll|’ll|\s+will)?\s+(?:need|bring)|who\s+you\s+are|"
                           r"about\s+you|what\s+we(?:'re|’re|\s+are)\s+looking\s+for|"
                           r"(?:your\s+)?profile|eligibility|nice\s+to\s+haves?|bonus\s+points|"
                           r"you\s+(?:have|are|might\s+be)|ideal\s+candidate|experience|"
                           r"who\s+(?:should|can)\s+apply"),
        ("location", r"(?:work\s+|job\s+|office\s+)?locations?|where(?:\s+you(?:'ll|’ll|\s+will)"
                     r"\s+work)?|workplace(?:\s+type)?|work\s+(?:arrangement|mode|model)"),
        ("duties", r"(?:key\s+|main\s+|your\s+)?(?:responsibilities|duties|tasks)|"
                   r"what\s+you(?:'ll|’ll|\s+will|\s+would)\s+(?:be\s+)?(?:do|doing|work\s+on)|"
                   r"(?:about\s+)?(?:the|this|your)\s+(?:role|job|position|internship|opportunity|"
                   r"team|project)(?:\s+(?:programm?e?|program|summary|overview|description|details))?|"
                   r"(?:primary|core|main|key)\s+(?:responsibilities|duties|tasks)|role\s+summary|job\s+(?:description|summary|overview)|position\s+(?:summary|"
                   r"overview|description)|role\s+(?:overview|description|summary)|overview|"
                   r"in\s+this\s+role|day[- ]to[- ]day|your\s+impact|description"),
)
# Words a heading of :data:`_HEADING_PATTERNS` can start with (a legal heading may start
# with any two words, so those are found by :data:`_LEGAL_HEADING_KEYS` instead).
_FIRST_WORDS = frozenset((
    "testimonials", "testimonial", "what", "hear", "intern", "alumni", "meet", "past", "previous",
    "former", "in", "how", "to", "application", "the", "our", "interview", "hiring", "recruiting",
    "recruitment", "selection", "next", "base", "annual", "hourly", "compensation", "pay",
    "salary", "stipend", "remuneration", "wage", "your", "benefits", "perks", "why", "we",
    "life", "working", "about", "who", "company", "overview", "minimum", "basic", "preferred",
    "required", "desired", "key", "additional", "qualifications", "requirements", "skills",
    "eligibility", "profile", "nice", "bonus", "you", "ideal", "experience", "work", "job",
    "office", "location", "locations", "where", "workplace", "main", "responsibilities",
    "duties", "tasks", "this", "position", "role", "day", "day-to-day", "description",
    "primary", "core", "timeline", "role", "skills", "ideal",
))
_LEGAL_HEADING_KEYS = ("opportunit", "eeo", "verify", "divers", "inclus", "accommodat", "privacy",
                       "legal", "disclaim", "transparen", "export", "fair chance", "rights",
                       "notice", "protection", "fraud", "beware", "background", "affirmative",
                       "commitment")
# One pattern, one named group per kind (first listed wins): a heading costs one match.
_HEADINGS = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _HEADING_PATTERNS),
                       re.IGNORECASE)
# The first argument of fast_regex: the characters the pattern's alternatives start with.
_LEGAL_LINE = fast_regex(
    "aefijlprsw",
    r"equal\s+(?:employment\s+)?opportunit|without\s+regard\s+to|regardless\s+of\s+(?:race|age|"
    r"gender|sex)|race,\s+(?:colou?r|religion|creed)|reasonable\s+accommodation|pay\s+transparency|"
    r"e-verify|affirmative\s+action|protected\s+veteran|fair\s+chance|arrest\s+(?:and|or)\s+"
    r"conviction|(?:jobs|roles|positions)\s+(?:that\s+(?:can|could|will)\s+be\s+)?performed\s+in\s+"
    r"(?:california|colorado|new\s+york|washington)|applicable\s+(?:state\s+|local\s+)?(?:law|"
    r"legislation)|(?:state|local)\s+(?:pay|salary)\s+transparency|in\s+accordance\s+with\s+"
    r"(?:the\s+)?(?:law|applicable)|privacy\s+(?:notice|policy)|recruitment\s+(?:fraud|scam)",
    re.IGNORECASE,
)
_LEGAL_KEYS = ("opportunit", "regard", "regardless", "race,", "accommodation", "transparency",
               "verify", "affirmative", "veteran", "fair chance", "conviction", "performed in",
               "applicable", "accordance", "privacy", "fraud", "scam")
# Words one of which a line that speaks about the job again holds (before _JOB_AGAIN runs).
_JOB_WORDS = ("in this", "as a", "looking for", "seeking", "hiring", "you will", "you'll",
              "you’ll", "the intern", "the role", "the position", "internship", "co-op")
_INTERN_KEYS = ("intern", "cohort")
_SECTION_KEYS = tuple(dict.fromkeys(_LEGAL_KEYS + _LEGAL_HEADING_KEYS + _INTERN_KEYS + _JOB_WORDS))
_TESTIMONIAL_LINE = fast_regex(
    "\\s\"“„«—–\\-12afipsw",
    r"^\s*[\"“„«][^\"”»]{40,}|^\s*(?:[—–]|--)\s*[A-Z][\w.'’ -]{1,40},|"
    r"\b(?:former|past|previous)\s+(?:\w+\s+)?interns?\b|\b(?:19|20)\d\d\s+(?:\w+\s+)?intern\b(?!ship)|"
    r"\b(?:spring|summer|fall|autumn|winter)\s+(?:19|20)\d\d\s+(?:\w+\s+)?(?:intern|cohort)\b(?!ship)|"
    r"\bintern\s*(?:,|\(|-|–|—)\s*(?:spring|summer|fall|autumn|winter)\s+(?:19|20)\d\d",
    re.IGNORECASE,
)
# A line that speaks about the job again after "About us" or "Benefits".
_JOB_AGAIN = fast_regex(
    "aiotwy",
    r"\b(?:in\s+this\s+(?:[\w-]+\s+){0,2}?(?:role|position|internship)|as\s+an?\s+(?:\w+\s+){0,3}?(?:intern|co-?op)\b|"
    r"(?:we(?:'re|’re|\s+are)|is|are)\s+(?:currently\s+)?(?:looking\s+for|seeking|hiring)|"
    r"you\s+will\s+(?!(?:also\s+)?(?:receive|get|enjoy|have\s+access|be\s+eligible))|"
    r"you(?:'ll|’ll)\s+(?!(?:also\s+)?(?:receive|get|enjoy|have\s+access|be\s+eligible))|"
    r"the\s+(?:intern|internship|role|position)\s+(?:will|is|offers)|"
    r"(?:this|our)\s+(?:\d+[- ]week\s+|summer\s+|paid\s+)?internship)",
    re.IGNORECASE,
)
_QUESTION_ANSWER = re.compile(r"^\W*(?:yes|no|n/?a|none|true|false|select\.*|-+)\W*$", re.I)




def _maybe_testimonial(stripped: str, low: str | None) -> bool:
    """Cheap pre-check for :data:`_TESTIMONIAL_LINE`: a quote or dash first, or an intern
    word with a year or "former/past/previous" on the line (``low``: the lowered line when
    it holds "intern" or "cohort", else None)."""
    if stripped[0] in _QUOTES or stripped.startswith("--"):
        return True
    if low is None:
        return False
    return "20" in low or "19" in low or "former" in low or "past" in low or "previous" in low


_QUOTES = "\"“„«—–"


@dataclass(frozen=True)
class Line:
    kind: Kind
    text: str


_ROLE_WORDS = re.compile(r"\b(?:intern|internship|engineer|engineering|analyst|counsel|associate|"
                         r"developer|manager|specialist|assistant|researcher|scientist|co-?op)s?\b",
                         re.IGNORECASE)
_STRIP = " \t#*_>•·-–—|:"
_LEAD = re.compile(r"^[\W_]+")  # bullets, markdown and emoji before a heading: "💻 Duties"


def heading_kind(line: str, legal_word: bool | None = None) -> Kind | None:
    """The section a heading line opens, or None when the line is not a known heading.

    ``legal_word``: whether the line holds one of :data:`_LEGAL_HEADING_KEYS`, when the
    caller already knows (it found them in the whole text at once).
    """
    if len(line) > 90:
        return None
    bare = line.lstrip(_STRIP)
    if bare and not bare[0].isalnum():
        bare = _LEAD.sub("", bare)
    bare = bare.strip(_STRIP).rstrip(".")
    if not bare or bare.count(" ") > 8 or ". " in bare or bare[-1] in "!?;,":
        return None
    first = bare.split(" ", 1)[0].lower().rstrip(":")
    if first not in _FIRST_WORDS:
        if legal_word is None:
            low = bare.lower()
            legal_word = any(key in low for key in _LEGAL_HEADING_KEYS)
        if not legal_word:
            return None  # the cheap test: ~1 µs instead of the full pattern's ~10
    m = _HEADINGS.fullmatch(bare)
    if m is None:
        return None
    if m.lastgroup in ("legal", "about") and _ROLE_WORDS.search(bare):
        return None  # the job's own title repeated: "Privacy Engineering Intern", "Legal Intern"
    return m.lastgroup  # type: ignore[return-value]


#: heading_kind of a line already seen: the same headings recur across a board's postings
_heading = lru_cache(maxsize=4096)(heading_kind)


def _legal_lines(lines: list[str], found: dict[str, list[int]], starts: list[int]) -> set[int]:
    """Indexes of the lines holding a legal cue: the lines where a cue's key occurs (``found``:
    the keys' offsets in the lowered text, from one Aho-Corasick pass) that the full pattern
    then confirms."""
    legal: set[int] = set()
    for key in _LEGAL_KEYS:
        for at in found.get(key, ()):
            index = bisect_right(starts, at) - 1
            if index not in legal:
                # the pattern runs on the key's neighbourhood only, not the whole line
                line_start = starts[index]
                lo = max(0, at - line_start - 70)
                if _LEGAL_LINE.search(lines[index], lo, at - line_start + 90):
                    legal.add(index)
    return legal


_LABEL, _QUESTION, _ANSWER, _VALUE = 1, 2, 4, 8
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")


@lru_cache(maxsize=8)
def _kinds(text: str) -> tuple[list[str], list[Kind], list[int]]:
    """The lines of ``text``, the kind of each (see module doc) and its marks (a field
    label, a question, a form answer, a short value), computed once for every reader."""
    lines = text.split("\n")
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    # every key at once, in the one pass over the text that the fields' keys share
    found = find_keys(text, _SECTION_KEYS)

    def lines_of(keys: tuple[str, ...]) -> set[int]:
        return {bisect_right(starts, at) - 1 for key in keys for at in found.get(key, ())}

    legal = _legal_lines(lines, found, starts)
    legal_words = lines_of(_LEGAL_HEADING_KEYS)
    job_words = lines_of(_JOB_WORDS)
    intern_words = lines_of(_INTERN_KEYS)
    low = lowered(text) if intern_words else ""
    current: Kind = "job"
    kinds: list[Kind] = []
    marks: list[int] = []
    append = kinds.append
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            append(current)
            marks.append(0)
            continue
        mark = 0
        if stripped[-1] == ":" and _is_label(line):
            mark |= _LABEL
        elif stripped[-1] == "?" and not _SENTENCE_BREAK.search(stripped, 0, len(stripped) - 1):
            mark |= _QUESTION  # a paragraph that only ends with a question is not a form label
        elif len(stripped) <= 40:
            mark |= _VALUE
            if _QUESTION_ANSWER.match(stripped):
                mark |= _ANSWER
        marks.append(mark)
        if len(line) <= 90 and stripped[-1] not in ".!?;,)":
            kind = _heading(line, index in legal_words)
            if kind is not None:
                current = kind
                append(kind)
                continue
        if current in ("about", "benefits") and index in job_words and _JOB_AGAIN.search(line):
            current = "job"
        elif current in BOILERPLATE and index not in legal and mark & _LABEL:
            current = "job"  # the page's own fields after the legal text: "VISA Sponsorship:"
        if index in legal:
            append("legal")
        elif current != "legal" and _maybe_testimonial(
                stripped, low[starts[index]:starts[index] + len(line)]
                if index in intern_words else None) and (
                _TESTIMONIAL_LINE.search(line)):
            append("testimonial")
        else:
            append(current)
    return lines, kinds, marks


def split_sections(text: str) -> tuple[Line, ...]:
    """Every line of ``text`` (cut at :data:`MAX_CHARS`) with the kind of section it is in."""
    lines, kinds, _ = _kinds(text[:MAX_CHARS])
    return tuple(Line(k, t) for k, t in zip(kinds, lines, strict=True))


def _is_label(line: str) -> bool:
    """A form-like field label alone on its line: "VISA Sponsorship:", "Job Posting End Date:"."""
    return line.endswith(":") and len(line) <= 60 and not line.lstrip().startswith(("-", "•", "*"))


@lru_cache(maxsize=32)
def readable(text: str, drop: frozenset[Kind] = BOILERPLATE) -> str:
    """``text`` without the lines of the ``drop`` kinds and without question lines; a field
    label alone on its line is joined with its value below ("VISA Sponsorship:" / "No").

    ``text`` itself (the same object) when nothing is left out, so the key positions found
    in it (spiders/enrich/text.windows) are shared with the fields that read it whole.
    """
    lines, kinds, marks = _kinds(text[:MAX_CHARS])
    keep: list[str] = []
    after_question = False
    last_label = False
    dropped = len(text) > MAX_CHARS
    for line, kind, mark in zip(lines, kinds, marks, strict=True):
        if last_label and mark & _VALUE and kind not in drop:
            # a field label and its value on the next line: "VISA Sponsorship:" / "No"
            keep[-1] = f"{keep[-1]} {line.strip()}"
            dropped = True
            last_label = False
            continue
        if after_question and mark & _ANSWER:
            dropped = True
            after_question = False
            continue
        after_question = last_label = False
        if mark & _QUESTION:
            after_question = dropped = True
            continue
        if kind in drop:
            dropped = True
            continue
        keep.append(line)
        last_label = bool(mark & _LABEL)
    return "\n".join(keep) if dropped else text
