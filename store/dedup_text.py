"""Text normalisation for de-duplication: title tokens, seasons, sentences.

Pure functions, no database. Folding and company keys come from :mod:`store.names` and
place names from :mod:`store.places`: the rules every room shares. What counts as "the
same title" lives here: case, accents, punctuation, requisition numbers, places,
seasons/years and the many spellings of "internship" are not what tells two roles apart,
so they are removed from the title tokens; the seasons and years are kept aside, because
the same role in two seasons is two openings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from store.names import fold, plain, words
from store.places import TITLE_PLACE_CODES, place_names

# Words meaning "this is an internship": all spellings fold to the single token "intern".
_INTERN_WORDS: frozenset[str] = frozenset(
    {
        "intern", "interns", "internship", "internships", "coop", "co-op", "placement",
        "apprentice", "apprenticeship", "trainee", "werkstudent", "praktikum", "praktikant",
        "stage", "stagiaire", "industrial",
    }
)
# Words that carry no meaning about which role it is.
_FILLER: frozenset[str] = frozenset(
    {
        "a", "an", "the", "of", "for", "in", "at", "and", "to", "with", "on", "or", "is",
        "are", "we", "re", "hiring", "job", "jobs", "opening", "openings", "position",
        "positions", "role", "roles", "opportunity", "opportunities", "program", "programme",
        "student", "students", "working", "paid", "new", "now", "apply", "term", "based",
        "op", "us", "usa", "uk", "eu", "emea", "apac", "latam", "americas", "remote",
        "hybrid", "onsite", "on-site", "office", "multiple", "locations", "location",
        "various", "wfh", "anywhere", "worldwide", "global", "nationwide", "team",
    }
)
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "engineering": ("engineer",),
    "engineers": ("engineer",),
    "eng": ("engineer",),
    "engr": ("engineer",),
    "developers": ("developer",),
    "dev": ("developer",),
    "scientist": ("science",),
    "scientists": ("science",),
    "sciences": ("science",),
    "analysts": ("analyst",),
    "swe": ("software", "engineer"),
    "sde": ("software", "developer", "engineer"),
    "ml": ("machine", "learning"),
    "sr": ("senior",),
    "jr": ("junior",),
    "mgmt": ("management",),
    "ops": ("operations",),
    "ux": ("user", "experience"),
    "ui": ("user", "interface"),
}
SEASON_TERMS: frozenset[str] = frozenset({"summer", "fall", "autumn", "winter", "spring"})
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_SHORT_YEAR = re.compile(r"^'(\d\d)$")
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|'\d\d")  # the tokens of store.names.words
# Sentence/line ends and bullets (punctuation is dropped from sentences anyway).
_SENTENCE_SPLIT = re.compile(r"[\n\r.!?;:•·▪●◦|]+")
# Requisition-looking tokens: r12345, jr-7309, 2024-12345, req123 ...
_REQ = re.compile(r"^(?:[a-z]{1,4}-?)?\d{3,}(?:-\d+)?$")

# Place names whose words are also ordinary role words: never treated as a place.
_NOT_PLACES: frozenset[str] = frozenset(
    {
        "mobile", "independence", "surprise", "orange", "temple", "victoria", "lincoln",
        "reading", "bath", "florence", "aurora", "phoenix", "salem", "sterling", "columbia",
        "hollywood", "paradise", "enterprise", "commerce", "industry", "security", "normal",
        "media", "university", "college", "federal", "marina", "pearl", "ontario", "georgia",
        "washington", "jackson", "madison", "franklin", "clinton", "hamilton", "cambridge",
        "oxford", "santa", "san", "saint", "st", "east", "west", "north", "south", "central",
        "city", "new", "fort", "lake", "port", "mount", "springs", "beach", "valley", "delta",
        "eagle", "energy", "summit", "pioneer", "quantum", "data", "design", "product",
    }
)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=1)
def place_phrases() -> frozenset[tuple[str, ...]]:
    """Place names (as token tuples) to strip from titles: the one place table's countries,
    US states, cities of 100,000+ people and aliases (:func:`store.places.place_names`),
    minus names that are also role words (:data:`_NOT_PLACES`); single-token names shorter
    than 4 letters are skipped too, as are two-letter state codes (too often real words).
    """
    names = place_names(100_000)
    phrases: set[tuple[str, ...]] = {(code,) for code in TITLE_PLACE_CODES}
    for name in names:
        toks = tuple(words(name))
        if not toks or (len(toks) == 1 and (len(toks[0]) < 4 or toks[0] in _NOT_PLACES)):
            if toks and toks[0] in {"nyc", "sf", "dc"}:
                phrases.add(toks)
            continue
        if len(toks) > 1 and all(t in _NOT_PLACES for t in toks):
            continue
        phrases.add(toks)
    return frozenset(phrases)


def _strip_places(tokens: list[str], extra: frozenset[tuple[str, ...]]) -> list[str]:
    """Tokens with place-name phrases (up to 3 words) removed."""
    known = place_phrases()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in (3, 2, 1):
            gram = tuple(tokens[i : i + n])
            if len(gram) == n and (gram in known or gram in extra):
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@dataclass(frozen=True)
class TitleInfo:
    """What a title says: role tokens (ordered), seasons/years it names, internship or not."""

    tokens: tuple[str, ...]
    terms: frozenset[str]
    years: frozenset[str]
    intern: bool

    @property
    def key(self) -> str:
        """Order-free key: distinct role tokens, sorted, plus the internship flag."""
        return ("i|" if self.intern else "f|") + " ".join(sorted(set(self.tokens)))


def place_tokens(location_texts: list[str]) -> frozenset[tuple[str, ...]]:
    """Phrases of a posting's own locations (each location and each comma part)."""
    return _place_tokens(tuple(location_texts))


@lru_cache(maxsize=4096)
def _place_tokens(location_texts: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """Cached: the same few office names recur across a company's postings."""
    phrases: set[tuple[str, ...]] = set()
    for text in location_texts:
        for part in [text, *re.split(r"[,/()|;]| - ", text)]:
            toks = tuple(words(part))
            if toks and len(toks) <= 3:
                phrases.add(toks)
    return frozenset(phrases)


@lru_cache(maxsize=4096)
def _company_tokens(company: str) -> frozenset[str]:
    """Words of the company name that title_info drops (cached: postings come by company)."""
    return frozenset({t.replace("'", "") for t in words(company)} - {"the", "and"})


def title_info(title: str, company: str, places: frozenset[tuple[str, ...]]) -> TitleInfo:
    """Normalise ``title``: the role tokens, plus the seasons, years and internship flag it names.

    Removed: the company's own name (blog titles repeat it), place names (the posting's
    own locations, countries, US states, cities), requisition numbers, filler words, and
    the internship words (kept as the ``intern`` flag). Synonyms are folded
    ("Engineering" -> "engineer", "SWE" -> "software engineer").
    """
    raw = words(title)
    company_toks = _company_tokens(company)
    terms: set[str] = set()
    years: set[str] = set()
    intern = False
    kept: list[str] = []
    for tok in raw:
        short = _SHORT_YEAR.match(tok)
        if _YEAR.match(tok):
            years.add(tok)
        elif short:
            years.add("20" + short.group(1))
        elif tok in SEASON_TERMS:
            terms.add("fall" if tok == "autumn" else tok)
        elif tok in _INTERN_WORDS or tok.startswith("intern"):
            intern = True
        elif tok in company_toks or _REQ.match(tok):
            continue
        else:
            kept.append(tok)
    kept = _strip_places(kept, places)
    tokens: list[str] = []
    for tok in kept:
        if tok in _FILLER:
            continue
        tokens.extend(_SYNONYMS.get(tok, (tok,)))
    return TitleInfo(tuple(tokens), frozenset(terms), frozenset(years), intern)


def season_parts(seasons: list[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(normalised season strings, season terms, years) of a posting's ``seasons`` list."""
    full: set[str] = set()
    terms: set[str] = set()
    years: set[str] = set()
    for season in seasons:
        toks = words(season)
        full.add(" ".join("fall" if t == "autumn" else t for t in toks))
        for tok in toks:
            if _YEAR.match(tok):
                years.add(tok)
            elif tok in SEASON_TERMS:
                terms.add("fall" if tok == "autumn" else tok)
    return frozenset(full), frozenset(terms), frozenset(years)


# For sentences(): a bytes.translate table over folded ASCII text keeping the characters
# _WORD can match, turning the sentence ends of _SENTENCE_SPLIT into newlines and anything
# else into a space; _SENTENCE_SPLIT's non-ASCII sentence ends are handled apart.
_WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789'-"
_SENTENCE_BYTES = bytes(
    10 if chr(b) in "\n\r.!?;:|" else b if chr(b) in _WORD_CHARS else 32 for b in range(256)
)
_NON_ASCII_ENDS = "•·▪●◦"
# A hyphen without a letter or digit on each side is never inside a _WORD token, so it can
# become a space; every hyphen left is then inside a word, as str.split sees it.
_LOOSE_HYPHEN = re.compile(r"-(?:(?<![a-z0-9]-)|(?![a-z0-9]))")


def sentences(description: str) -> list[str]:
    """Normalised sentences/lines of a description (folded, punctuation-free, >= 3 words).

    Same result as splitting ``fold(description)`` on _SENTENCE_SPLIT and taking the
    _WORD tokens of each piece, but with C-speed string methods: every character _WORD
    cannot match becomes a space (the regex finds the same tokens), sentence ends become
    newlines, and loose hyphens spaces; a piece is then tokenised by ``str.split`` unless
    it holds an apostrophe (``'23``), which needs the regex.
    """
    text = description
    if not text.isascii():
        for char in set(_NON_ASCII.findall(text)):
            replacement = _sentence_char(char)
            if replacement is None:
                return _sentences_by_regex(fold(description))
            text = text.replace(char, replacement)
    text = text.lower().replace("&", " and ")
    text = text.encode("ascii").translate(_SENTENCE_BYTES).decode("ascii")
    if "-" in text:
        text = _LOOSE_HYPHEN.sub(" ", text)
    out: list[str] = []
    for piece in filter(None, text.split("\n")):
        toks = _WORD.findall(piece) if "'" in piece else piece.split()
        if len(toks) >= 3:
            out.append(" ".join(toks))
    return out


@lru_cache(maxsize=4096)
def _sentence_char(char: str) -> str | None:
    """ASCII stand-in for a non-ASCII character in sentences(), or None for the regex path.

    The character's fold, in which each non-ASCII character left becomes a newline if it
    is a sentence end and a space otherwise: _WORD cannot match it (lower-casing, done
    after, keeps it non-ASCII). None if one is a decimal digit: _WORD's ``'\\d\\d`` can.
    """
    out: list[str] = []
    for ch in plain(char):
        if ch.isascii():
            out.append(ch)
        elif ch.isdecimal():
            return None
        else:
            out.append("\n" if ch in _NON_ASCII_ENDS else " ")
    return "".join(out)


def _sentences_by_regex(folded: str) -> list[str]:
    out: list[str] = []
    for piece in _SENTENCE_SPLIT.split(folded):
        toks = _WORD.findall(piece)
        if len(toks) >= 3:
            out.append(" ".join(toks))
    return out


def shingles(sentence: str, size: int = 3) -> list[str]:
    """Word ``size``-grams of one normalised sentence."""
    toks = sentence.split(" ")
    if len(toks) <= size:
        return [sentence]
    return [" ".join(toks[i : i + size]) for i in range(len(toks) - size + 1)]
