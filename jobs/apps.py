from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # Every app above this one declares its kinds of job in a ``tasks`` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
