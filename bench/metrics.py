"""Clustering agreement with human labels, with noise excluded and with noise as its own cluster."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from nlp.clustering import NOISE


def agreement(labels_true: list[str], labels_pred: np.ndarray) -> dict[str, float]:
    truth = np.asarray(labels_true)
    assigned = labels_pred != NOISE
    result = {
        "nmi": normalized_mutual_info_score(truth, labels_pred),
        "ari": adjusted_rand_score(truth, labels_pred),
        "noise": float(1 - assigned.mean()),
        "themes": len(set(labels_pred.tolist()) - {NOISE}),
    }
    if assigned.sum() > 1:
        result["nmi_assigned"] = normalized_mutual_info_score(truth[assigned], labels_pred[assigned])
        result["ari_assigned"] = adjusted_rand_score(truth[assigned], labels_pred[assigned])
    else:
        result["nmi_assigned"] = result["ari_assigned"] = 0.0
    return result
