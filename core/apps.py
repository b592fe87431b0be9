from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, using, apps=None, **kwargs):
    from core.roles import ORG_APPS, create_app_permissions, sync_groups

    # post_migrate fires once per app; act once, after the last org app.
    # `flush` (used between transactional tests) sends it without `apps`.
    if sender.label != ORG_APPS[-1]:
        return
    if apps is None:
        from django.apps import apps
    create_app_permissions(apps, using=using)
    sync_groups(apps=apps, using=using)


class CoreConfig(AppConfig):
    """Infrastructure every app uses: locking, protected deletes, numbering, roles, admin bases."""

    name = "core"
    verbose_name = _("OrgDuties")

    def ready(self):
        from django.core import checks

        from core.cache import check_reachable
        from core.deploy_checks import check_database, check_migrated

        post_migrate.connect(_sync_groups, dispatch_uid="orgduties-sync-groups")
        checks.register(check_reachable, checks.Tags.caches)
        checks.register(check_database, checks.Tags.database)
        checks.register(check_migrated, checks.Tags.database, deploy=True)


class OrgAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the site of core/admin_site.py."""

    default = False  # "core" in INSTALLED_APPS still means CoreConfig
    default_site = "core.admin_site.OrgAdminSite"
