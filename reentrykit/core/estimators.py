"""The survival estimators' arithmetic on counts per step, as numpy arrays.

Shared by the refresh, which runs them per day on everyone's records, and by
disclosure control, which runs them again on the pooled steps a non-steward sees, so
that a shown curve is a function of the shown counts alone.
"""

from __future__ import annotations

import numpy as np

Z95 = 1.959963984540054  # the standard normal quantile at 0.975 (every 95% interval)


def product_limit(
    at_risk: np.ndarray, events: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier survival after each step and its 95% band, from the number at risk
    at each step and its events: lifelines' product limit with the exponential
    Greenwood band (the log(-log) transform). A step with no one left surviving has a
    band of 1 (undefined), as lifelines reports."""
    at_risk = np.asarray(at_risk, dtype=float)
    events = np.asarray(events, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_survival = np.cumsum(np.log(at_risk - events) - np.log(at_risk))
        steps = events / (at_risk * (at_risk - events))
        greenwood = np.cumsum(np.where(np.isinf(steps), 0.0, steps))
        spread = Z95 * np.sqrt(greenwood) / log_survival
        centre = np.log(-log_survival)
        low = np.exp(-np.exp(centre - spread))
        high = np.exp(-np.exp(centre + spread))
    return np.exp(log_survival), np.nan_to_num(low, nan=1.0), np.nan_to_num(high, nan=1.0)


def aalen_johansen(
    at_risk: np.ndarray, events: np.ndarray, deaths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cumulative incidence of the event with death as a competing risk after each
    step, and its 95% band: lifelines' AalenJohansenFitter estimator and variance
    (Collett), without its jitter of tied days."""
    at_risk = np.asarray(at_risk, dtype=float)
    events = np.asarray(events, dtype=float)
    ended = events + np.asarray(deaths, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Everyone's survival (from the event or death) just before each step.
        before = np.concatenate([[1.0], np.cumprod(1 - ended / at_risk)[:-1]])
        share = np.cumsum(before * events / at_risk)
        # Var F(t) = sum a_i (F(t) - F_i)^2 + sum b_i - 2 sum c_i (F(t) - F_i), over
        # steps up to t, with the squares and products expanded into running sums.
        a = ended / (at_risk * (at_risk - ended))
        b = before**2 * events * (at_risk - events) / at_risk**3
        c = before * events / at_risk**2
        variance = (
            share**2 * np.cumsum(a)
            - 2 * share * np.cumsum(a * share)
            + np.cumsum(a * share**2)
            + np.cumsum(b)
            - 2 * (share * np.cumsum(c) - np.cumsum(c * share))
        )
        centre = np.log(-np.log(share))
        spread = Z95 * np.sqrt(variance) / (share * np.abs(np.log(share)))
        low = np.exp(-np.exp(centre + spread))
        high = np.exp(-np.exp(centre - spread))
    return share, low, high
