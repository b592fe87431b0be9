from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search over units, positions, duties, KPIs and forms, with its trigram indexes."""

    name = "search"
