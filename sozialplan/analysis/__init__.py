"""Django-free analysis functions (typed, pure): geometry and distances (geo), the
catalogue's formula language (formula), age-band composition (ages), aggregation
(aggregate), confidence intervals and benchmarks (benchmark), map classes
(classify), small-number suppression (suppression), Zensus grid cells (grid),
iterative proportional fitting (ipf) and small-area projections (projection).
Reachability and coverage follow. Nothing here imports Django.
"""
