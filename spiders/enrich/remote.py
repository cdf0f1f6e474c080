"""Work mode: ``remote``, ``hybrid``, ``onsite`` or unknown.

Order: the API flag (set by the spider, never overwritten), then the raw location strings,
then the description.

- Raw locations: any string offering remote work ("Remote (Canada)", "Remote - US",
  "Anywhere in the World", "San Francisco or Remote") makes the job remote, unless another
  string says hybrid or on-site; "Hybrid - London" -> hybrid; "On-site" -> onsite.
  A raw "remote" that the description contradicts (a hybrid or in-office policy and no
  remote phrase) is dropped: the sources disagree, so the mode is unknown.
- Text: hybrid phrases win ("hybrid", "3 days a week in the office"); then remote
  phrases ("fully remote", "this is a remote role", "work from anywhere", "or remote
  (UK)": an opening that may be done remotely is remote for a student filtering on it);
  then on-site phrases ("on-site", "in person", "in the office five days a week",
  "remote work is not possible", "a fully in-person experience"). "Remote or hybrid" is
  remote. Being "available 5 days a week" is a schedule, not a place. A remote phrase
  naming the opening ("this is a remote summer internship") comes before hybrid phrases:
  a company-wide hybrid policy does not make a remote internship hybrid.
- German and Dutch postings: a home-office share next to an office is hybrid ("hybrides
  Arbeitsmodell", "mobiles Arbeiten", "Mobile Office", "Homeoffice möglich", "(teilweise)
  Remote-Möglichkeit", "thuiswerken", "deels vanuit huis"); "vollständig remote",
  "ortsunabhängig arbeiten", "volledig op afstand" are remote; "kein Homeoffice", "Arbeit vor
  Ort", "Präsenzpflicht" on-site. A hybrid phrase negated just before ("kein Homeoffice
  möglich") does not count. "2 days a week from home" is hybrid; "Work From Home Internship",
  "Location: Work from home" remote; "offline internship", "physically present" on-site.
- The title states a mode too ("Designer (Remote)", "Engineer, REMOTE", "Analyst - Hybrid").
  When the raw line or the title says remote and the text names the opening's own mode
  ("This on-site internship"), the text wins.
- "Onsite/Hybrid (to be confirmed)" and "hybrid or on-site" are unknown (None): it may be
  either, and a student filtering for hybrid or for onsite would be misled by either guess.
"""

from __future__ import annotations

import re

from spiders.enrich.text import fast_regex, windows
from store.models import Remote

# The first argument of fast_regex: the letters the pattern's alternatives start with.
_UNDECIDED = fast_regex(
    "how(",
    r"on-?site\s*/\s*hybrid|hybrid\s*/\s*on-?site|hybrid\s+or\s+on-?site|on-?site\s+or\s+hybrid|"
    r"\(\s*to\s+be\s+confirmed\s*\)|work(?:ing)?\s+mode\s*:\s*tbc\b",
    re.IGNORECASE,
)
# Either mode, one of them remote: the opening may be done remotely.
_EITHER_REMOTE = fast_regex(
    "hr",
    r"\bremote\s*(?:or|/)\s*hybrid\b|\bhybrid\s*(?:or|/)\s*remote\b", re.IGNORECASE
)
_RAW_REMOTE = re.compile(r"\b(?:remote|anywhere|worldwide|work\s+from\s+home|wfh)\b", re.I)
_RAW_HYBRID = re.compile(r"\bhybrid\b", re.I)
_RAW_ONSITE = re.compile(r"\b(?:on-?site|in[- ]office|office[- ]based)\b", re.I)

_N = r"(?:[1-4]|one|two|three|four)"
_TEXT_HYBRID = fast_regex(
    "1-4(dfhikmortг",
    r"\b(?:"
    r"\bhybrid\b(?!\s+(?:cloud|vehicles?|cars?|apps?|electric|powertrain|integration|"
    r"approach|search|quantum|networks?|solutions?|infrastructure|engine|model\s+of|of\b|"
    r"mix|blend|environments?|multi-?cloud|data|systems?|architecture|"
    r"team|company|culture|workforce|organi[sz]ation|-first))|"
    r"\bh[íi]brid[oa]\b|\bhybride[sn]?\s+(?:arbeit\w*|modell|working|setup|lösung)|"
    rf"\b{_N}\s*(?:\+\s*)?(?:days?|x)\s+(?:(?:a|per|each)\s+week\s+)?(?:in|at|from)\s+"
    r"(?:the\s+|our\s+)?(?:[A-Z][\w ]{0,20}\s)?(?:office|studio|hub)|"
    rf"\b(?:in\s+the\s+office|on\s+campus|on-?site)\s+{_N}\s+days?\b|"
    rf"\b{_N}\s+(?:office\s+)?days?\s+(?:a|per|each)?\s*week\s+"
    r"(?:on-?site|in[- ]office|in\s+person)|"
    rf"\b{_N}\s+(?:days?\s+)?(?:on-?site|in[- ]office|in\s+person)|"
    rf"\bin(?:[- ]|\s+the\s+|\s+our\s+)office\s+{_N}\s*(?:days?|x)\b|"
    rf"\b{_N}\s+office\s+days\b|"
    r"\bin\s+(?:one\s+of\s+)?our\s+offices?\s+at\s+least\s+\d+\s*%|"
    r"\b(?:in\s+the\s+office|in[- ]office|on-?site)\s+(?:on\s+)?(?:mon|tues|wednes|thurs|fri)days?"
    r"\s*(?:,|and|&)\s*(?:mon|tues|wednes|thurs|fri)days?\b|"
    rf"\b{_N}\s+days?\s+(?:a|per|each)\s+week\s+(?:from\s+home|wfh|remote(?:ly)?|home\s*office)\b|"
    # German and Dutch: a home-office share next to an office ("mobiles Arbeiten",
    # "Homeoffice-Möglichkeit", "Mobile Office-Modell", "teilweise remote", "thuiswerken")
    r"\bmobile[sn]?\s+(?:arbeiten|office)|\bmobilem\s+arbeiten|"
    r"\bhome[- ]?office[- ]?(?:möglichkeit|option|tage?|anteil|regelung)|"
    r"\bhome[- ]?office\s+(?:ist\s+)?möglich|"
    r"\bmöglichkeit\s+(?:zum|zu|für|auf)\s+(?:\w+\s+)?(?:home[- ]?office|mobile[mns]?\s+arbeiten|remote)|"
    r"\bteilweise\s+(?:\w+\s+)?(?:remote|im\s+home[- ]?office|mobil)|"
    r"\bremote[- ]möglichkeit|"
    r"\bkombination\s+aus\s+(?:home[- ]?office|remote|mobile[mn]?\s+arbeiten)|"
    r"\bthuiswerken\b|\bdeels\s+(?:thuis|remote|vanuit\s+huis)|\bhybride?\s+werken|"
    r"\bremote(?:\s+job|\s+work|-arbeit)?\s*:\s*(?:teilweise|partially|partial|deels)\b|"
    r"\bгибридн\w*"
    r")|hybride[nrs]?\s*(?:arbeit\w*|setup|modell|arbeitsmodell|arbeitsform|werken|werkmodel)|"
    r"\(teilweise\)\s*remote",
    re.IGNORECASE,
)
_TEXT_REMOTE = fast_regex(
    "1acefijklmortvwу",
    r"\b(?:"
    r"(?:\b(?:fully|completely|entirely|100\s*percent|all)|\b100\s?%)[- ]?\s?remote(?:ly)?\b|"
    r"\b(?:this|the)\s+(?:role|position|internship|job|opportunity|co-?op)\s+(?:is|can\s+be)\s+"
    r"(?:fully\s+)?remote\b|\b(?:a|fully)\s+remote\s+(?:role|position|internship|job|"
    r"opportunity|co-?op)\b|\bremote(?:-first)?\s+(?:\w+\s+){0,2}?internship\b|"
    r"\bremote\s*:\s*yes\b|\bwork\s+from\s+remote\b|"
    r"\bwork\s+from\s+anywhere\b|\bwork\s+remotely\s+from\b|\binterns\s+work\s+remotely\b|"
    r"\bcan\s+be\s+(?:done|performed|based)\s+remotely\b|\bremote[- ]eligible\b|"
    r"\b(?:location|work\s+mode|workplace(?:\s+type)?|(?:flexible\s+)?work\s+arrangements?|"
    r"remote\s+status|"
    r"work\s+(?:type|model|location))\s*:\s*(?:fully\s+)?remote\b|"
    r"\bremote\s*[-–(]\s*(?:us|uk|usa|eu|europe|canada|india|anywhere)\b|"
    r"\bor\s+remote\b|\bremote\s+in\s+the\s+(?:us|uk|united)|\bopen\s+to\s+remote\s+candidates\b|"
    r"\b(?:vollständig|komplett|voll|rein|full|volledig)[- ]remote\b|"
    r"\bortsunabhängig(?:es)?\s+(?:arbeiten|tätig)|\bvolledig\s+(?:op\s+afstand|vanuit\s+huis)|"
    r"\bwork[- ]from[- ]home\s+(?:\w+\s+)?(?:internship|job|role|position|opportunity)\b|"
    r"\b(?:location|mode|work\s*mode|job\s+type)\s*:\s*(?:work\s+from\s+home|wfh)\b|"
    r"\bremote\s*\(\s*(?:germany|deutschland|netherlands|nederland|india|europe|eu|uk|us)\b|"
    # Russian (hh.ru): "удалённая работа", "формат работы: удалённо"
    r"\bудал[её]нн\w*\s+(?:работ\w*|формат\w*|стажировк\w*)|\bудал[её]нно\b"
    r")",
    re.IGNORECASE,
)
# A remote phrase that names this opening: it beats a company-wide hybrid policy.
_OPENING_REMOTE = fast_regex(
    "aft",
    r"\b(?:this|the)\s+(?:role|position|internship|job|opportunity|co-?op)\s+(?:is|can\s+be)\s+"
    r"(?:fully\s+)?remote\b|\b(?:a|fully)\s+remote\s+(?:(?:summer|paid|part-time)\s+)?"
    r"(?:role|position|internship|job|opportunity|co-?op)\b",
    re.IGNORECASE,
)
_NOT_REMOTE = fast_regex(
    "ghknrt",
    r"\b(?:"
    r"\b(?:not|n['’]t)\s+(?:a\s+)?remote\b|\bno\s+remote\b|"
    r"\bremote\s+(?:work\s+)?(?:is\s+)?not\s+(?:possible|available|an\s+option)\b|"
    r"\btele-?work(?:ing)?\s+(?:is\s+)?(?:not\s+(?:available|possible|an\s+option)|unavailable)\b|"
    r"\bno\s+tele-?work(?:ing)?\b|"
    r"\bkein(?:e|en)?\s+(?:home[- ]?office|remote(?:-arbeit)?|mobiles\s+arbeiten)\b|"
    r"\bhome[- ]?office\s+(?:ist\s+)?nicht\s+möglich|"
    r"\b(?:no|not\s+a)\s+work[- ]from[- ]home\b|\bgeen\s+(?:thuiswerk\w*|remote)"
    r")",
    re.IGNORECASE,
)
_TEXT_ONSITE = fast_regex(
    "5abefijloprstvwр",
    r"\b(?:"
    r"\b(?:role|position|internship|job)\s+is\s+(?:fully\s+|100%\s+)?"
    r"(?:on-?site|in[- ]person|office-based|in\s+office)\b|\bfully\s+on-?site\b|"
    r"\b(?:on-?site|in[- ]person|in-office)\s+(?:role|position|internship|job|program)\b|"
    r"\bfully\s+in[- ]person\b|"
    r"\b(?<!available\s)(?<!availability\s)(?<!availability:\s)(?<!\bfor\s)"
    r"(?:five|5)\s+days\s*(?:a|per|/)\s*"
    r"week\b|\bin[- ]office\s+(?:five|5)\s+days\b|"
    r"\b(?:location|work\s+mode|workplace(?:\s+type)?|(?:flexible\s+)?work\s+arrangements?|"
    r"remote\s+status|"
    r"work\s+(?:type|model|location))\s*:\s*(?:on-?site|in[- ]office|office[- ]based|in[- ]person)\b|"
    r"\bworks?\s+on\s+site\b|"
    r"\b(?:work|working|be)\s+on-?site\b|\bon-?site\s+(?:in|at)\s+[A-Z]|"
    r"\bwork\s+from\s+(?:the\s+)?office\b|\bwfo\b|\b(?:is|are)\s+(?:fully\s+)?on-?site\b|"
    r"\brequires?\s+in[- ]person\s+work\b|\bin[- ]person\s+(?:at|in)\s+(?:our|the)\b|"
    r"\brequired\s+to\s+(?:work|be)\s+(?:on-?site|in\s+(?:the|our)\s+office)\b|"
    r"\bwork\s+in[- ]person\b|\bworking\s+(?:in|from)\s+our\s+(?:[A-Z]\w+\s+){0,2}office\b|"
    r"\ben\s+présentiel\b|\bsur\s+site\b|"
    r"\boffline\s+(?:internship|mode|role|job)\b|\bphysically\s+present\b|"
    r"\b(?:arbeit|tätigkeit|präsenz|anwesenheit)\s+vor\s+ort\b|\bpräsenzpflicht\b|"
    r"\bvor\s+ort\s+(?:in|im)\s+(?:unserem|unserer)\s+(?:büro|office|standort)|"
    r"\b(?:op|vanuit)\s+(?:ons\s+)?kantoor\s+(?:in|te)\s+[A-Z]|\bработа\s+в\s+офисе\b"
    r")",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:kein\w*|nicht|no|not|geen|never)\s+(?:\w+\s+)?$", re.IGNORECASE)
_KEYS = ("présentiel", "sur site", "remote", "telework", "tele-work", "hybrid", "híbrid",
         "on-site", "onsite", "on site", "in-person", "in person", "office", "anywhere",
         "days/week", "days a week", "days per week", "campus", "wfo", "wfh", "from home",
         "from-home", "mobile office", "mobile arbeit", "mobiles arbeiten", "mobilen arbeiten",
         "mobilem arbeiten", "ortsunabhängig", "vor ort", "präsenz", "thuis",
         "op afstand", "kantoor", "offline", "physically", "удал", "гибрид", "в офисе")


def remote_from_raw(raw_locations: list[str]) -> Remote | None:
    """The mode the raw location strings give (see module doc); None when they say none."""
    modes: set[Remote] = set()
    for raw in raw_locations:
        if _UNDECIDED.search(raw):
            return None
        if _RAW_HYBRID.search(raw):
            modes.add("hybrid")
        elif _RAW_REMOTE.search(raw):
            modes.add("remote")
        elif _RAW_ONSITE.search(raw):
            modes.add("onsite")
    if len(modes) == 1:
        return modes.pop()
    return None


def remote_from_text(text: str) -> Remote | None:
    """The mode the description states (hybrid, then remote, then on-site); else None."""
    near = windows(text, _KEYS, 80, 80)
    if not near:
        return None

    def has(pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(w) for w in near)

    def stated(pattern: re.Pattern[str]) -> bool:
        """A match not negated just before ("kein Homeoffice möglich", "no hybrid")."""
        return any(not _NEGATION.search(w, max(0, m.start() - 14), m.start())
                   for w in near for m in pattern.finditer(w))

    # In order of precedence, each pattern searched only when the ones before did not decide.
    if has(_EITHER_REMOTE):
        return "remote"
    if has(_UNDECIDED):
        return None
    if has(_OPENING_REMOTE) and not has(_NOT_REMOTE):
        return "remote"
    if stated(_TEXT_HYBRID):
        return "hybrid"
    if has(_NOT_REMOTE):
        # Neither remote nor hybrid: on-site ("Remote work is not possible for this role").
        return "onsite"
    if has(_TEXT_REMOTE):
        return "remote"
    if has(_TEXT_ONSITE):
        return "onsite"
    return None


# The mode as a title states it: "Designer (Remote)", "Engineer, REMOTE", "Work From Home
# Internship", "Analyst - Hybrid", "Intern (On-site)".
_TITLE_MODE = re.compile(
    r"(?:^|[(\[,|–—:/-]\s*)(?P<mode>remote|hybrid|on-?site|work\s+from\s+home|wfh)"
    r"(?=\s*(?:[)\],|–—:/(-]|$))|\b(?P<wfh>work\s+from\s+home)\b",
    re.IGNORECASE,
)
# The text names the opening's own mode: "This on-site internship", "the role is hybrid".
_OPENING_MODE = re.compile(
    r"\b(?:this|the)\s+(?P<a>on-?site|in[- ]person|in-office|offline|hybrid)\s+"
    r"(?:internship|role|position|job|opportunity)\b|"
    r"\b(?:this|the)\s+(?:internship|role|position|job)\s+is\s+(?:fully\s+|100%\s+)?"
    r"(?P<b>on-?site|in[- ]person|office-based|hybrid)\b",
    re.IGNORECASE,
)


def _title_mode(title: str) -> Remote | None:
    m = _TITLE_MODE.search(title)
    if m is None:
        return None
    word = (m["mode"] or m["wfh"]).lower()
    if word.startswith("hybrid"):
        return "hybrid"
    if word.startswith("on"):
        return "onsite"
    return "remote"


def _opening_mode(text: str) -> Remote | None:
    # only called when the sources disagree (rare): one search of the whole text
    if m := _OPENING_MODE.search(text):
        word = (m["a"] or m["b"]).lower()
        return "hybrid" if word == "hybrid" else "onsite"
    return None


def remote_mode(raw_locations: list[str], text: str) -> Remote | None:
    """Raw locations first, then the title (the first line of ``text``), then the text.

    A raw or title "remote" the text contradicts gives None, unless the text names the
    opening's own mode ("This on-site internship"), which then wins.
    """
    end = text.find("\n", 0, 300)
    from_raw = remote_from_raw(raw_locations) or _title_mode(text[: end if end != -1 else 300])
    from_text = remote_from_text(text)
    if from_raw == "remote" and from_text in ("hybrid", "onsite"):
        return _opening_mode(text)
    return from_raw or from_text
