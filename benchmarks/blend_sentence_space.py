"""Sentence vectors in the Blend's title space: tried, not kept (issue 12; docs/BLEND.md).

    .venv/bin/python benchmarks/blend_sentence_space.py --data-dir DIR \
        --tune TUNE_DIR --report REPORT_DIR [--mix 0 0.1 0.2 0.3 0.6]

DIR: a published build with the Blend model. TUNE_DIR / REPORT_DIR: the halves of
../shared/data/viewing_histories listed in docs/BLEND.md (folders of symlinks; people's
data is read from ../shared, never copied). Each title's vector becomes its served
vector and its all-MiniLM-L6-v2 vector of title + synopsis (models/sentence_encoder.py)
mixed so that a dot product is `(1 - a) * cos_space + a * cos_sentence`; every mix is
scored through blend-eval's code as docs/BLEND.md's first table (TUNE with the watch
prior counted from REPORT, and the reverse). `a = 0` is the served space. The choice is
TUNE's; REPORT is printed to report, not to choose.
"""
from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np
from sklearn.preprocessing import normalize

from blend import evaluation as ev
from blend.recommender import BLEND_PARAMS
from blend.viewing_history import load_catalog
from blend_watch_prior import households, line, parse_folder, prior, score
from base.paths import current_build
from models import serving, sentence_encoder
from models.blend_space import NAME
from models.blend_space_training import load_frame
from models.text_features import text_of
from queries.db import open_read_only, warehouse


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--tune", type=Path, required=True)
    ap.add_argument("--report", type=Path, required=True)
    ap.add_argument("--mix", type=float, nargs="*", default=[0, 0.1, 0.2, 0.3, 0.6])
    args = ap.parse_args()
    wh = warehouse(args.data_dir)
    space, _ = serving.load(wh.paths.data_dir, wh.build_id, NAME)
    avail = ev.Availability.from_frame(wh.query("blend_availability"), space)
    frame = load_frame(open_read_only(current_build(wh.paths)))
    sentence = sentence_encoder.vectors(
        [text_of(r) for r in frame.select("title", "description").to_dicts()]).astype(np.float32)
    catalog = load_catalog(wh)
    tune, report = parse_folder(args.tune, catalog), parse_folder(args.report, catalog)
    tune_files, report_files = households(tune, space), households(report, space)
    for a in args.mix:
        mixed = dataclasses.replace(space, vectors=normalize(np.hstack(
            [np.sqrt(1 - a) * space.vectors, np.sqrt(a) * sentence])).astype(np.float32))
        with_report_prior = prior(mixed, report_files, None, 1.0, 2)
        with_tune_prior = prior(mixed, tune_files, None, 1.0, 2)
        print(line(f"a={a} TUNE", score(tune, lambda f: with_report_prior, avail,
                                         BLEND_PARAMS)), flush=True)
        print(line(f"a={a} REPORT", score(report, lambda f: with_tune_prior, avail,
                                           BLEND_PARAMS)), flush=True)


if __name__ == "__main__":
    main()
