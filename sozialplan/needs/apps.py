from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "sozialplan.needs"
    label = "needs"
    verbose_name = "Bedarfsanalyse"

    def ready(self) -> None:
        # Offers, sites and statistics changing make the analysis stale (signals.py).
        from sozialplan.needs import signals  # noqa: F401
