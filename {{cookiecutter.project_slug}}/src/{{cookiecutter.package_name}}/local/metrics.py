"""AutoML's primary metrics, locally: what FLAML optimises for each, and the metric itself.

FLAML searches with its own metric names; where it has no equivalent of an
AutoML metric it optimises the nearest one. The metric written to the metrics
file is always AutoML's own, computed here with scikit-learn on held-out rows,
so local and Azure runs report the same number under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..steps.register_model import lower_is_better


@dataclass(frozen=True)
class FlamlMetric:
    name: str  # FLAML's metric name
    exact: bool  # False: FLAML optimises the nearest metric it has


# AutoML name -> what FLAML optimises (binary classification may differ, see flaml_metric).
FLAML_METRICS = {
    "accuracy": FlamlMetric("accuracy", True),
    "AUC_weighted": FlamlMetric("roc_auc_ovr_weighted", True),
    "average_precision_score_weighted": FlamlMetric("roc_auc_ovr_weighted", False),
    "precision_score_weighted": FlamlMetric("macro_f1", False),
    "norm_macro_recall": FlamlMetric("macro_f1", False),
    "r2_score": FlamlMetric("r2", True),
    # Normalising by the label's range does not change which model is best.
    "normalized_root_mean_squared_error": FlamlMetric("rmse", True),
    "normalized_mean_absolute_error": FlamlMetric("mae", True),
    "spearman_correlation": FlamlMetric("r2", False),
}
BINARY = {
    "AUC_weighted": FlamlMetric("roc_auc", True),
    "average_precision_score_weighted": FlamlMetric("ap", True),
}


def flaml_metric(metric: str, classes: int = 0) -> FlamlMetric:
    if classes == 2 and metric in BINARY:
        return BINARY[metric]
    try:
        return FLAML_METRICS[metric]
    except KeyError:
        raise ValueError(f"no local equivalent of the AutoML metric {metric!r}") from None


def needs_probabilities(metric: str) -> bool:
    return metric in ("AUC_weighted", "average_precision_score_weighted")


def automl_metric(
    metric: str, truth, predicted, *, probabilities=None, classes=None, label_range: float = 1.0
) -> float:
    """AutoML's ``metric`` of ``predicted`` (or ``probabilities``) against ``truth``."""
    from scipy.stats import spearmanr
    from sklearn import metrics as sk
    from sklearn.preprocessing import label_binarize

    truth = np.asarray(truth)
    if metric == "accuracy":
        return float(sk.accuracy_score(truth, predicted))
    if metric == "precision_score_weighted":
        return float(sk.precision_score(truth, predicted, average="weighted", zero_division=0))
    if metric == "norm_macro_recall":
        # Macro recall rescaled so that chance scores 0 and perfect scores 1, as AutoML does.
        chance = 1 / max(len(classes), 2)
        recall = sk.recall_score(truth, predicted, average="macro", zero_division=0)
        return float(max(0.0, (recall - chance) / (1 - chance)))
    if metric in ("AUC_weighted", "average_precision_score_weighted"):
        onehot = label_binarize(truth, classes=list(classes))
        if onehot.shape[1] == 1:  # binary: the positive class's column
            onehot = np.hstack([1 - onehot, onehot])
        scorer = sk.roc_auc_score if metric == "AUC_weighted" else sk.average_precision_score
        present = onehot.sum(axis=0) > 0  # classes absent from the held-out rows have no score
        return float(
            scorer(onehot[:, present], np.asarray(probabilities)[:, present], average="weighted")
        )
    truth = truth.astype(float)
    predicted = np.asarray(predicted, dtype=float)
    if metric == "r2_score":
        return float(sk.r2_score(truth, predicted))
    if metric == "spearman_correlation":
        value = spearmanr(truth, predicted).statistic
        return 0.0 if pd.isna(value) else float(value)
    spread = label_range or 1.0
    if metric == "normalized_root_mean_squared_error":
        return float(np.sqrt(sk.mean_squared_error(truth, predicted)) / spread)
    if metric == "normalized_mean_absolute_error":
        return float(sk.mean_absolute_error(truth, predicted) / spread)
    raise ValueError(f"no local equivalent of the AutoML metric {metric!r}")


__all__ = [
    "FLAML_METRICS",
    "automl_metric",
    "flaml_metric",
    "lower_is_better",
    "needs_probabilities",
]
