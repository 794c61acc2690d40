"""Pages of the indicator module (public under /zahlen/, planners under /planung/<district>/zahlen/)."""
