"""Measure the theme coder and the clusters; write benchmarks/THEMES.md.

Run from the project root::

    make themes-eval                                     # writes benchmarks/THEMES.md
    .venv/bin/python benchmarks/eval_themes.py --out -   # markdown to stdout only
    .venv/bin/python benchmarks/eval_themes.py --quick   # skip ablations and cluster seeds

Measured: leave-one-document-out and leave-one-district-out cross-validation
of the supervised coder on the project's labels (top-1, top-2, unclear share,
calibration, per-theme precision and recall, confusion table), the held-out
set ``benchmarks/heldout_labels.csv`` and the independent held-out set
``benchmarks/heldout2_labels.csv`` (neither used in training; the second split
into a tuning half A and a reporting half B by a fixed hash of ``task_id``), ablations,
the earlier seed-term coder for reference, and the text-only clusters against
the labels and the codes. Every random step is seeded; nothing depends on row order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from compare import clusters, codebook, coder, config, features, shares, themes, training
from compare.corpus import load_corpus

HERE = Path(__file__).resolve().parent
HELDOUT = HERE / "heldout_labels.csv"
HELDOUT2 = HERE / "heldout2_labels.csv"
OUT = HERE / "THEMES.md"


def _table(rows: list[dict], floatfmt: str = "{:.3f}") -> str:
    columns = list(rows[0]) if rows else []
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for r in rows:
        cells = []
        for c in columns:
            v = r[c]
            if isinstance(v, np.integer):
                v = int(v)
            cells.append(floatfmt.format(v) if isinstance(v, float | np.floating) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _heldout(path: Path = HELDOUT) -> pd.DataFrame:
    h = pd.read_csv(path, dtype=str, keep_default_na=False)
    return (
        h.assign(text=h["title"] + "\n" + h["body"]).sort_values("task_id").reset_index(drop=True)
    )


def half(task_id: str) -> str:
    """The fixed half of a held-out-2 task: ``"A"`` (tuning) or ``"B"`` (reporting only).

    The first byte of the SHA-256 of the task id, even → A, odd → B, so the
    split never depends on row order, on the labels or on the coder.

    >>> half("k001"), half("k002")
    ('A', 'B')
    """
    return "A" if hashlib.sha256(task_id.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def longest_shared(text: str, corpus: str) -> int:
    """Length of the longest run of characters of ``text`` that also occurs in ``corpus``.

    >>> longest_shared("推进医养结合", "支持医养结合机构")
    4
    """
    best = 0
    for i in range(len(text)):
        j = i + best + 1
        while j <= len(text) and text[i:j] in corpus:
            best, j = j - i, j + 1
    return best


def _by_overlap(pred: pd.DataFrame, frame: pd.DataFrame, corpus: str) -> list[dict]:
    """Top-1 by the longest string a held-out task shares with the training text."""
    run = np.array([longest_shared(t, corpus) for t in frame["title"] + "。" + frame["body"]])
    hit = pred.set_index("task_id").loc[frame["task_id"], "guess"] == frame["code"].to_numpy()
    hit = hit.to_numpy()
    rows = []
    for lo, hi in ((0, 7), (7, 10), (10, 1000)):
        m = (run >= lo) & (run < hi)
        rows.append(
            {
                "longest shared string": f"{lo}–{hi - 1} characters" if hi < 1000 else f"≥ {lo}",
                "tasks": int(m.sum()),
                "top-1": float(hit[m].mean()) if m.any() else float("nan"),
            }
        )
    return rows


def _with_interval(row: dict) -> dict:
    lo, hi = shares.proportion_interval(round(row["top-1"] * row["tasks"]), row["tasks"])
    return {**row, "top-1 95% interval": f"{float(lo):.2f}–{float(hi):.2f}"}


def _misses(pred: pd.DataFrame, frame: pd.DataFrame) -> str:
    wrong = pred[pred["guess"] != pred["code"]].merge(frame[["task_id", "title"]], on="task_id")
    return _table(
        [
            {
                "task_id": r.task_id,
                "title": r.title,
                "label": r.code,
                "coded": r.guess,
                "runner-up": r.guess_2,
                "confidence": float(r.confidence),
            }
            for r in wrong.itertuples()
        ]
    )


def _predict(model: coder.ThemeCoder, frame: pd.DataFrame) -> pd.DataFrame:
    P = model.predict_proba(list(frame["title"]), list(frame["text"]))
    order = np.argsort(-P, axis=1, kind="stable")
    codes = np.array(model.codes)
    return pd.DataFrame(
        {
            "task_id": frame["task_id"].to_numpy(),
            "code": frame["code"].to_numpy(),
            "guess": codes[order[:, 0]],
            "guess_2": codes[order[:, 1]],
            "confidence": P[np.arange(len(P)), order[:, 0]],
        }
    )


def _weak(per: list[dict]) -> list[dict]:
    """Themes with at least 5 examples and recall below 0.60."""
    return [r for r in per if r["examples"] >= 5 and r["recall"] < 0.6]


def _weak_sentence(weak: list[dict]) -> str:
    """The sentence naming :func:`_weak` themes, or none."""
    names = ", ".join(f"{r['code']} ({r['recall']:.2f})" for r in weak) if weak else "none"
    return f"\nThemes with at least 5 examples and recall below 0.60: {names}."


def _per_theme(cv: pd.DataFrame, codes: list[str], names: dict[str, str]) -> list[dict]:
    rows = []
    for c in codes:
        gold = cv["code"] == c
        pred = cv["guess"] == c
        tp = int((gold & pred).sum())
        rows.append(
            {
                "code": c,
                "theme": names[c],
                "examples": int(gold.sum()),
                "coded": int(pred.sum()),
                "precision": tp / pred.sum() if pred.any() else float("nan"),
                "recall": tp / gold.sum() if gold.any() else float("nan"),
            }
        )
    return rows


def _confusion(cv: pd.DataFrame, codes: list[str]) -> str:
    table = pd.crosstab(cv["code"], cv["guess"]).reindex(index=codes, columns=codes, fill_value=0)
    lines = ["| label \\ coded | " + " | ".join(codes) + " |", "|---" * (len(codes) + 1) + "|"]
    for c in codes:
        cells = [str(v) if v else "·" for v in table.loc[c]]
        cells = [f"**{v}**" if codes[j] == c and v != "·" else v for j, v in enumerate(cells)]
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _bands(cv: pd.DataFrame, threshold: float) -> list[dict]:
    rows = []
    for lo, hi in [(0.0, threshold), (threshold, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)]:
        m = (cv["confidence"] >= lo) & (cv["confidence"] < hi)
        rows.append(
            {
                "confidence": f"{lo:g}–{min(hi, 1):g}",
                "tasks": int(m.sum()),
                "mean confidence": float(cv.loc[m, "confidence"].mean())
                if m.any()
                else float("nan"),
                "share right": float((cv.loc[m, "guess"] == cv.loc[m, "code"]).mean())
                if m.any()
                else float("nan"),
            }
        )
    return rows


def _acc_row(name: str, cv: pd.DataFrame, threshold: float, seconds: float | None = None) -> dict:
    a = coder.accuracy(cv, threshold)
    row = {
        "setting": name,
        "tasks": a["n"],
        "top-1": a["top1"],
        "top-2": a["top2"],
        "unclear": a["unclear"],
        "top-1 of the rest": a["top1_clear"],
    }
    if seconds is not None:
        row["seconds"] = seconds
    return row


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def evaluate(quick: bool = False, raw_dir: str | Path | None = None) -> str:
    """Every measurement, as the markdown of benchmarks/THEMES.md."""
    warnings.filterwarnings("ignore")
    out: list[str] = []
    say = out.append
    cb = codebook.load_codebook()
    codes = list(cb["code"])
    names = dict(zip(cb["code"], cb["theme"], strict=True))
    thr = coder.DEFAULT_THRESHOLD
    seeds = training.seed_labels()
    held = _heldout()

    say("# Themes: measured quality\n")
    say(
        f"Written by `make themes-eval` (`benchmarks/eval_themes.py`) on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC at commit `{_git_commit()}`. "
        "Every random step is seeded and every fit sorts its input, so the figures repeat.\n"
    )
    say(
        """## What is measured against what

* **Labels**: `src/compare/resources/labels_seed.csv` (a copy of
  `benchmarks/validation_labels.csv` with the task text) gives one primary code to each
  of the 110 tasks of the 5 seed plans (3 districts). One person's labels.
* **The coder** (`compare.coder`, called by `themes.code_tasks`): a linear SVM on word
  (jieba, project dictionary) and character 1–3-gram TF-IDF, trained on the labelled
  tasks, the codebook notes (`resources/themes_notes.tsv`: per theme a Chinese inclusion
  note, exclusions naming where near-misses go, and example task phrases) and one
  seed-term example per theme. Probabilities are a softmax of the margins with one
  temperature fitted on per-document out-of-fold predictions. Below the threshold
  (`coder.DEFAULT_THRESHOLD`) a task is coded `?` (未定, unclear).
* **Cross-validation**: each document (LODO) or district (LODistrictO) is held out in
  turn; the model is trained on the other labelled tasks plus the notes and seed
  terms, then codes the held-out tasks. "top-1" counts every task by its best guess,
  also those that the threshold would code unclear.
* **Held-out set**: `benchmarks/heldout_labels.csv`, 73 task titles with one sentence of
  body each, written from the codebook scope in the wording of plans from other
  provinces (no seed text copied), including the hard cases the issue names (health
  weeks and awareness days → K; 为民办实事/民生实事 projects by their content). It is
  never used in training.
* **Held-out set 2**: `benchmarks/heldout2_labels.csv`, 155 tasks (7–10 per theme), a
  title and one sentence each in the wording of work points and five-year plans of
  provinces, cities and counties across China, including the hard cases an analyst
  meets (为民办实事 items, 三医联动, 安全生产, 托育, 出生缺陷, 职业病, 家庭病床,
  国家医学中心, 社会办医, 医疗美容, 信访, 乡村医生, 医共体, 援疆援藏 …). Written by a
  second author from the English scope alone, before reading the Chinese notes or the
  seed labels, and committed before the coder was run on it. It is split by a fixed
  hash of `task_id` into half A (84 tasks), the only half looked at when the notes
  were revised, and half B (71 tasks), reported only. Never used in training; the
  notes' phrases added after it was written share no run of 7 characters with either
  held-out set.
* **Honesty notes.** (1) The seed terms were written after reading the seed plans, so
  they carry the seeds' wording into every cross-validation fold; the ablation without
  seed terms shows how much that matters. (2) The codebook notes and the held-out set
  were written by the same developer in the same sitting, from the codebook scope:
  they share the codebook's vocabulary, so the held-out figure is optimistic about
  plans worded far from the codebook. For reference, the earlier seed-term coder
  scores much higher on this held-out set than the ~60% the issue measured on its own
  set of other places' tasks, which says this set is easier than real plans.
  (3) Held-out set 2 is independent of the notes but not of the genre: its author,
  like the notes' author, writes in the stock phrases of national policy documents,
  and the earlier seed-term coder also scores well on it (table below), so it is
  still easier than plans that word things their own way; where its labels follow
  the scope against a note (集采 → D by "pharmacy and drug use" where the notes say N;
  两癌筛查 → H where the notes put cancer screening in F), the misses are
  disagreements between two readings of the codebook, not only coder errors.
  (4) With 3 districts, leave-one-district-out has 3 folds and 110 tasks: one task
  more or less right moves top-1 by 0.9 points; the 95% Wilson interval of a top-1
  of 0.92 over 110 tasks is about 0.85-0.96, and the tasks are not independent (they
  cluster in 5 plans), so read these figures as rough.
"""
    )

    # ---------------------------------------------------------------- cross-validation
    say("## Cross-validation on the seed labels (default model)\n")
    say(
        f"unclear = share below the threshold {thr:g}; top-1 of the rest = accuracy of the others.\n"
    )
    rows, cvs = [], {}
    for by, name in (("doc_id", "leave one document out"), ("district", "leave one district out")):
        t0 = time.perf_counter()
        cvs[by] = coder.cross_validate(cb, by=by)
        rows.append(_acc_row(name, cvs[by], thr, time.perf_counter() - t0))
    say(_table(rows))
    dist = cvs["district"]

    say("\n### Calibration (leave one district out)\n")
    say(_table(_bands(dist, thr)))

    per = _per_theme(dist, codes, names)
    say("\n### Per theme (leave one district out)\n")
    say(_table(per))
    weak = _weak(per)
    say(_weak_sentence(weak))
    say("\n### Confusion (leave one district out; rows = label, columns = top-1)\n")
    say(_confusion(dist, codes))
    say("\nMisses (leave one district out):\n")
    say(_misses(dist, seeds))

    # ---------------------------------------------------------------- held-out
    say("\n## Held-out set (never used in training)\n")
    model = coder.ThemeCoder(codes).fit(training.training_examples(cb))
    hp = _predict(model, held)
    old = themes.code_tasks(held, cb, method="seed")
    old_cv = pd.DataFrame(
        {
            "code": held["code"],
            "guess": old["theme"],
            "guess_2": old["theme_2"],
            "confidence": old["confidence"],
        }
    )
    say(
        _table(
            [
                _acc_row("supervised coder (default)", hp, thr),
                _acc_row("earlier seed-term coder", old_cv, 0.0),
            ]
        )
    )
    hwrong = hp[hp["guess"] != hp["code"]].merge(held[["task_id", "title"]], on="task_id")
    if len(hwrong):
        say("\nMisses on the held-out set:\n")
        say(
            _table(
                [
                    {
                        "task_id": r.task_id,
                        "title": r.title,
                        "label": r.code,
                        "coded": r.guess,
                        "runner-up": r.guess_2,
                        "confidence": float(r.confidence),
                    }
                    for r in hwrong.itertuples()
                ]
            )
        )

    # ---------------------------------------------------------------- held-out 2
    held2 = _heldout(HELDOUT2)
    held2["half"] = held2["task_id"].map(half)
    say(f"\n## Held-out set 2: independent, {len(held2)} tasks (never used in training)\n")
    say(
        "`benchmarks/heldout2_labels.csv` was written by another hand than the notes and the "
        "first held-out set, from the codebook scope only, before its author read the Chinese "
        "notes or the seed labels; it was committed before the coder was run on it. Half A "
        "(SHA-256 of `task_id`, first byte even) is the only half anyone looked at while "
        "changing the training resources; half B is reported, never tuned on.\n"
    )
    hp2 = _predict(model, held2).merge(held2[["task_id", "half"]], on="task_id")
    old2 = themes.code_tasks(held2, cb, method="seed")
    old2_cv = pd.DataFrame(
        {
            "task_id": held2["task_id"],
            "code": held2["code"],
            "guess": old2["theme"].to_numpy(),
            "guess_2": old2["theme_2"].to_numpy(),
            "confidence": old2["confidence"].to_numpy(),
            "half": held2["half"],
        }
    )
    rows = []
    for name, pred, t in (
        ("supervised coder (default)", hp2, thr),
        ("earlier seed-term coder", old2_cv, 0.0),
    ):
        for part in ("all", "A", "B"):
            sub = pred if part == "all" else pred[pred["half"] == part]
            label = f"{name}, {'all' if part == 'all' else 'half ' + part}"
            rows.append(_with_interval(_acc_row(label, sub, t)))
    say(_table(rows))
    ex = training.training_examples(cb)
    corpus = "\n".join(ex["title"] + "\n" + ex["text"])
    say(
        "\nDoes the coder only recognise wording it was trained on? Top-1 of the supervised "
        "coder by the longest run of characters a held-out task (title and body) shares with "
        "any training text (seed labels, notes, seed terms). Both sets share the stock phrases "
        "of Chinese health policy with the notes (e.g. 做好重大活动医疗卫生保障), which is "
        "why long runs occur at all:\n"
    )
    say(
        _table(
            [{"set": "held-out", **r} for r in _by_overlap(hp, held, corpus)]
            + [{"set": "held-out 2", **r} for r in _by_overlap(hp2, held2, corpus)]
        )
    )
    per2 = _per_theme(hp2, codes, names)
    for r, ra, rb in zip(
        per2,
        _per_theme(hp2[hp2["half"] == "A"], codes, names),
        _per_theme(hp2[hp2["half"] == "B"], codes, names),
        strict=True,
    ):
        r["recall A"], r["recall B"] = ra["recall"], rb["recall"]
    say("\n### Per theme (held-out set 2, supervised coder)\n")
    say(_table(per2))
    weak2 = _weak(per2)
    say(_weak_sentence(weak2))
    say("\n### Confusion (held-out set 2; rows = label, columns = top-1)\n")
    say(_confusion(hp2, codes))
    if (hp2["guess"] != hp2["code"]).any():
        say("\nMisses on held-out set 2 (half A and B together):\n")
        say(_misses(hp2.sort_values("task_id"), held2))

    # ---------------------------------------------------------------- ablations
    if not quick:
        say("\n## Ablations (leave one district out; held-out set)\n")
        rows = []
        settings = {
            "default (labels + notes + seed terms)": {},
            "without notes": {"use_notes": False},
            "without seed terms": {"use_seed_terms": False},
            "labels only": {"use_notes": False, "use_seed_terms": False},
        }
        for name, kw in settings.items():
            P = np.zeros((len(seeds), len(codes)))
            for g in sorted(seeds["district"].unique()):
                test = (seeds["district"] == g).to_numpy()
                ex = training.training_examples(cb, exclude=list(seeds.loc[test, "task_id"]), **kw)
                m = coder.ThemeCoder(codes).fit(ex)
                P[test] = m.predict_proba(
                    list(seeds.loc[test, "title"]), list(seeds.loc[test, "text"])
                )
            order = np.argsort(-P, axis=1, kind="stable")
            cv = pd.DataFrame(
                {
                    "code": seeds["code"],
                    "guess": np.array(codes)[order[:, 0]],
                    "guess_2": np.array(codes)[order[:, 1]],
                    "confidence": P.max(axis=1),
                }
            )
            m = coder.ThemeCoder(codes).fit(training.training_examples(cb, **kw))
            a, h = coder.accuracy(cv, thr), coder.accuracy(_predict(m, held), thr)
            h2 = coder.accuracy(_predict(m, held2), thr)
            rows.append(
                {
                    "training": name,
                    "LODistrictO top-1": a["top1"],
                    "LODistrictO top-2": a["top2"],
                    "held-out top-1": h["top1"],
                    "held-out top-2": h["top2"],
                    "held-out 2 top-1": h2["top1"],
                    "held-out 2 top-2": h2["top2"],
                }
            )
        say(_table(rows))
        rows = []
        for kw in ({"classifier": "logistic"}, {"C": 0.3}, {"C": 3.0}):
            cv = coder.cross_validate(cb, by="district", **kw)
            rows.append(_acc_row(", ".join(f"{k}={v}" for k, v in kw.items()), cv, thr))
        say("\nOther model settings (leave one district out):\n")
        say(_table(rows))

    # ---------------------------------------------------------------- clusters
    tasks = load_corpus(raw_dir or config.RAW_DIR).tasks
    tasks = tasks.sort_values("task_id").reset_index(drop=True)
    gold = seeds.set_index("task_id").loc[tasks["task_id"], "code"].to_numpy()
    coded = themes.code_tasks(tasks, cb)
    tokens = features.task_tokens(tasks)
    say("\n## Clusters (default: text-only TF-IDF, automatic k)\n")
    rows = []
    for guide in (0.0, 0.5):
        for seed in range(1 if quick else 3):
            t0 = time.perf_counter()
            probs = coded.attrs["probabilities"] if guide else None
            cl = clusters.cluster_tasks(
                tasks, seed=seed, guide=guide, probabilities=probs, tokens=tokens
            )
            agree = clusters.cluster_agreement(cl.labels, gold)
            rows.append(
                {
                    "variant": "text only (default)" if guide == 0 else f"guided ({guide:g})",
                    "seed": seed,
                    "k": cl.k,
                    "ARI vs labels": agree.ari,
                    "NMI vs labels": agree.nmi,
                    "ARI vs codes": adjusted_rand_score(coded["theme"], cl.labels),
                    "NMI vs codes": normalized_mutual_info_score(coded["theme"], cl.labels),
                    "flagged clusters": int(agree.spread["flagged"].sum()),
                    "seconds": time.perf_counter() - t0,
                }
            )
    say(_table(rows))
    cl0 = clusters.cluster_tasks(tasks, seed=0, tokens=tokens)
    say(
        "\nText-only clusters are what the report shows by default: they assume no "
        "categories, so they can be set against the codebook. Their stability rises with k "
        "(table below), so automatic k lands near the top of the range; the guided variant "
        "(`--guide 0.5`) agrees far better with the codes because it is built partly from them. "
        "On the seed plans the codes equal the labels (the model is trained on them), so the "
        "columns against the codes repeat those against the labels.\n"
    )
    say("Automatic-k table, text only, seed 0 (score = stability − null stability):\n")
    say(_table(cl0.k_table.to_dict("records")))
    agree = clusters.cluster_agreement(cl0.labels, coded["theme"])
    flagged = agree.spread[agree.spread["flagged"]]
    summary = cl0.summary.set_index("cluster")
    say("\nClusters flagged as spreading over several themes (text only, seed 0, vs codes):\n")
    say(
        _table(
            [
                {
                    "cluster": int(r.cluster),
                    "size": int(r.size),
                    "label": summary.loc[r.cluster, "label"],
                    "themes": ", ".join(
                        f"{c} {int(n)}"
                        for c, n in agree.table.loc[r.cluster].sort_values(ascending=False).items()
                        if n
                    ),
                }
                for r in flagged.itertuples()
            ]
        )
        if len(flagged)
        else "none"
    )

    # ---------------------------------------------------------------- aims
    lodo = coder.accuracy(cvs["doc_id"], thr)
    lodi = coder.accuracy(dist, thr)
    ho = coder.accuracy(hp, thr)
    ho2 = coder.accuracy(hp2[hp2["half"] == "B"], thr)  # half B: never tuned on
    say("\n## Against the aims (issue 12)\n")
    say(
        _table(
            [
                {
                    "aim": "leave-one-district-out top-1 ≥ 80%",
                    "measured": f"{lodi['top1']:.1%} (LODO {lodo['top1']:.1%}; held-out "
                    f"{ho['top1']:.1%}; held-out 2 half B {ho2['top1']:.1%})",
                    "met": "yes" if lodi["top1"] >= 0.8 else "no",
                },
                {
                    "aim": "leave-one-district-out top-2 ≥ 92%",
                    "measured": f"{lodi['top2']:.1%} (LODO {lodo['top2']:.1%}; held-out "
                    f"{ho['top2']:.1%}; held-out 2 half B {ho2['top2']:.1%})",
                    "met": "yes" if lodi["top2"] >= 0.92 else "no",
                },
                {
                    "aim": "no theme with ≥ 5 examples has recall < 60%",
                    "measured": ", ".join(f"{r['code']} {r['recall']:.2f}" for r in weak)
                    or "none below",
                    "met": "no" if weak else "yes",
                },
                {
                    "aim": "the same on held-out set 2 (not an aim of issue 12; for reference)",
                    "measured": ", ".join(f"{r['code']} {r['recall']:.2f}" for r in weak2)
                    or "none below",
                    "met": "no" if weak2 else "yes",
                },
            ]
        )
    )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir", default=str(config.RAW_DIR), help="plans folder (default data/raw)"
    )
    parser.add_argument("--quick", action="store_true", help="skip ablations and cluster seeds")
    parser.add_argument("--out", default=str(OUT), help="markdown file to write, or - for stdout")
    args = parser.parse_args(argv)
    text = evaluate(quick=args.quick, raw_dir=args.dir)
    if args.out == "-":
        print(text, end="")
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
