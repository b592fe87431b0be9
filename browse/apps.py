from django.apps import AppConfig


class BrowseConfig(AppConfig):
    """The pages employees read, which combine several apps: no models of its own."""

    name = "browse"
