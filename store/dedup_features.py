"""What de-duplication knows of one posting: its keys, title features and MinHash signature.

:func:`prepare_row` reads a posting row (title, seasons, exact keys: job id, URLs, title
and role keys); :func:`finish_features` adds the description's MinHash signature and LSH
band keys once the company's boilerplate sentences are counted; :func:`features_from_row`
reads back what :mod:`store.dedup` stored. Pure functions over rows: the database work
and the clustering decisions are :mod:`store.dedup`'s.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash

from store.dedup_match import SUBSTANTIAL_SHINGLES, Features, Via
from store.dedup_text import place_tokens, season_parts, sentences, shingles, title_info
from store.names import company_key
from store.urls import canonical_url, native_key

NUM_PERM = 32
BANDS = 16
ROWS = NUM_PERM // BANDS
SEED = 20261124
# A sentence in postings of this many distinct roles of one company is boilerplate.
BOILERPLATE_MIN = 3
# Shingles per posting fed to MinHash (the rest of a very long description adds little).
MAX_SHINGLES = 400

_MINHASH_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")



def h64(text: str) -> int:
    """Stable signed 64-bit hash (SQLite INTEGER range)."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def h64_fast(text: str) -> int:
    """Cheaper stable signed 64-bit hash (CRC-32 and Adler-32 side by side) for sentences."""
    data = text.encode("utf-8")
    value = (zlib.crc32(data) << 32) | zlib.adler32(data)
    return value - (1 << 64) if value >= (1 << 63) else value


def json_list(value: object) -> list[Any]:
    """A list column as stored by sqlite-utils (JSON text), or already decoded."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        decoded = json.loads(value)
        return decoded if isinstance(decoded, list) else []
    return list(value) if isinstance(value, list | tuple) else []


@dataclass
class Item:
    """One posting being assigned: its features, keys and (at the end) its cluster."""

    posting_id: str
    features: Features
    keys: dict[int, Via]
    role_key: int
    fuzzy: bool  # title/description keys allowed (see prepare_row)
    sentence_hashes: list[int]
    distinct_sentences: list[str]
    rid: int = 0
    cluster_id: str = ""


def _location_texts(row: dict[str, Any]) -> list[str]:
    texts = [str(x) for x in json_list(row.get("raw_locations"))]
    for loc in json_list(row.get("locations")):
        if isinstance(loc, dict):
            texts.extend(str(loc[k]) for k in ("city", "region") if loc.get(k))
    return texts


def prepare_row(row: dict[str, Any]) -> Item:
    """Title, seasons and exact keys of one posting row (description handled later)."""
    ck = company_key(row["company"] or "")
    info = title_info(row["title"] or "", row["company"] or "", place_tokens(_location_texts(row)))
    full, terms, years = season_parts([str(s) for s in json_list(row.get("seasons"))])
    keys: dict[int, Via] = {}
    # an apply URL equal to the URL adds nothing (canonical_url is costly)
    for url in dict.fromkeys((row.get("url"), row.get("apply_url"))):
        if not url:
            continue
        nk = native_key(url)
        if nk:
            keys[h64("n|" + nk)] = Via.NATIVE
        cu = h64("u|" + canonical_url(url))
        keys.setdefault(cu, Via.URL)
    # Role key: title words cut to 3 letters, so a misspelt copy ("Enginer") still counts
    # as the same role for boilerplate statistics, and is found as a candidate.
    prefixes = " ".join(sorted({tok[:3] for tok in info.tokens}))
    role_key = h64(f"r|{ck}|{info.intern}|{prefixes}")
    # Without a company name, or for an article (a story, not an opening), only a shared
    # job id or URL can make a duplicate: no title or description keys.
    fuzzy = bool(ck) and row.get("kind", "posting") != "article"
    if fuzzy:
        keys.setdefault(h64(f"t|{ck}|{info.key}"), Via.TITLE)
        keys.setdefault(role_key, Via.LSH)
    sents = sentences(row.get("description") or "")
    features = Features(
        company=ck,
        title_tokens=info.tokens,
        intern=info.intern,
        seasons=full,
        terms=terms | info.terms,
        years=years | info.years,
        signature=np.zeros(0, dtype=np.uint32),
        desc_shingles=0,
    )
    unique = list(dict.fromkeys(sents))
    return Item(
        posting_id=row["id"],
        features=features,
        keys=keys,
        role_key=role_key,
        fuzzy=fuzzy,
        sentence_hashes=[h64_fast(s) for s in unique],
        distinct_sentences=unique,
    )


def _identity(value: int) -> int:
    return value


def _signature(title_tokens: Iterable[str], shingle_texts: list[str]) -> np.ndarray:
    """MinHash (datasketch, affine32) over title tokens and description shingles."""
    values = [zlib.crc32(b"t:" + tok.encode()) for tok in title_tokens]
    values.extend(zlib.crc32(s.encode()) for s in shingle_texts)
    mh = MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        hashfunc=_identity,
        permutations=_MINHASH_TEMPLATE.permutations,
        scheme="affine32",
    )
    if values:
        mh.update_batch(values)
    return np.asarray(mh.hashvalues, dtype=np.uint32)


def finish_features(item: Item, counts: dict[tuple[str, int], int]) -> None:
    """Signature over distinctive sentences; LSH band keys when the description is substantial."""
    company = item.features.company
    grams: list[str] = []
    for text, h in zip(item.distinct_sentences, item.sentence_hashes, strict=True):
        if counts.get((company, h), 0) >= BOILERPLATE_MIN:
            continue
        grams.extend(shingles(text))
        if len(grams) >= MAX_SHINGLES:
            break
    grams = list(dict.fromkeys(grams[:MAX_SHINGLES]))
    sig = _signature(item.features.title_tokens, grams)
    item.features = Features(**{**item.features.__dict__, "signature": sig,
                                "desc_shingles": len(grams)})
    if item.fuzzy and len(grams) >= SUBSTANTIAL_SHINGLES:
        raw = sig.tobytes()
        width = ROWS * 4
        for band in range(BANDS):
            chunk = raw[band * width : (band + 1) * width].hex()
            item.keys.setdefault(h64(f"b|{company}|{band}|{chunk}"), Via.LSH)
    item.distinct_sentences = []
    item.sentence_hashes = []


def features_from_row(row: tuple[Any, ...]) -> Features:
    company, tokens, intern, seasons, terms, years, sig, n = row
    split = (lambda s: frozenset(s.split("|")) if s else frozenset())  # noqa: E731
    return Features(
        company=company,
        title_tokens=tuple(tokens.split(" ")) if tokens else (),
        intern=bool(intern),
        seasons=split(seasons),
        terms=split(terms),
        years=split(years),
        signature=np.frombuffer(sig, dtype=np.uint32),
        desc_shingles=n,
    )
