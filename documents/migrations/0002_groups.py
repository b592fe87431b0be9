from django.db import migrations


def create_groups(apps, schema_editor):
    from core.roles import create_app_permissions, sync_groups

    using = schema_editor.connection.alias
    create_app_permissions(apps, using=using)
    sync_groups(apps=apps, using=using)


def remove_groups(apps, schema_editor):
    from core.roles import APPROVERS, REVIEWERS

    apps.get_model("auth", "Group").objects.filter(name__in=[REVIEWERS, APPROVERS]).delete()


class Migration(migrations.Migration):
    """The Reviewers and Approvers groups; core.roles keeps them in sync after every migrate."""

    dependencies = [
        ("documents", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("departments", "0001_initial"),
        ("positions", "0001_initial"),
        ("kpis", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
