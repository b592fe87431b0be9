from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation: built from the seed documents, loaded by `make demo`."""

    name = "demo"
