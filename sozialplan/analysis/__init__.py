"""Django-free analysis functions (typed, pure): geometry, distances, later
indicators, projections, reachability and coverage. Nothing here imports Django.
"""
