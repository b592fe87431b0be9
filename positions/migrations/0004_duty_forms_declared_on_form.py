"""Duty.forms is declared on kpis.Form from now on (Form.duties, related_name "forms").

State only: the link table positions_duty_forms and simple-history's
positions_historicalduty_forms keep their names, columns and rows; kpis 0003
takes both over. After this migration positions depends on kpis no more.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0003_employee_name_label"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="duty", name="forms"),
                migrations.DeleteModel(name="HistoricalDuty_forms"),
            ],
        ),
    ]
