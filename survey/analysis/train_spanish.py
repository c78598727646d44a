"""Train the Spanish sentiment model shipped in the package, from a labelled JSONL file.

    python -m survey.analysis.train_spanish XED_ES.jsonl \
        [--extra tests/data/testimonies_labelled.jsonl] [--out survey/analysis/data/sentiment_es.json.gz]

The file's rows are shuffled with a fixed seed and cut 80/10/10: the model learns from the first
part only, the second picks the blend with the lexicon, and the third is left for measuring
(`benchmarks.spanish` cuts the same way). `--extra` adds labelled Spanish rows of the testimonies'
own kind, each counted `--extra-weight` times: a few in-domain texts against thousands of film
lines. The shipped model was trained on the Spanish projections of XED (Öhman et al., 2020,
CC BY 4.0) and Voces's own labelled testimonies (not the held-out ones); see data/README.md.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from survey.analysis.evaluation import pearson, read_labelled
from survey.analysis.spanish_model import MODEL_FILE, train_linear
from survey.analysis.spanish_sentiment import spanish_polarity

SEED = 13
EXTRA_WEIGHT = 5  # chosen by 5-fold cross-validation on the extra testimonies (1 would be 0.47, 5 0.50)
T = TypeVar("T")


def split_three(rows: Sequence[T], seed: int = SEED) -> tuple[list[T], list[T], list[T]]:
    """Shuffle with a fixed seed and cut 80/10/10: train, development, test."""
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    first, second = int(len(shuffled) * 0.8), int(len(shuffled) * 0.9)
    return shuffled[:first], shuffled[first:second], shuffled[second:]


def main(argv: Sequence[str] | None = None) -> None:
    """Train on the file's training part, report r on its development part, write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / MODEL_FILE)
    parser.add_argument("--extra", type=Path, help="labelled texts of the testimonies' kind, all used for training")
    parser.add_argument("--extra-weight", type=int, default=EXTRA_WEIGHT)
    parser.add_argument("--source", default="XED Spanish projections (Öhman et al. 2020), CC BY 4.0")
    args = parser.parse_args(argv)
    rows = [r for r in read_labelled(args.data) if r.sentiment is not None]
    train, dev, _ = split_three(rows)
    extra = (
        [r for r in read_labelled(args.extra) if r.language == "es" and r.sentiment is not None] if args.extra else []
    )
    train += extra * args.extra_weight
    about = {"source": args.source, "seed": SEED, "extra": args.extra.name if args.extra else None}
    model = train_linear([r.text for r in train], [r.sentiment or 0.0 for r in train], about=about)
    gold = [r.sentiment or 0.0 for r in dev]
    r_model = pearson([model.score(r.text)[0] for r in dev], gold)
    r_blend = pearson([spanish_polarity(r.text, model) or 0.0 for r in dev], gold)
    args.out.write_bytes(model.dumps())
    print(
        f"trained on {len(train)} texts, {len(model.idf)} terms; development r: model {r_model}, with lexicon {r_blend}"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
