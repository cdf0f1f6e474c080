"""The pair decision of de-duplication: are these two postings the same opening?

Input is :class:`Features`, the compact per-posting record that de-duplication keeps in
SQLite (``dedup_postings``), so deciding never re-reads or re-parses the postings table.
The rules (issue 5):

* a shared job id in the URL (gh_jid, Lever/Ashby UUID, Workday requisition) or the same
  canonical URL is the same opening, unless the two name different seasons; a shared plain
  URL also needs compatible titles (a newsletter page can list several roles);
* otherwise the company must be the same (normalised) and the seasons and years must not
  differ;
* the same role tokens (or a one-typo variant) is the same opening, unless both have a
  long distinctive description and the two descriptions have nothing in common;
* titles where one only adds words to the other need the distinctive descriptions to agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from rapidfuzz import fuzz

# Minimum distinctive-description shingles for a description to count as evidence.
SUBSTANTIAL_SHINGLES = 20
# Below this estimated containment (share of the shorter description's shingles found in
# the longer) two substantial distinctive descriptions are different roles.
DIFFERENT_DESCRIPTION = 0.1
# At or above this, descriptions confirm a title that only adds words ("subset" titles).
SAME_DESCRIPTION = 0.7
# Titles this similar (rapidfuzz token_sort_ratio, 0-100) with one differing token: a typo.
TYPO_RATIO = 90.0
# A shared plain URL (no job id in it) still needs titles at least this similar.
URL_TITLE_RATIO = 70.0


class Via(IntEnum):
    """How a candidate was found; lower is stronger evidence."""

    NATIVE = 0
    URL = 1
    TITLE = 2
    LSH = 3


@dataclass(frozen=True)
class Features:
    """What de-duplication keeps per posting (one row of ``dedup_postings``)."""

    company: str
    title_tokens: tuple[str, ...]
    intern: bool
    seasons: frozenset[str]
    terms: frozenset[str]
    years: frozenset[str]
    signature: np.ndarray  # MinHash of title + distinctive description (uint32)
    desc_shingles: int  # distinctive description shingles behind the signature

    @property
    def title_text(self) -> str:
        return " ".join(self.title_tokens)


def _disjoint(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and not (a & b)


def seasons_conflict(a: Features, b: Features) -> bool:
    """True when the two name different seasons (strings, season words or years)."""
    return (
        _disjoint(a.seasons, b.seasons)
        or _disjoint(a.terms, b.terms)
        or _disjoint(a.years, b.years)
    )


def incompatible(a: Features, b: Features) -> bool:
    """Hard evidence of two openings: other seasons, or long descriptions with nothing shared.

    Used to keep a cluster whole: a posting that looks like one copy must not join (or
    merge) a cluster where it contradicts another copy.
    """
    return seasons_conflict(a, b) or _descriptions_differ(a, b)


def _descriptions_differ(a: Features, b: Features) -> bool:
    """Both descriptions long, and the shorter is (nearly) not contained in the longer.

    Containment, not Jaccard: a blog's short summary of a posting, or a copy whose
    signature still holds boilerplate, has a low Jaccard with the full text but is
    still contained in it. Estimated from the MinHash Jaccard and the set sizes.
    """
    if not _substantial(a, b):
        return False
    j = jaccard(a, b)
    containment = j / (1 + j) * (a.desc_shingles + b.desc_shingles)
    return containment / min(a.desc_shingles, b.desc_shingles) < DIFFERENT_DESCRIPTION


def jaccard(a: Features, b: Features) -> float:
    """Estimated Jaccard similarity of the two MinHash signatures."""
    return float(np.count_nonzero(a.signature == b.signature)) / len(a.signature)


def _title_relation(a: Features, b: Features) -> str:
    """``same``, ``typo``, ``subset`` or ``different`` for the two role-token lists."""
    if a.intern != b.intern:
        return "different"
    sa, sb = set(a.title_tokens), set(b.title_tokens)
    if sa == sb:
        return "same"
    if not sa or not sb:
        return "subset"
    diff_a, diff_b = sa - sb, sb - sa
    if (
        len(diff_a) == 1
        and len(diff_b) == 1
        and fuzz.ratio(next(iter(diff_a)), next(iter(diff_b))) >= TYPO_RATIO - 10
        and fuzz.token_sort_ratio(a.title_text, b.title_text) >= TYPO_RATIO
    ):
        return "typo"
    if sa <= sb or sb <= sa:
        return "subset"
    return "different"


def _substantial(a: Features, b: Features) -> bool:
    return a.desc_shingles >= SUBSTANTIAL_SHINGLES and b.desc_shingles >= SUBSTANTIAL_SHINGLES


def same_opening(a: Features, b: Features, via: Via) -> bool:
    """The pair decision; ``via`` says whether the pair shares a job id or URL."""
    if seasons_conflict(a, b):
        return False
    if via == Via.NATIVE:
        return True
    if via == Via.URL:
        if not a.title_tokens or not b.title_tokens:
            return True
        return fuzz.token_set_ratio(a.title_text, b.title_text) >= URL_TITLE_RATIO
    if a.company != b.company:
        return False
    relation = _title_relation(a, b)
    if relation in ("same", "typo"):
        return not _descriptions_differ(a, b)
    if relation == "subset":
        return _substantial(a, b) and jaccard(a, b) >= SAME_DESCRIPTION
    return False
