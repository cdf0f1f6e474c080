"""Is a blog or newsletter entry a posting (an opening someone can apply to) or an article?

A posting offers a role: it says who is hiring, what the person will do, what they need,
where, for how long, for what pay and how to apply. An article talks *about* internships: an
intern's story, an interview, advice, a newsroom piece about a company's interns, a market
report. Articles often say "Internship" in the title and end with "applications are open
now"; that alone does not make them postings.

The decision is a sum of transparent weighted cues (:func:`cues` lists every cue that fired
with its weight, for debugging and for the bench). Precision of "posting" comes first: an
article filed as a posting would alert students to something they cannot apply to, while a
posting filed as an article is still stored and searchable. So an entry is a posting only
when (1) the score reaches :data:`THRESHOLD` and (2) it has at least one cue that *offers*
a role (a hiring statement, a requirements or duties section) and at least one concrete
term (pay, place, duration, dates, how to apply).

:func:`spiders.company.hiring_company` finds the company that hires, not the blog that
wrote the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Label = Literal["posting", "article"]

#: score at or above which an entry (that also offers a role with concrete terms) is a posting
THRESHOLD = 4.0

_F = re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class Cue:
    """One fired cue: its name, weight and group ("offer", "terms", "article", "title")."""

    name: str
    weight: float
    group: str


# -- posting cues: a role is offered ----------------------------------------------------------

_HIRING = re.compile(
    r"\b(?:we(?:'re|’re| are)|i(?:'m|’m| am)|is|are|(?:is|are) now)\s+(?:now\s+|currently\s+|also\s+)?"
    r"(?:hiring|looking\s+for|seeking|searching\s+for|recruiting|taking|opening)\b(?!\s+(?:interns?\s+)?"
    r"(?:for\s+summer\s+\d{4}\s*[—–-]+\s*see|back|forward))"
    r"|\b(?:is|are)\s+offering\b|\bseeks\s+(?:an?|two|three|\d+)\b"
    r"|\bnow\s+accepting\s+applications\b|\bnow\s+open\s+for\s+applications\b"
    r"|\bwe\s+need\s+(?:an?(?:other)?|two)\b|\b(?:is|are)\s+now\s+accepting\b"
    r"|\bhas\s+(?:space|room|a\s+place|an\s+opening)\s+for\b"
    r"|\bwe(?:'d|’d|\s+would)\s+love\s+to\s+have\s+an?\s+\w*\s*intern\b"
    r"|\b(?:roles?|positions?|openings?)\s+open\s+right\s+now\b|\bhave\s+(?:two|three|\d+)\s+roles\s+open\b"
    r"|\bwir\s+suchen\b|\bsuchen\s+wir\b|\bnous\s+recherchons\b|\bbuscamos\b|\bcerchiamo\b"
    r"|\bwij\s+zoeken\b|\bzijn\s+(?:wij\s+)?op\s+zoek\s+naar\b|\bnous\s+cherchons\b",
    _F,
)
_REQUIREMENTS = re.compile(
    r"^\W*(?:(?:job|position|candidate|key)\s+)?(?:requirements|required\s+skills|skills\s*(?:&|and)\s*(?:qualifications|requirements)|(?:minimum|preferred|basic)\s+qualifications|"
    r"qualifications|what\s+you(?:'ll|’ll| will)\s+need|what\s+we\s+need|"
    r"what\s+we(?:'d|’d| would)\s+love\s+to\s+see|what\s+we(?:'re|’re| are)\s+looking\s+for|"
    r"you\s+have|who\s+should\s+apply|who\s+can\s+apply|(?:dein|ihr|your)\s+profile?|profile|"
    r"you\s+might\s+be\s+a\s+good\s+fit|preferred|nice\s+to\s+have|"
    r"who\s+we(?:'re|’re|\s+are)\s+looking\s+for|anforderungen|qualifikationen|"
    r"das\s+bringst\s+du\s+mit|was\s+du\s+mitbringst|das\s+wünschen\s+wir\s+uns|dein\s+skillset|"
    r"profil\s+recherché|votre\s+profil|requisitos|requisiti|wie\s+ben\s+jij|wat\s+(?:verwachten|vragen)"
    r"\s+wij|functie-?eisen|jouw\s+profiel|profiel)\b"
    r"|\bcandidates?\s+should\b|\bthe\s+successful\s+candidate\b|\byou\s+should\s+be\b"
    r"|\byou\s+(?:are|'re|’re)\s+(?:enrolled|studying|a\s+student|currently)\b"
    r"|\b(?:pursuing|enrolled\s+in)\s+an?\s+(?:bs|ms|ba|bachelor|master|degree|co-?op)"
    r"|\bmust\s+be\s+(?:authori[sz]ed|enrolled|a\s+student|eligible)"
    r"|\byou(?:'ll|’ll| will)\s+need\s+to\s+be\b|\bwe(?:'d|’d| would)\s+like\s+you\s+to\s+(?:be|know|have)\b"
    r"|\bideally,?\s+you(?:'re|’re|\s+are|\s+have)\b|\byou\s+should\s+(?:know|have|be)\b",
    _F,
)
_DUTIES = re.compile(
    # "The Change Management Lead is responsible for": a role described in the third person
    r"\b(?:the|this)\s+(?:[\w-]+\s+){0,5}?(?:is|will\s+be)\s+responsible\s+for\b|"
    r"^\W*(?:(?:primary|key|main|core|your)\s+)?(?:responsibilities|what\s+you(?:'ll|’ll|\s+will|'d|’d|\s+would)\s+(?:be\s+)?do(?:ing)?|"
    r"the\s+role|your\s+role|deine\s+aufgaben|main\s+tasks|tasks|duties|the\s+intern\s+will|"
    r"what\s+it\s+involves|in\s+this\s+role|what\s+the\s+role\s+is|this\s+role\s+offers|aufgaben|deine\s+aufgaben|was\s+dich\s+erwartet|"
    r"deine\s+rolle|tätigkeiten|verantwortlichkeiten|vos\s+missions|missions|responsabilidades|"
    r"wat\s+ga\s+je\s+(?:voor\s+ons\s+)?doen|jouw\s+taken|taken|functieomschrijving|als\s+stagiai?re?\s+"
    r"(?:ga|zul|ben)\s+je)\b"
    r"|\b(?:the\s+)?interns?\s+will\s+(?!be\s+(?:back|returning))"
    r"|\bin\s+this\s+role,?\s+you\b|\bas\s+an?\s+(?:[\w-]+\s+){0,4}?intern,?\s+you(?:\s+will|'ll|’ll)\b"
    r"|\byou(?:'ll|’ll| will|'d|’d| would)\s+(?:be\s+)?(?:work(?:ing)?\s+on|help(?:ing)?|own|build|"
    r"write|run|join|ship|support|design|pair|assist|lead|research|train|analy[sz]e)\b"
    r"|\bduties\s+include\b|\btasks\s+include\b|\byou(?:'d|’d|\s+would)\s+be\s+\w+ing\b"
    r"|^\W*the\s+project\s*:",
    _F,
)
# A job page's own fields: "Job Type: Internship", "Employment type: Full-time".
_JOB_FIELDS = re.compile(
    r"^\W*(?:job\s+(?:title|type|id|category|function)|employment\s+type|position\s+type|"
    r"contract\s+type|work\s+type|remote\s+status|date\s+posted|experience\s+level|"
    r"(?:closing|application)\s+date)\s*:",
    _F,
)
# -- concrete terms of an offer ----------------------------------------------------------------
_PAY = re.compile(
    r"(?:[$€£]|\b(?:chf|cad|usd|eur|gbp|s\$|sgd)\s?)\s?\d[\d,.]*\s*k?"
    r"(?:\s*[–-]\s*[$€£]?\d[\d,.]*\s*k?)?\s*(?:cad\s*)?(?:/|per\s+|an?\s+|pro\s+rata)\s*"
    r"(?:hour|hr|h\b|month|mo\b|week|wk|year|yr|summer)?"
    r"|\b(?:stipend|salary|hourly\s+rate|monthly\s+allowance|allowance\s+of|pay(?:ment)?\s*:|"
    r"rate\s*:|compensation\s*:|paid\s+(?:summer\s+)?internship|paid\s+position|vergütung|gehalt|"
    r"stagevergoeding|gratification|rémunération|wat\s+bieden\s+wij|wij\s+bieden|"
    r"it(?:'s|’s| is)\s+paid|pays\s+[$€£]|conditions\s*:)\b",
    _F,
)
_PLACE = re.compile(
    r"^\W*(?:location|where|standort|arbeitsort|einsatzort|headquarters|based\s+in)\s*:"
    r"|^\W*📍"
    r"|\b(?:based\s+in|in\s+our\s+\w+(?:\s+\w+)?\s+office|(?:on-?site|hybrid|fully\s+remote)\b)"
    r"|\bremote\s*\((?:americas|europe|us|eu|anywhere|utc)|\b100\s*%\s*remote\b",
    _F,
)
_DURATION = re.compile(
    r"\b(?:duration|start(?:\s+date)?|schedule|when)\s*:"
    r"|\b(?:\d+|two|three|four|five|six|ten|twelve)\s*(?:[–-]\s*\d+\s*)?[- ](?:months?|weeks?)\b"
    r"(?!\s+(?:ago|later|long\s+internship\s+at))"
    r"|\b(?:starting|from|start(?:s|ing)?\s+in)\s+(?:in\s+)?(?:january|february|march|april|may|june|"
    r"july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b"
    r"|\b\d+\s*(?:h|hrs|hours)\s*(?:/|a|per)\s*week\b"
    r"|\bab\s+sofort\b|\bzum\s+nächstmöglichen\s+zeitpunkt\b|\b\d+\s*(?:-\s*\d+\s*)?stunden\s+"
    r"(?:pro|die|/|je)\s*woche\b|\b(?:vollzeit|teilzeit)\b|\bzum\s+\d{1,2}\.\d{1,2}\.",
    _F,
)
_APPLY = re.compile(
    r"\b(?:to\s+apply|how\s+to\s+apply|apply\s+(?:here|now|by|before|via|through|on\s+our|at|"
    r"with\s+your|online|early|on\s+grab)|bewirb\s+dich|"
    r"send\s+(?:your|us\s+your|me\s+your|a|an)\s+(?:cv|resume|application|writing\s+sample|github|"
    r"cover\s+letter)|(?:please\s+)?send\s+your\s+(?:cv|application)|"
    r"email\s+(?:your|me|us)\b|submit\s+(?:a|your)\s+(?:resume|cv|application)|"
    r"jetzt\s+bewerben|deine\s+bewerbung|ihre\s+bewerbung|bewerbungsunterlagen|postuler|solliciteer|"
    r"sollicitatie|stuur\s+(?:je|jouw)\s+(?:cv|sollicitatie)|"
    r"applications?\s+(?:close|deadline|are\s+reviewed\s+on|open\s+until)|closing\s+(?:on|date)\b|"
    r"deadline(?:\s+for\s+applications)?\s*(?::|is)|review\s+of\s+applications|"
    r"closes?\s+(?:friday|sunday|monday|\d|on|in)|apply\s+through\s+(?:the|your)|"
    r"positions\s+are\s+filled|mention\s+this\s+post|by\s+(?:january|february|march|april|may|june|"
    r"july|august|september|october|november|december)\s+\d{1,2}|before\s+\d{1,2}\s+(?:january|"
    r"february|march|april|may|june|july|august|september|october|november|december))",
    _F,
)
# A newsletter line that lists one opening: a role word plus a concrete term on one line.
_LISTED_ROLE = re.compile(
    r"^\W*(?:\d+[.)]\s*)?[^\n]*\b(?:intern|internship|co-?op|summer\s+analyst|apprentice(?:ship)?|"
    r"internship\s+programm?e?)\b[^\n]*(?:closes|apply|deadline|rolling|https?://|[$€£]\s?\d|"
    r"s\$\d|/month|/hour|\d+\s+weeks|\d+\s+months)",
    _F,
)
_CONTACT = re.compile(
    r"\b[\w.+-]+@[\w-]+\.[\w.]+\b|https?://\S+/(?:jobs?|careers?|positions?|remote-jobs)/\S+", _F
)

# -- article cues: talk about internships --------------------------------------------------------
_ARTICLE_TITLE = re.compile(
    r"\b(?:how\s+(?:i|we|to|our)|tips|what\s+i\s+learned|lessons?|meet\s+(?:our|the)|spotlight|"
    r"diar(?:y|ies)|recap|q\s*&\s*a|interview\s+with|stories|story|a\s+day\s+in|day\s+in\s+the\s+life|"
    r"reflections?|podcast|episode|guide|explained|why\s+(?:i|we|you)|what\s+to\s+expect|"
    r"behind\s+the\s+scenes|ask\s+the|state\s+of|welcomes|what\s+our|i\s+turned|"
    # "My Summer Workplace internships" names a programme; "My internship at X" is a story
    r"my(?![\w ]{0,40}\b(?:internships|program(?:me)?)\s*$)|"
    r"is\s+it\s+worth|mistakes|should\s+i|finding|where\s+to\s+find|how\s+to\s+find|guide\s+to|the\s+\w+\s+(?:questions|market)|here's\s+why|built\s+this)\b"
    r"|\?\s*$",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:i|my|me|i'm|i’m|i've|i’ve|i'd|i’d|myself)\b", re.IGNORECASE)
_NARRATIVE = re.compile(
    r"\b(?:i|we|she|he|they|[A-Z][a-z]+)\s+(?:also\s+|finally\s+|first\s+|then\s+)?"
    r"(?:worked|learned|learnt|spent|joined|built|shipped|got|landed|received|interned|applied|"
    r"turned|welcomed|analy[sz]ed|looked|presented|led|ran|redesigned|rewrote|asked|sat|talked|"
    r"wasted|went|practi[sc]ed|wanted|almost|didn't|didn’t|loved|enjoyed|had|was|were|did|"
    r"cycle|met|took|started\s+as|told|said)\b",
)
_ARTICLE_TEXT = re.compile(
    r"\b(?:said|says|told\s+us|we\s+asked|we\s+sat\s+down|reader\s+question|readers?\s+(?:email|ask)|"
    r"our\s+advice|my\s+advice|advice|tips?\b|here\s+are\s+(?:ten|\d+|four|five|the\s+places)|"
    r"this\s+post\s+is\s+part\s+of|listen\s+on|show\s+notes|in\s+this\s+episode|newsroom|"
    r"announced|we\s+analy[sz]ed|we\s+looked\s+at|interns?\s+(?:joined|built|shipped)|"
    r"this\s+(?:summer|year),?\s+(?:we\s+welcomed|\d+\s+interns)|intern\s+class|this\s+year's\s+class|"
    r"our\s+(?:largest|first)\s+intern|what\s+a\s+summer|we're\s+proud|we(?:'re|’re| are)\s+grateful|"
    r"we'll\s+miss|good\s+luck|people\s+(?:often\s+)?ask|a\s+lot\s+of\s+people\s+asked|"
    r"(?:lots|everything)\s+(?:i|we)\s+learned|thank\s+you\s+to|the\s+honest\s+answer|"
    r"depends|recruiters\s+spend|starting\s+your\s+first|journey)",
    _F,
)
_QA = re.compile(r"^\s*(?:q|a)\s*[:.]", _F)

# -- title cues -------------------------------------------------------------------------------
_ROLE_TITLE = re.compile(
    r"\b(?:intern|internship|co-?op|apprenticeship|student\s+researcher|trainee|"
    r"summer\s+analyst|researcher|engineer|analyst|developer|designer|traineeship|praktikum|praktikant\w*|"
    r"pflichtpraktikum|werkstudent\w*|ausbildung|azubi|duales\s+studium|stagiaire|alternance|"
    r"stagiair|\w*stage|alternant|"
    r"manager|specialist|assistant|consultant|associate|scientist|coordinator)\b",
    re.IGNORECASE,
)
_POSTING_TITLE = re.compile(
    r"^\s*(?:hiring|job|open\s+(?:call|position)|apply\s+now|now\s+accepting|internship\s*(?:opportunity)?:|"
    r"we(?:'re|’re| are)\s+hiring|join\s+us|come\s+(?:intern|work)\s+with\s+us)\b"
    r"|\b(?:wanted|hiring|we\s+need|looking\s+for|openings?|"
    r"internships?\s+closing|taking\s+interns)\b"
    # the gender marker German, Austrian and Swiss job ads put after every title: "(m/w/d)"
    r"|\((?:[mwfdx]|div|gn|all\s+genders?)(?:\s*[/|,*]\s*(?:[mwfdx]|div|gn)){0,3}\)|"
    r"\b[mwf]/[mwf]/[dx]\b|\(\s*(?:gn|all\s+genders?)\s*\*?\)",
    re.IGNORECASE,
)


# A news or careers title announcing an opening one can apply to: "Google invites applications
# for Software Engineering Internship 2018", "Call for Applications: The Berlin Global
# Internship Project", "Ministry of ... announces internship opportunity", "X launches paid
# internship program".
_ANNOUNCED = re.compile(
    r"\b(?:invites?\s+applications?|call\s+for\s+applications|applications?\s+(?:are\s+)?(?:now\s+)?"
    r"open\s+for|announces\s+[^\n]{0,60}?\b(?:internship|traineeship|apprenticeship)s?\b|"
    r"launch(?:es|ed)\s+[^\n]{0,40}?\binternship)",
    re.IGNORECASE,
)


def cues(title: str, text: str, *, located: bool = False) -> list[Cue]:
    """Every cue that fires on an entry, with its weight (positive: posting).

    ``located``: the source gives the entry a location line of its own (a feed's region, a
    job board's place field), which is a concrete term like "Location:" in the text.
    """
    fired: list[Cue] = []

    def add(name: str, weight: float, group: str, hits: int = 1, cap: int = 1) -> None:
        if hits:
            fired.append(Cue(name, weight * min(hits, cap), group))

    add("hiring statement", 2.0, "offer", len(_HIRING.findall(text)) + len(_HIRING.findall(title)), 2)
    add("requirements", 2.0, "offer", len(_REQUIREMENTS.findall(text)), 2)
    add("duties", 1.5, "offer", len(_DUTIES.findall(text)), 2)
    listed = len(_LISTED_ROLE.findall(text))
    add("list of openings", 3.0, "offer", 1 if listed >= 2 else 0)
    add("job-page fields", 2.0, "offer", 1 if len(_JOB_FIELDS.findall(text)) >= 2 else 0)
    add("pay", 1.5, "terms", len(_PAY.findall(text)), 2)
    add("place", 1.0, "terms", len(_PLACE.findall(text)) + int(located))
    add("duration or start", 1.0, "terms", len(_DURATION.findall(text)), 2)
    add("how to apply", 2.0, "terms", len(_APPLY.findall(text)), 2)
    add("contact or job link", 1.0, "terms", len(_CONTACT.findall(text)))
    add("role-like title", 1.0, "title", 1 if _ROLE_TITLE.search(title) else 0)
    add("hiring title", 2.0, "title", 1 if _POSTING_TITLE.search(title) else 0)
    add("opening announced", 2.0, "offer", 1 if _ANNOUNCED.search(title) else 0)

    words = max(len(text.split()), 1)
    first = len(_FIRST_PERSON.findall(text))
    density = 100.0 * first / words
    add("article title", -4.0, "article", 1 if _ARTICLE_TITLE.search(title) else 0)
    add("first-person narrative", -1.0, "article", int(density // 1.5), 4)
    add("past-tense narrative", -1.0, "article", len(_NARRATIVE.findall(text)), 6)
    add("article wording", -1.5, "article", len(_ARTICLE_TEXT.findall(text)), 4)
    add("interview Q&A", -3.0, "article", 1 if len(_QA.findall(text)) >= 2 else 0)
    return fired


def score(title: str, text: str) -> float:
    return sum(c.weight for c in cues(title, text))


def classify_entry(title: str, text: str, *, located: bool = False) -> Label:
    """"posting" when the entry offers a role with concrete terms (see module doc), else "article"."""
    fired = cues(title, text, located=located)
    groups = {c.group for c in fired if c.weight > 0}
    total = sum(c.weight for c in fired)
    if total >= THRESHOLD and "offer" in groups and "terms" in groups:
        return "posting"
    # A job page with both a requirements and a duties section and nothing of an article
    # ("Key Responsibilities" / "Requirements") offers a role even without stated terms.
    names = {c.name for c in fired}
    if {"requirements", "duties"} <= names and "article" not in {c.group for c in fired}:
        return "posting"
    return "article"
