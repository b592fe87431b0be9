from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """The intake of duty documents: pasted text or a Word file, checked, saved as workbook rows.

    No verbose_name: the app has no models, so the admin never shows its name.
    """

    name = "intake"
