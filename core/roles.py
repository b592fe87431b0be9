"""The roles: HR editors write everything, employees read, reviewers and approvers
sign off job descriptions (see documents.workflow).

Group names are stored untranslated: they are identifiers that code and
operators refer to. The permissions are re-synchronised after every migrate, so
a model added later is covered without another data migration.
"""

HR_EDITORS = "HR editors"
EMPLOYEES = "Employees"
REVIEWERS = "Reviewers"
APPROVERS = "Approvers"
ORG_APPS = ("departments", "positions", "kpis")
DOCUMENT_APP = "documents"


def sync_groups(apps=None, using="default"):
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    org_perms = Permission.objects.using(using).filter(content_type__app_label__in=ORG_APPS)
    # HR links employees to login accounts: they pick users, but do not edit them.
    view_users = Permission.objects.using(using).filter(
        content_type__app_label="auth", codename="view_user"
    )
    view_org = org_perms.filter(codename__startswith="view_")
    # Controlled documents: everyone reads approved revisions; each step of the
    # workflow belongs to one group, so nobody signs twice.
    doc_perms = Permission.objects.using(using).filter(content_type__app_label=DOCUMENT_APP)
    view_docs = doc_perms.filter(codename__startswith="view_")
    edit_docs = doc_perms.filter(
        codename__in=["add_document", "change_document", "delete_document", "submit_document"]
    )
    # HR editors see every background job (imports, exports) and its result.
    view_jobs = Permission.objects.using(using).filter(
        content_type__app_label="jobs", codename="view_job"
    )
    editors, _ = Group.objects.using(using).get_or_create(name=HR_EDITORS)
    # The column mappings remembered for flat-sheet imports (workbook.ColumnMapping).
    mappings = Permission.objects.using(using).filter(content_type__app_label="workbook")
    editors.permissions.set(
        [*org_perms, *view_users, *view_docs, *edit_docs, *view_jobs, *mappings]
    )
    employees, _ = Group.objects.using(using).get_or_create(name=EMPLOYEES)
    employees.permissions.set([*view_org, *view_docs])
    reviewers, _ = Group.objects.using(using).get_or_create(name=REVIEWERS)
    reviewers.permissions.set(
        [*view_org, *view_docs, *doc_perms.filter(codename="review_document")]
    )
    approvers, _ = Group.objects.using(using).get_or_create(name=APPROVERS)
    approvers.permissions.set(
        [*view_org, *view_docs, *doc_perms.filter(codename="approve_document")]
    )


def create_app_permissions(apps, using="default"):
    """Permissions normally appear after migrate; a data migration needs them now."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for label in ("auth", *ORG_APPS, DOCUMENT_APP, "workbook"):
        app_config = global_apps.get_app_config(label)
        create_permissions(app_config, apps=apps, verbosity=0, using=using)


def can_edit(user) -> bool:
    """HR editors (staff with change rights on positions) see "edit in admin" links."""
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("positions.change_position")
    )
