"""History of which forms a duty uses, kept on the duty's history as before.

Until December 2026 ``Duty.forms`` was declared on Duty with
``HistoricalRecords(m2m_fields=[forms])``: every history row of a duty came
with the duty's forms at that moment, and adding or removing a form made a
"changed" row. The relation is now declared on Form (kpis sits above
positions), and simple-history follows a many-to-many only from the model that
declares it, so this module does the same two things for the reverse side:

- a link added, removed or cleared records a "changed" row of the object it
  was changed through (the duty, or the form), as simple-history did;
- every history row of a duty gets the duty's forms (``HistoricalDutyForm``,
  the same table as before).
"""

from django.conf import settings
from django.db.models.signals import m2m_changed
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from kpis.models import Form, HistoricalDutyForm
from positions.models import Duty


class _Records(HistoricalRecords):
    """simple-history's way of writing a row (the user from the request, the
    change reason), for whichever model a link was changed through.

    Not attached to a model, so it is told the manager's name that attaching
    would have set: ``history`` on both Duty and Form.
    """

    manager_name = "history"


_records = _Records()


def _link_changed(sender, instance, action, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    if hasattr(instance, "skip_history_when_saving"):
        return
    _records.create_historical_record(instance, "~")


def _snapshot_forms(sender, instance, history_instance, **kwargs):
    links = Form.duties.through.objects.filter(duty=instance)
    HistoricalDutyForm.objects.bulk_create(
        HistoricalDutyForm(
            history=history_instance, id=link.id, duty_id=link.duty_id, form_id=link.form_id
        )
        for link in links
    )


def connect():
    m2m_changed.connect(_link_changed, sender=Form.duties.through, dispatch_uid="kpis.duty_forms")
    post_create_historical_record.connect(
        _snapshot_forms, sender=Duty.history.model, dispatch_uid="kpis.duty_forms_snapshot"
    )
