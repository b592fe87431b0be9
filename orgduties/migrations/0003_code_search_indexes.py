"""Codes are searched by substring too (positions, units, forms): trigram indexes."""

from django.db import migrations

from orgduties.migrations import _trigram

INDEXES = [
    ("positions_position", "code"),
    ("departments_department", "code"),
    ("kpis_form", "code"),
]


class Migration(migrations.Migration):
    dependencies = [("orgduties", "0002_search_indexes")]

    operations = [
        migrations.RunPython(_trigram.creator(INDEXES), _trigram.dropper(INDEXES)),
    ]
