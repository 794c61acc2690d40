"""Pages of the Bedarfsanalyse under ``/planung/<district>/bedarf/`` (see :mod:`sozialplan.needs.urls`)."""
