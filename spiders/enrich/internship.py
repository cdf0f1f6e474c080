"""Is this opening an internship? Decided from the title and the source's employment type.

Internship words: intern, internship, co-op, (industrial/summer/year) placement,
apprentice(ship), working student (Werkstudent), industrial year / year in industry,
"Summer Analyst" / "Summer Associate", Praktikum (also "Pflichtpraktikum"), Praktikant,
Ausbildung and duales Studium (German apprenticeships), stagiaire, alternance.
Not internships: "internal", "international", "internet" (whole-word match), and roles that
look after interns ("Intern Mentor", "University Recruiter, Internships",
"Internship Program Manager"). The description is not read for words: "we also hire
interns" in a full-time posting would make every posting an internship; only a page's own
job-type line near the top counts (:func:`internship_line`: "Internship" alone on a line,
"Job Type: Full-Time, Intern").
"""

from __future__ import annotations

import re

_INTERN_TITLE = re.compile(
    r"\b(?:interns?|internships?|co-?op|coop|apprentice(?:ship)?s?|working\s+student|"
    r"werkstudent(?:in|en)?|\w*praktikum|\w*praktikant(?:in|en)?|stagiaire|alternance|alternant|"
    r"ausbildung|azubi|auszubildende[rn]?|duales?\s+studium|duale[rn]?\s+student(?:in)?|"
    r"industrial\s+(?:year|placement|trainee)|year\s+in\s+industry|sandwich\s+placement|"
    r"placement(?:\s+year)?|summer\s+(?:analyst|associate|student)|student\s+researcher)\b",
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
_STAGE_LEAD = re.compile(r"^\s*stage\s*[-–:(|]", re.IGNORECASE)
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


def is_internship(title: str, employment_type: str | None) -> bool:
    """True when the title or the raw employment type says internship (see module doc)."""
    if employment_type and _INTERN_TYPE.match(employment_type):
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
