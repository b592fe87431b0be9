"""Form.duties: the duty-form links, declared on Form (see positions 0004).

State only: both tables are the ones positions 0001 made, with their rows.
The history model's content type and permissions (groups hold them) move from
positions to kpis; a content type left behind would point at no model, and a
backup naming its permissions could not be restored into a new database.
"""

import django.db.models.deletion
from django.db import migrations, models

OLD = ("positions", "historicalduty_forms")
NEW = ("kpis", "historicaldutyform")


def _move_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    old = ContentType.objects.using(db).filter(app_label=source[0], model=source[1]).first()
    if old is None:
        return
    if ContentType.objects.using(db).filter(app_label=target[0], model=target[1]).exists():
        old.delete()  # migrate made the new one already; the groups get its permissions
        return
    old.app_label, old.model = target
    old.save(update_fields=["app_label", "model"])
    for permission in Permission.objects.using(db).filter(content_type=old):
        action = permission.codename.split("_", 1)[0]
        permission.codename = f"{action}_{target[1]}"
        permission.save(update_fields=["codename"])


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0002_initial"),
        ("positions", "0004_duty_forms_declared_on_form"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="form",
                    name="duties",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="positions_duty_forms",
                        related_name="forms",
                        to="positions.duty",
                        verbose_name="duties",
                    ),
                ),
                migrations.CreateModel(
                    name="HistoricalDutyForm",
                    fields=[
                        ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "history",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="forms",
                                to="positions.historicalduty",
                            ),
                        ),
                        (
                            "duty",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="positions.duty",
                            ),
                        ),
                        (
                            "form",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="kpis.form",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "HistoricalDuty_forms",
                        "db_table": "positions_historicalduty_forms",
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
