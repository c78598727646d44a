"""This programme's own calibration of tag confidence, refitted on its evaluators' corrections."""

from __future__ import annotations

from survey.analysis.calibrate import tag_decisions
from survey.analysis.confidence import MIN_DECISIONS, Calibration, fit_calibration
from survey.services.engine import calibration_path, codebook, forget_current_engine
from survey.services.learning import CORRECTIONS, examples_from_corrections


class TooFewDecisions(ValueError):
    """Not enough corrected tags to refit the calibration."""


def refit_from_corrections() -> Calibration:
    """Fit the calibration on the machine tags of corrected testimonies and whether people kept them."""
    coded = [(e.text, e.themes) for e in examples_from_corrections()]
    decisions = tag_decisions(coded, codebook())
    if len(decisions) < MIN_DECISIONS or len({kept for _, kept in decisions}) < 2:
        raise TooFewDecisions(
            f"{len(decisions)} machine tags were corrected; at least {MIN_DECISIONS}, some kept and some "
            "rejected, are needed to refit the confidence"
        )
    calibration = fit_calibration(decisions, CORRECTIONS)
    path = calibration_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(calibration.dumps(), encoding="utf-8")
    forget_current_engine()
    return calibration
