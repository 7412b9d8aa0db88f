"""Your feature preparation: the one place to adapt scoring data to your model.

This file is USER-OWNED. The template seeded it once; regeneration and
``cruft update`` never touch it again (it is listed in ``[tool.cruft] skip`` in
pyproject.toml). Edit it freely and keep it in git.

Scoring calls :func:`prepare_features` on the model's input columns of every
checked frame, locally and on Azure ML (the single step and every
``ParallelRunStep`` mini-batch), right before ``model.predict``.

The contract:

- it receives a DataFrame holding the schema's model input columns (feature
  columns, plus the time and series id columns for forecasting), already
  checked and typed by the schema;
- it returns a DataFrame with the SAME rows in the SAME order (scoring pairs
  predictions with rows by position) and the columns the model expects;
- it must not modify its argument in place (work on ``frame.copy()``);
- it runs on the Azure ML nodes too, with the pandas and numpy versions pinned
  in ``environments/``: use APIs that exist in pandas 1.5 and pandas 2/3 alike.

Keep training and scoring consistent: AutoML retraining trains on the
registered training dataset as it is. A transformation here that changes what
the model sees must also be applied to the training data before it is
registered, or the model will score data unlike the data it learned from.
Cleaning that makes scoring data look like training data (units, clipping,
filling gaps the training data never had) is safe here.
"""

from __future__ import annotations

import pandas as pd


def prepare_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the model inputs for ``frame``; the seeded version changes nothing.

    Example of an edit (clip a feature to the range seen in training)::

        prepared = frame.copy()
        prepared["some_feature"] = prepared["some_feature"].clip(lower=0)
        return prepared
    """
    return frame
