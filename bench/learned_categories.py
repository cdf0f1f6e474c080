"""Would a learned role-family (categories) model beat the hand rules (issue 12, point 7)?

Cross-validation on the postings of the TUNE part of the real corpus only, folds grouped by
source group (see bench/learned_kind.py). Compared, on the same held-out postings:

- ``rules``: spiders.enrich.categories.categories as it is;
- ``tfidf+lr``: one-vs-rest logistic regression on word 1-2-gram tf-idf of the title
  (three times), the team and the description's first 1,500 characters; the families whose
  probability is at least ``--cut`` (at most two, the best first), else the best one;
- ``rules|lr``: the rules, and the model only where the rules give nothing or "other".

Scored as bench_enrich.py scores categories (per element: TP, FP, FN).
Usage: ``python bench/learned_categories.py [--folds 5] [--cut 0.35]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_enrich import _text, load_corpus  # noqa: E402
from spiders.enrich.categories import categories  # noqa: E402


def _score(pairs: list[tuple[list[str], list[str]]]) -> tuple[float, float]:
    tp = fp = fn = 0
    for want, got in pairs:
        tp += sum(1 for g in got if g in want)
        fp += sum(1 for g in got if g not in want)
        fn += sum(1 for w in want if w not in got)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cut", type=float, default=0.35)
    args = parser.parse_args(argv)
    try:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer
    except ImportError:
        print("scikit-learn is not installed: pip install -e '.[learn]'")
        return 1
    records = [r for r in load_corpus("tune")
               if r["expected"].get("kind", "posting") == "posting" and r["expected"].get("categories")]
    titles = [" ".join(str(r["input"].get("title") or "").split()) for r in records]
    texts = [_text(r["input"]) for r in records]
    teams = [r["input"].get("team") for r in records]
    want = [list(r["expected"]["categories"]) for r in records]
    groups = [r["group"] for r in records]
    docs = [f"{t} {t} {t} {team or ''} {x[:1500]}" for t, team, x in zip(titles, teams, texts, strict=True)]
    rules = [list(categories(t, team, x)) for t, team, x in zip(titles, teams, texts, strict=True)]
    mlb = MultiLabelBinarizer()
    y = mlb.fit_transform(want)
    learned: list[list[str]] = [[] for _ in records]
    for train, held in GroupKFold(n_splits=args.folds).split(docs, y, groups):
        tv = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
        x_train = tv.fit_transform([docs[i] for i in train])
        keep = y[train].sum(axis=0) > 0  # families seen in this fold's training postings
        model = OneVsRestClassifier(LogisticRegression(C=8.0, max_iter=2000,
                                                       class_weight="balanced"))
        model.fit(x_train, y[train][:, keep])
        names = mlb.classes_[keep]
        proba = model.predict_proba(tv.transform([docs[i] for i in held]))
        for row, i in zip(proba, held, strict=True):
            order = np.argsort(-row)
            picked = [str(names[j]) for j in order[:2] if row[j] >= args.cut]
            learned[i] = picked or [str(names[order[0]])]
    hybrid = [r if r and r != ["other"] else m for r, m in zip(rules, learned, strict=True)]
    print(f"tune postings with categories: {len(records)}; {args.folds}-fold CV grouped by source")
    for name, got in (("rules", rules), ("tfidf+lr", learned), ("rules|lr", hybrid)):
        p, r = _score(list(zip(want, got, strict=True)))
        print(f"  {name:<10} precision {p:.3f} recall {r:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
