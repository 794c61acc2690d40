"""Coverage: supply per population, plain and as a two-step floating catchment area (2SFCA).

*Offers per 1,000* (:func:`per_1000`) relates the offers (or places) inside
an area to the people living there; it ignores that people cross area
borders. The *2SFCA* method (Luo & Wang 2003) lets each offer serve everybody
within a catchment of ``d0`` minutes and each person use every offer within
``d0`` minutes of home:

1. for each supply site j: ``R_j = S_j / Σ_i P_i · W_ij`` — supply (offers or
   places) per person in its catchment;
2. for each demand point i: ``A_i = Σ_j R_j · W_ij`` — supply per person
   available to the people at i.

``W_ij`` is a distance-decay weight (:func:`decay`): 1 inside the catchment
for the original method, falling with travel time for the kernel-density
variants (KD2SFCA, Dai 2010; E2SFCA, Luo & Qi 2009). The decay weight enters
both steps. With step decay, if every supply site has people in its
catchment, ``Σ_i P_i A_i = Σ_j S_j``: the method distributes the existing
supply, it does not invent any.

Cross-check: the numbers equal those of pysal ``access``
(``Access(...).two_stage_fca(max_cost=d0, weight_fn=w)`` with the same
weight function ``w``, un-normalised; ``access`` also uses ≤ at the catchment
boundary and weights both steps). Differences, all at edges: ``access``
leaves demand points without any supply in their catchment out (``NaN``)
where this module gives 0, gives ``inf``/``NaN`` for a site whose catchment
holds no people where this module sets ``R_j = 0``, and, only when asked
(``normalize=True``), divides the result by its population-weighted mean.
``access.weights.gaussian(σ)`` is the untruncated kernel ``exp(−t²/2σ²)``;
the Gaussian here is Dai's truncated, rescaled one.
"""

from __future__ import annotations

import math
from typing import Literal, cast, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

DecayKind = Literal["step", "linear", "gaussian"]
DECAY_KINDS: tuple[str, ...] = get_args(DecayKind)

_EXP_HALF = math.exp(-0.5)


def decay(minutes: ArrayLike, catchment: float, kind: DecayKind) -> FloatArray:
    """Distance-decay weights 0–1 for travel times ``minutes`` and catchment ``d0`` (minutes).

    * ``step`` (original 2SFCA, Luo & Wang 2003): 1 for t ≤ d0.
    * ``linear``: 1 − t/d0 for t ≤ d0.
    * ``gaussian`` (Dai 2010): ``(exp(−½(t/d0)²) − exp(−½)) / (1 − exp(−½))`` for
      t ≤ d0 — 1 at t = 0, about 0.70 at t = d0/2, reaching 0 at d0 without
      a jump.

    Every kind is 0 beyond the catchment (t > d0, the boundary belongs to the
    catchment) and for ``nan`` (no route) or ``inf``. Keeps the input's shape.
    Raises ``ValueError`` for a catchment that is not a positive number, an
    unknown kind or a negative time.
    """
    t = np.asarray(minutes, dtype=np.float64)
    if not (math.isfinite(catchment) and catchment > 0):
        raise ValueError(f"Der Einzugsbereich muss größer als 0 Minuten sein, nicht {catchment:g}.")
    if kind not in DECAY_KINDS:
        raise ValueError(f"Unbekannte Distanzgewichtung „{kind}“ (erlaubt: {', '.join(DECAY_KINDS)}).")
    if np.any(t < 0):
        raise ValueError("Fahrzeiten dürfen nicht negativ sein.")
    inside = t <= catchment
    # Outside the catchment (and for nan) the time is replaced by 0 before the
    # formula, so no nan/inf arithmetic happens; np.where then sets those weights to 0.
    r = np.where(inside, t, 0.0) / catchment
    if kind == "step":
        weight = np.ones_like(r)
    elif kind == "linear":
        weight = 1.0 - r
    else:
        weight = (np.exp(-0.5 * r * r) - _EXP_HALF) / (1.0 - _EXP_HALF)
    result: FloatArray = np.where(inside, np.clip(weight, 0.0, 1.0), 0.0)
    return result


def two_step_fca(
    population: ArrayLike,
    supply: ArrayLike,
    minutes: ArrayLike,
    *,
    catchment: float,
    kind: str,
) -> FloatArray:
    """2SFCA accessibility ``A_i`` per demand point: supply units per person (see the module docstring).

    ``population`` (k, persons ≥ 0), ``supply`` (s, offers or places ≥ 0),
    ``minutes`` (k × s travel times demand → supply; ``nan`` = no route, not
    reachable), ``catchment`` d0 in minutes and the decay ``kind``
    (``step`` | ``linear`` | ``gaussian``, see :func:`decay`). ``R_j`` is 0
    for a site with nobody in its catchment, so ``A_i`` is 0 (not ``nan``)
    for people without any site in theirs. Multiply by 1,000 for "per 1,000".
    Raises ``ValueError`` for shapes that do not fit, negative or non-finite
    population or supply, and the errors of :func:`decay`.
    """
    people = np.asarray(population, dtype=np.float64)
    units = np.asarray(supply, dtype=np.float64)
    t = np.asarray(minutes, dtype=np.float64)
    if people.ndim != 1 or units.ndim != 1 or t.shape != (people.size, units.size):
        raise ValueError(
            f"Die Fahrzeitmatrix ({'×'.join(map(str, t.shape))}) passt nicht zu {people.size} "
            f"Nachfragepunkten und {units.size} Angebotsorten."
        )
    for name, values in (("Bevölkerung", people), ("Angebot", units)):
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"{name}: nur endliche Zahlen ≥ 0 sind erlaubt.")
    if kind not in DECAY_KINDS:
        raise ValueError(f"Unbekannte Distanzgewichtung „{kind}“ (erlaubt: {', '.join(DECAY_KINDS)}).")
    weights = decay(t, catchment, cast(DecayKind, kind))
    demand = people @ weights  # Σ_i P_i W_ij, persons per site
    ratio = np.zeros_like(units)
    np.divide(units, demand, out=ratio, where=demand > 0)
    access: FloatArray = weights @ ratio
    return access


def per_1000(count: float, population: float) -> float | None:
    """``count`` per 1,000 persons.

    ``None`` when the population is 0, negative or unknown (``nan``), or the count is unknown.
    """
    if math.isnan(population) or population <= 0 or math.isnan(count):
        return None
    return count / population * 1000.0
