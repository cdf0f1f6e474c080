"""Would a learned posting/article classifier beat the hand rules (issue 12, point 7)?

Cross-validation on the TUNE part of the real corpus only (tests/fixtures/corpus, see
bench_enrich.py; the test part is never read here). Folds are grouped by source group
(``group``: one board, one blog, one data file), as the corpus's tune/test split is, so a
model is always judged on sources it never saw. Every record is classified (not only the
feed and page entries production sends to spiders/classify.py), which gives the model and
the rules the same, larger sample; the figures for the entries production classifies are
printed too.

Models (scikit-learn, an optional dependency: ``pip install -e '.[learn]'``):

- ``rules``: spiders.classify.classify_entry as it is (no training);
- ``cues+lr``: logistic regression on the rules' own cue weights (one column per cue);
- ``tfidf+lr``: logistic regression on word 1-2-gram tf-idf of the title and text;
- ``both+lr``: the two feature sets together.

A learned model predicts ``posting`` only above a probability of 0.5 (``--cut`` to change).
Printed per model: accuracy, articles filed as postings, postings filed as articles,
and the mean cost per entry of predicting (features included).

Usage: ``python bench/learned_kind.py [--folds 5] [--cut 0.5]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_enrich import ATS, _text, load_corpus  # noqa: E402
from spiders.classify import classify_entry, cues  # noqa: E402


def _rows() -> list[tuple[str, str, bool, str, bool, bool]]:
    """(title, text, located, group, is_posting, production_classifies) of each tune record."""
    rows = []
    for record in load_corpus("tune"):
        inp = record["input"]
        title = " ".join(str(inp.get("title") or "").split())
        located = bool([x for x in inp.get("raw_locations") or [] if x])
        classified = inp["source_type"] not in ATS and (inp["source_type"] == "feed"
                                                        or not inp.get("company"))
        rows.append((title, _text(inp), located, record["group"],
                     record["expected"].get("kind", "posting") == "posting", classified))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cut", type=float, default=0.5)
    args = parser.parse_args(argv)
    try:
        import numpy as np
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold
    except ImportError:
        print("scikit-learn is not installed: pip install -e '.[learn]'")
        return 1

    rows = _rows()
    y = np.array([r[4] for r in rows])
    groups = [r[3] for r in rows]
    docs = [f"{r[0]}\n{r[0]}\n{r[1][:4000]}" for r in rows]
    cue_dicts = [{c.name: c.weight for c in cues(r[0], r[1], located=r[2])} for r in rows]
    predictions: dict[str, np.ndarray] = {}
    costs: dict[str, float] = {}

    start = time.perf_counter()
    predictions["rules"] = np.array([classify_entry(r[0], r[1], located=r[2]) == "posting"
                                     for r in rows])
    costs["rules"] = (time.perf_counter() - start) / len(rows)

    for name in ("cues+lr", "tfidf+lr", "both+lr"):
        out = np.zeros(len(rows), dtype=bool)
        spent = 0.0
        for train, held in GroupKFold(n_splits=args.folds).split(docs, y, groups):
            parts_train: list = []
            if name != "tfidf+lr":
                dv = DictVectorizer()
                parts_train.append(dv.fit_transform([cue_dicts[i] for i in train]))
            if name != "cues+lr":
                tv = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                     max_features=20000)
                parts_train.append(tv.fit_transform([docs[i] for i in train]))
            model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
            model.fit(hstack(parts_train).tocsr() if len(parts_train) > 1 else parts_train[0],
                      y[train])
            t0 = time.perf_counter()
            for i in held:
                row = []
                if name != "tfidf+lr":
                    fresh = {c.name: c.weight for c in cues(rows[i][0], rows[i][1],
                                                             located=rows[i][2])}
                    row.append(dv.transform([fresh]))
                if name != "cues+lr":
                    row.append(tv.transform([docs[i]]))
                x = hstack(row).tocsr() if len(row) > 1 else csr_matrix(row[0])
                out[i] = model.predict_proba(x)[0, 1] >= args.cut
            spent += time.perf_counter() - t0
        predictions[name] = out
        costs[name] = spent / len(rows)

    classified = np.array([r[5] for r in rows])
    print(f"tune part: {len(rows)} records ({int(y.sum())} postings), {args.folds}-fold CV "
          f"grouped by source; {int(classified.sum())} of them go through classify_entry "
          f"in production")
    print(f"  {'model':<10}{'acc':>7}{'art->post':>11}{'post->art':>11}"
          f"{'acc(prod)':>11}{'art->post(prod)':>17}{'ms/entry':>10}")
    for name, pred in predictions.items():
        acc = float((pred == y).mean())
        a2p = int((pred & ~y).sum())
        p2a = int((~pred & y).sum())
        acc_p = float((pred[classified] == y[classified]).mean())
        a2p_p = int((pred[classified] & ~y[classified]).sum())
        print(f"  {name:<10}{acc:>7.3f}{a2p:>11}{p2a:>11}{acc_p:>11.3f}{a2p_p:>17}"
              f"{costs[name] * 1000:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
