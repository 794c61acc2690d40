from django.apps import AppConfig


class OfferingsConfig(AppConfig):
    name = "sozialplan.offerings"
    label = "offerings"

    def ready(self) -> None:
        # Keeps Offering.search_text current on every save and M2M change.
        from sozialplan.offerings import signals  # noqa: F401
