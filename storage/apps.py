from django.apps import AppConfig


class StorageConfig(AppConfig):
    """The stored organisation as a whole: backup and restore, and the content generation.

    Both look at every table of the domain apps at once, so they sit above them.
    """

    name = "storage"
