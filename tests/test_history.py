"""History through the admin: who changed what, and reverting to an earlier version."""

from bs4 import BeautifulSoup
from django.urls import reverse

# Shared with test_integrity: the tree checker.
from test_integrity import children_codes, tree_problems

from departments.models import Department
from positions.models import Position
from tests.pages import form_data


def edit_in_admin(client, obj, **changes):
    """Open the object's admin change page, change some fields, press Save."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url).content, f"form#{opts.model_name}_form")
    data.update({name: str(value) for name, value in changes.items()})
    response = client.post(url, data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(
        ".errorlist"
    )


def revert_in_admin(client, obj, record):
    """Open the history version's page and press its Revert button, as HR does."""
    opts = obj._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )
    page = client.get(url)
    assert page.status_code == 200
    form = BeautifulSoup(page.content, "html.parser").select_one("#content-main form")
    assert form.select_one("input[type=submit][name=_save]")  # the Revert button
    data = form_data(page.content, "#content-main form")
    data["_save"] = "Revert"
    return client.post(url, data)


def test_changing_a_title_records_who_and_what(hr_client, hr, org):
    position = org["sales_mgr"]

    edit_in_admin(hr_client, position, title="销售总监")

    latest, previous = position.history.all()[:2]
    assert latest.history_user == hr
    assert latest.history_type == "~"
    assert (previous.title, latest.title) == ("销售部经理", "销售总监")
    changes = latest.diff_against(previous).changes
    assert [(c.field, c.old, c.new) for c in changes] == [("title", "销售部经理", "销售总监")]


def test_the_history_page_lists_the_change_by_hr(hr_client, org):
    position = org["sales_mgr"]
    edit_in_admin(hr_client, position, title="销售总监")

    page = BeautifulSoup(
        hr_client.get(reverse("admin:positions_position_history", args=[position.pk])).content,
        "html.parser",
    )

    rows = page.select("#change-history tbody tr")
    assert len(rows) == 2
    newest = rows[0].get_text(" ", strip=True)
    assert "hr" in newest.split()
    assert "销售部经理" in newest and "销售总监" in newest


def test_reverting_a_title_brings_it_back_and_records_the_revert(hr_client, hr, org):
    position = org["sales_mgr"]
    original = position.history.get()
    edit_in_admin(hr_client, position, title="销售总监")

    response = revert_in_admin(hr_client, position, original)

    assert response.status_code == 302
    assert Position.objects.get(pk=position.pk).title == "销售部经理"
    assert position.history.count() == 3
    newest = position.history.first()
    assert (newest.title, newest.history_user) == ("销售部经理", hr)
    # The revert touches the position only: its duties are still there.
    assert position.duties.count() == 3


def test_reverting_a_department_moves_it_back_and_keeps_the_tree_valid(hr_client, hr, org):
    hr_dept = org["hr"]
    edit_in_admin(hr_client, hr_dept, name="人力资源中心")
    version = hr_dept.history.first()  # under ACME, second among its siblings
    edit_in_admin(hr_client, hr_dept, parent=org["sales"].pk, order=1)
    assert children_codes(org["sales"]) == ["HR"]

    response = revert_in_admin(hr_client, hr_dept, version)

    assert response.status_code == 302
    reverted = Department.objects.get(pk=hr_dept.pk)
    assert (reverted.parent, reverted.name) == (org["acme"], "人力资源中心")
    assert children_codes(org["acme"]) == ["SALES", "HR"]
    assert children_codes(org["sales"]) == []
    assert tree_problems() == []
    newest = hr_dept.history.first()
    assert (newest.parent_id, newest.history_user) == (org["acme"].pk, hr)


def test_a_duty_keeps_its_forms_in_its_history(org):
    """Form.duties is declared on Form; the duty's history still lists its forms (kpis.history)."""
    from kpis.models import Form

    duty = org["sales_mgr"].duties.first()
    form = Form.objects.create(code="F-HIST", name="订单评审表")

    duty.forms.add(form)
    added = duty.history.first()
    duty.forms.remove(form)
    removed = duty.history.first()
    form.duties.add(duty)

    assert added.history_type == removed.history_type == "~"
    assert [row.form_id for row in added.forms.all()] == [form.pk]
    assert removed.forms.count() == 0
    # Changed through the form: the form's history records it, as before.
    assert form.history.first().history_type == "~"
    assert [row.form_id for row in duty.history.first().forms.all()] == []
