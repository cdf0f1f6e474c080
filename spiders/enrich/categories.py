"""Role families of SPEC §4 from the title, then the team, then the description's opening.

Families: software, data, ml_research, product, design, hardware, quant, marketing,
operations, business, content, other. A title may name several ("Data Science / Machine
Learning Intern" -> data, ml_research). The team is read only when the title names no
family; the first 200 characters of the description only when the title is generic
("Summer Intern 2027") and the team names none, and only when exactly one family is
named there.

Conventions where the families overlap: HR, recruiting, admin, workplace and supply chain
are ``operations``; finance, sales, partnerships, consulting and banking are ``business``;
"hardware design", "analog design" and "design verification" are ``hardware``, not
``design``; "quantitative research" is ``quant``. Legal counsel, healthcare, trades and
manufacturing floor roles are ``other``. "Other" is given only when the title is a real
role that no family fits, never for a bare "Summer Intern 2027". A title that names no
family ("Google", "Technology Trainee") takes the family the description's opening names
most (at least twice, and more often than any other), else "other".

Matching is by words and phrases of the lower-cased text (set and substring look-ups, no
regular expression per family), so a title costs a few microseconds.
"""

from __future__ import annotations

import re

from store.models import Category

_ORDER: tuple[Category, ...] = (
    "software", "data", "ml_research", "product", "design", "hardware", "quant", "marketing",
    "operations", "business", "content",
)

_WORDS: dict[Category, tuple[str, ...]] = {
    "software": ("software", "swe", "sde", "developer", "developers", "dev", "backend",
                 "frontend", "fullstack", "mobile", "ios", "android", "devops", "sre", "qa",
                 "programmer", "programming", "technology", "cybersecurity", "infrastructure",
                 "infrastructures", "architect"),
    "data": ("data", "analytics", "bi", "statistics", "statistician", "statistical", "sql",
             "actuarial", "actuary", "daten"),
    "ml_research": ("ai", "ml", "llm", "llms", "nlp", "perception", "generative"),
    "product": ("apm", "pm"),
    "design": ("design", "designer", "designers", "ux", "ui", "illustrator", "illustration",
               "animator", "animation", "artist", "diseño"),
    "hardware": ("hardware", "electrical", "electronic", "electronics", "embedded", "firmware",
                 "fpga", "asic", "mechanical", "silicon", "chip", "rf", "robotics", "robotic",
                 "mechatronics", "semiconductor", "semiconductors", "avionics", "aerospace",
                 "pcb", "circuit", "circuits", "analog", "hw_design"),
    "quant": ("quant", "quantitative", "trader", "traders", "trading", "algorithmic"),
    "marketing": ("marketing", "brand", "seo", "crm", "communications", "communication", "pr",
                  "advertising", "campaign", "campaigns", "webmarketing", "marketeer", "marketer"),
    "operations": ("operations", "ops", "logistics", "procurement", "workplace", "facilities",
                   "administrative", "admin", "hr", "recruiting", "recruiter", "recruitment",
                   "coordinator"),
    "business": ("sales", "finance", "financial", "accounting", "accountant", "audit", "tax",
                 "consulting", "consultant", "strategy", "investment", "banking", "m&a",
                 "partnerships", "partnership", "treasury", "capital", "venture", "economics",
                 "economic", "commercial"),
    "content": ("content", "writer", "writing", "editor", "editorial", "journalist",
                "journalism", "copywriter", "copywriting", "video", "podcast", "reporter",
                "storytelling", "localization", "translator", "translation", "writers", "editors",
                "news"),
}
_PHRASES: dict[Category, tuple[str, ...]] = {
    "software": ("back end", "front end", "full stack", "site reliability", "platform engineer",
                 "security engineer", "cyber security", "test engineer", "computer science",
                 "systems engineer", "system engineer", "it support", "it intern",
                 "application engineer", "solutions engineer", "game developer",
                 "game programmer", "tools engineer", "reliability engineer",
                 "web developer", "cloud engineer", "app development", "app developer",
                 "application development", "web development"),
    "data": ("business intelligence", "data scien", "insights analyst"),
    "ml_research": ("machine learning", "artificial intelligence", "deep learning",
                    "computer vision", "natural language", "research scientist",
                    "research engineer", "research intern", "applied scientist",
                    "reinforcement learning", "student researcher"),
    "product": ("product manager", "product management", "product owner", "product intern",
                "product analyst", "product strategy", "product operations"),
    "design": ("user research",),
    "hardware": ("design verification", "manufacturing engineer"),
    "quant": ("market making", "market maker"),
    "marketing": ("social media", "public relations", "community manager", "media planning",
                  "growth hacker",
                  "media buying", "growth marketing", "growth intern"),
    "operations": ("supply chain", "executive assistant", "office manager", "human resources",
                   "customer service", "back office", "backoffice",
                   "people operations", "people partner", "talent acquisition"),
    "business": ("business development", "business analyst", "business strategy",
                 "business intern", "account manager", "account executive", "equity research",
                 "summer analyst", "customer success", "business planning", "private equity",
                 "e commerce", "buying",
                 "investment banking"),
}
# Substrings that name a family inside compound words ("Softwareentwicklung").
_INSIDE: dict[Category, tuple[str, ...]] = {
    "software": ("software",), "marketing": ("marketing",),
    "design": ("grafikdesign", "kommunikationsdesign", "mediengestalt", "webdesign",
               "produktdesign", "art direction", "artdirection", "mediendesign"),
}
# Phrases rewritten before matching, so that one family does not leak into another.
_REWRITES: tuple[tuple[str, str], ...] = (
    *((f" {w} design ", " hw_design ") for w in ("hardware", "analog", "chip", "circuit",
                                                  "asic", "fpga", "physical", "rtl",
                                                  "mechanical", "pcb", "ic")),
    (" design engineer ", " hw_design engineer "),
    (" data center ", " datacenter "),
    (" quant research", " quant "),
    (" ux research", " ux "),
    (" market research", " marketing "),
    (" quantitative research", " quantitative "),
)
# Role words of the German, Dutch and French postings our sources carry ("Praktikum
# Vertrieb", "Stagiair Communicatie", "Stage Développeur Web").
_LOCAL_WORDS: dict[Category, tuple[str, ...]] = {
    "software": ("entwickler", "entwicklerin", "softwareentwickler", "webentwickler", "informatik",
                 "informatica", "ontwikkelaar", "développeur", "développeuse", "programmeur"),
    "data": ("datenanalyse", "datenanalyst", "analytik"),
    "design": ("grafik", "ontwerp", "ontwerper", "mediengestalter", "mediengestalterin"),
    "hardware": ("elektrotechnik", "elektrotechniek", "maschinenbau", "werktuigbouwkunde",
                 "konstruktion", "mechatronik", "elektronik"),
    "marketing": ("kommunikation", "communicatie", "öffentlichkeitsarbeit", "vermarktung"),
    "operations": ("logistik", "logistiek", "beschaffung", "personalwesen", "personalabteilung",
                   "personeelszaken", "hrm", "einkauf", "inkoop"),
    "business": ("vertrieb", "verkauf", "verkoop", "buchhaltung", "controlling", "finanzen",
                 "rechnungswesen", "boekhouding", "financiën", "financieel", "bedrijfskunde",
                 "comptabilité", "unternehmensentwicklung"),
    "content": ("redaktion", "redakteur", "redakteurin", "redactie", "redacteur", "rédacteur",
                "rédaction"),
}
# words keep their accented letters ("développeur", "financiën")
_WORD = re.compile(r"[a-z0-9&+#ñäöüßéèêëàâçîïôûù]+")
_WORD_FAMILY = {w: f for table in (_WORDS, _LOCAL_WORDS) for f, words in table.items() for w in words}
# Title words that carry no role: what is left after removing them decides "other".
_GENERIC = frozenset((
    "summer", "fall", "autumn", "winter", "spring", "intern", "interns", "internship",
    "internships", "co", "op", "coop", "placement", "placements", "student", "students",
    "program", "programme", "opportunity", "opportunities", "information", "general",
    "application", "undergraduate", "graduate", "early", "career", "careers", "university",
    "campus", "start", "apprentice", "apprenticeship", "working", "year", "industrial",
    "trainee", "associate", "analyst", "assistant", "entry", "level", "new", "grad", "junior",
    "senior", "sr", "jr", "staff", "lead", "i", "ii", "iii", "iv", "multiple", "roles",
    "teams", "team", "role", "expression", "of", "interest", "talent", "pool", "stage", "us",
    "uk", "remote", "hiring", "we", "re", "join", "our", "now", "open", "apply", "this", "as",
    "an", "a", "the", "for", "in", "and", "to", "m", "w", "d", "f", "x", "h",
    # German job-ad words that carry no role
    "im", "bereich", "praktikum", "praktikant", "praktikantin", "pflichtpraktikum",
    "werkstudent", "werkstudentin", "ausbildung", "zum", "zur", "als", "und", "mit", "dual",
    "duales", "studium", "div", "gn", "all", "genders", "in", "innen", "scholarship",
    "scholars", "scholar", "minority", "bis", "stunden",
))

_ENGINEERING = frozenset(("engineer", "engineering", "engineers"))


def _normal(text: str) -> tuple[str, list[str]]:
    words = _WORD.findall(text.lower())
    joined = f" {' '.join(words)} "
    for old, new in _REWRITES:
        if old in joined:
            joined = joined.replace(old, new)
    return joined, joined.split()


def _match(text: str) -> list[Category]:
    joined, words = _normal(text)
    hits = {_WORD_FAMILY[w] for w in words if w in _WORD_FAMILY}
    for family, phrases in _PHRASES.items():
        if family not in hits and any(p in joined for p in phrases):
            hits.add(family)
    for family, parts in _INSIDE.items():
        if family not in hits and any(p in joined for p in parts):
            hits.add(family)
    if "quant" in hits and " research " in joined:
        hits.discard("ml_research")
    return [name for name in _ORDER if name in hits]


def _role_words(title: str) -> list[str]:
    """Words of the title that are neither generic nor digits."""
    return [w for w in _normal(title)[1] if w not in _GENERIC and not w.isdigit()]


# A campus programme's label before the role: "2025 University Recruiting - Sourcing Intern".
_PROGRAMME_LABEL = re.compile(r"\b(?:university|campus)\s+recruiting\s*[-–:|]", re.IGNORECASE)


def categories(title: str, team: str | None, description: str) -> list[Category]:
    """Role families of the opening (see module doc); [] when nothing says."""
    title = _PROGRAMME_LABEL.sub(" ", title)
    found = _match(title)
    if found:
        return found
    rest = _role_words(title)
    if rest and all(w in _ENGINEERING for w in rest):
        return ["software"]  # a bare "Engineering Intern" is a software internship
    if team:
        found = _match(team)
        if found:
            return found
    if rest:
        # a title that names no family ("Google", "Technology Trainee"): the family the
        # description's opening names most, if it clearly leads; else "other"
        return _leading(description[:_OPENING]) or ["other"]
    opening = _match(description[:200])
    return opening if len(opening) == 1 else []


_OPENING = 2000


def _leading(text: str) -> list[Category]:
    """The one family named at least twice and more often than any other in ``text``."""
    counts: dict[Category, int] = {}
    joined, words = _normal(text)
    for w in words:
        family = _WORD_FAMILY.get(w)
        if family is not None:
            counts[family] = counts.get(family, 0) + 1
    for family, phrases in _PHRASES.items():
        for p in phrases:
            if p in joined:
                counts[family] = counts.get(family, 0) + joined.count(p)
    if not counts:
        return []
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    top, n = ranked[0]
    if n >= 2 and (len(ranked) == 1 or n > ranked[1][1]):
        return [top]
    return []
