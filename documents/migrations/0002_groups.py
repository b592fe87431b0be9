from django.db import migrations


def create_groups(apps, schema_editor):
    from orgduties.roles import create_app_permissions, sync_groups

    using = schema_editor.connection.alias
    create_app_permissions(apps, using=using)
    sync_groups(apps=apps, using=using)


def remove_groups(apps, schema_editor):
    from orgduties.roles import APPROVERS, REVIEWERS

    apps.get_model("auth", "Group").objects.filter(name__in=[REVIEWERS, APPROVERS]).delete()


class Migration(migrations.Migration):
    """The Reviewers and Approvers groups; orgduties.roles keeps them in sync after every migrate."""

    dependencies = [
        ("documents", "0001_initial"),
        ("orgduties", "0001_groups"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
