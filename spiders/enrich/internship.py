"""Is this opening an internship? Decided from the title and the source's employment type.

Internship words: intern, internship, co-op, (industrial/summer/year) placement,
apprentice(ship), working student (Werkstudent), industrial year / year in industry,
"Summer Analyst" / "Summer Associate", Praktikum (also "Pflichtpraktikum"), Praktikant,
Ausbildung and duales Studium (German apprenticeships), stagiaire, alternance, Dutch and
French "stage" ("Stage Buying Support", "Afstudeerstage Finance", "Stage développeur"),
"Student Trainee" (a trainee post for enrolled students), Korean 인턴 (인턴십, 인턴사원).
The raw employment type may list several values ("Full Time, Internship"): any one of them
saying internship counts.
Not internships: "internal", "international", "internet" (whole-word match), and roles that
look after interns ("Intern Mentor", "University Recruiter, Internships",
"Internship Program Manager"). The description is not read for words: "we also hire
interns" in a full-time posting would make every posting an internship; only a page's own
job-type line near the top counts (:func:`internship_line`: "Internship" alone on a line,
"Job Type: Full-Time, Intern"), and sentences that address the reader as this opening's
intern (:func:`internship_text`: "As a Full Stack Developer Intern, you will",
"Responsibilities of the Intern:", "This is a 12-week internship", "We are seeking a few
motivated Summer Intern to join", "Join us for a unique 12-14 week paid internship").
"""

from __future__ import annotations

import re

from spiders.enrich.text import windows

_INTERN_TITLE = re.compile(
    r"\b(?:interns?|internships?|co-?op|coop|apprentice(?:ship)?s?|working\s+student|"
    r"werkstudent(?:in|en)?|\w*praktikum|\w*praktikant(?:in|en)?|stagiaire|alternance|alternant|"
    r"ausbildung|azubi|auszubildende[rn]?|duales?\s+studium|duale[rn]?\s+student(?:in)?|"
    r"industrial\s+(?:year|placement|trainee)|year\s+in\s+industry|sandwich\s+placement|"
    r"placement(?:\s+year)?|summer\s+(?:analyst|associate|student)|student\s+researcher|"
    r"student\s+trainee|(?:afstudeer|meewerk|snuffel|onderzoeks|werk|eind|bachelor|master)stage)\b"
    r"|인턴",  # Korean "intern" (인턴, 인턴십, 인턴사원, 체험형 인턴): Hangul has no word boundary there
    re.IGNORECASE,
)
# Roles about interns rather than for them.
_ABOUT_INTERNS = re.compile(
    r"\b(?:mentor|recruiter|recruiting|coordinator|program(?:me)?\s+manager|"
    r"program(?:me)?\s+lead|talent\s+acquisition)\b",
    re.IGNORECASE,
)
# The role is for an intern when the intern word comes last, after the field:
# "Recruiting Intern", "Praktikant Recruiting" is the field after a German role word.
_INTERN_HEAD = re.compile(
    r"\b(?:intern|praktikant(?:in)?|werkstudent(?:in)?|\w*praktikum|apprentice|co-?op)\b"
    r"(?!\s*(?:mentor|recruiter|coordinator|program))", re.IGNORECASE)
# "Placement" as a job family outside internships.
_PLACEMENT_JOB = re.compile(
    r"\b(?:ad|media|product|job|student|career|patient)\s+placement|placement\s+"
    r"(?:officer|specialist|manager|coordinator|director|lead)\b",
    re.IGNORECASE,
)
# French "Stage" leads the title: "Stage - Assistant Marketing", "Stage (6 mois) ...".
# Dutch/French "Stage" leads the title: "Stage Buying Support", "Stage développeur"; not the
# theatre jobs ("Stage Manager", "Stage Technician", "Stage Hand", "Stage Crew").
_STAGE_LEAD = re.compile(
    r"^\s*stage\s*(?:[-–:(|]|(?!(?:manager|management|technician|tech|hand|crew|door|"
    r"director|designer|lighting|sound|carpenter|electrician|assistant\s+manager)\b)[^\W\d_])",
    re.IGNORECASE)
_INTERN_TYPE = re.compile(
    r"^\s*(?:intern(?:ship)?|co-?op|apprentice(?:ship)?|working\s+student|stage|praktikum|"
    r"trainee(?:ship)?|placement|student)\s*$",
    re.IGNORECASE,
)


# A careers page's own job-type line near the top: "Internship" alone on a line,
# "Job Type: Full-Time, Intern", "Employment type: Internship".
_TYPE_LINE = re.compile(
    r"^[\W_]*(?:(?:job|employment|position|contract|work)\s+type\s*:\s*(?:[\w-]+,\s*)?)?"
    r"(?:internships?|intern|co-?op|apprenticeship|praktikum|werkstudent)[\W_]*$",
    re.IGNORECASE | re.MULTILINE,
)


def internship_line(text: str) -> bool:
    """True when one of the first lines of a page is its job-type line saying internship."""
    return _TYPE_LINE.search(text[:1500]) is not None


# The reader addressed as this opening's intern, in the posting's own words.
_INTERN_TEXT = re.compile(
    r"\bas\s+an?\s+(?:[\w/&+.-]+\s+){0,5}intern\b(?!\s+(?:mentor|manager|coordinator))"
    r"|\b(?:responsibilities|duties|role)\s+of\s+the\s+intern\b"
    r"|\bthis\s+(?:is\s+an?\s+)?(?:[\w-]+[ ,]+){0,4}?(?:internship|co-op)\s+(?:is|offers|will|runs|"
    r"lasts|during|for|position|opportunity|program(?:me)?\s+(?:is|offers|will))\b"
    r"|\b(?:seeking|looking\s+for|hiring)\s+(?:[\w()-]+\s+){0,6}?interns?\s+(?:\([^)]*\)\s+)?"
    r"to\s+join\b"
    r"|\bjoin\s+(?:us|our\s+team)\s+(?:for|as)\s+an?\s+(?:[\w-]+\s+){0,4}?(?:internship|intern)\b",
    re.IGNORECASE,
)


def internship_text(text: str) -> bool:
    """True when a posting addresses its reader as the intern (module doc)."""
    return any(_INTERN_TEXT.search(w) for w in windows(text, ("intern", "co-op"), 100, 60))


def is_internship(title: str, employment_type: str | None) -> bool:
    """True when the title or the raw employment type says internship (see module doc)."""
    if employment_type and any(_INTERN_TYPE.match(part)
                               for part in re.split(r"[,;/|]", employment_type)):
        return True
    if _STAGE_LEAD.match(title):
        return True
    if not _INTERN_TITLE.search(title):
        return False
    about = _ABOUT_INTERNS.search(title)
    if about:
        head = _INTERN_HEAD.search(title)
        # "Recruiting Intern" and "Praktikant Recruiting" are internships; "Intern Mentor",
        # "University Recruiter, Internships" are not
        if head is None or (head.start() < about.start() and not re.match(
                r"(?:praktikant|werkstudent|\w*praktikum)", head[0], re.IGNORECASE)):
            return False
    stripped = _PLACEMENT_JOB.sub(" ", title)
    return bool(_INTERN_TITLE.search(stripped))


_SENIOR = re.compile(r"\b(?:senior|sr\.?|staff|principal|lead|director|head\s+of|vice\s+president|vp|"
                     r"chief|distinguished)\b", re.IGNORECASE)


def senior_title(title: str) -> bool:
    """A title that names a senior role and no internship word ("Senior Data Scientist"):
    never an internship, whatever a board's employment-type field says (a board that files
    every opening under "Intern" is wrong about this one)."""
    return _SENIOR.search(title) is not None and not _INTERN_TITLE.search(title) and not (
        _STAGE_LEAD.match(title))


# A student programme named by the title: "Polymathian Summer Scholars Program",
# "2026 Ford Undergraduate Program - Tech & Data", "UNCF/Carnival Corporate Scholars Program".
_PROGRAMME_TITLE = re.compile(
    r"\b(?:scholars?|undergraduate|student|students|summer|campus)\s+program(?:me)?s?\b", re.IGNORECASE)
_PROGRAMME_INTERN = re.compile(r"\b(?:internships?|interns?)\b(?!\s+(?:mentor|manager|coordinator))",
                               re.IGNORECASE)


def programme_internship(title: str, text: str) -> bool:
    """True when the title names a student programme and the description calls what the
    student does there an internship (not a senior role, see :func:`senior_title`)."""
    if not _PROGRAMME_TITLE.search(title) or _ABOUT_INTERNS.search(title):
        return False  # "Summer Program Manager" looks after the interns
    return any(_PROGRAMME_INTERN.search(w) for w in windows(text, ("intern",), 20, 20))
