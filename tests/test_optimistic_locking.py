"""Two HR editors saving the same record: the stale save is refused, with what changed.

Everything goes through the admin with the Django test client, the way two
browsers would: each opens the change form, edits, and saves.
"""

import threading

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from core.roles import HR_EDITORS
from departments.models import Department
from positions.models import Position
from tests.pages import form_data


@pytest.fixture
def hr2(db):
    user = User.objects.create_user("hr2", password="hr2-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=HR_EDITORS))
    return user


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def open_form(client, url, form_id):
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content, f"form#{form_id}")


def errors(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in page.select("ul.errorlist.nonfield li")]


POSITION_FORM = "position_form"


def position_url(position):
    return f"/admin/positions/position/{position.pk}/change/"


def test_the_change_form_carries_the_version(hr_client, org):
    mgr = org["sales_mgr"]
    data = open_form(hr_client, position_url(mgr), POSITION_FORM)
    assert data["loaded_version"] == str(mgr.version)


def test_every_save_adds_one_to_the_version(org):
    mgr = org["sales_mgr"]
    start = mgr.version
    mgr.title = "销售总监"
    mgr.save()
    mgr.save(update_fields=["title"])
    assert Position.objects.get(pk=mgr.pk).version == start + 2


def test_a_stale_save_is_refused_with_what_changed(org, hr, hr2):
    mgr = org["sales_mgr"]
    alice, bob = browser(hr), browser(hr2)
    alice_form = open_form(alice, position_url(mgr), POSITION_FORM)
    bob_form = open_form(bob, position_url(mgr), POSITION_FORM)

    # Alice renames the position and raises the headcount; she saves first.
    alice_form.update(title="销售总监", headcount="2")
    assert alice.post(position_url(mgr), alice_form).status_code == 302

    # Bob, on the form he opened before, only edits the summary.
    bob_form["summary"] = "负责全国销售"
    refused = bob.post(position_url(mgr), bob_form)

    assert refused.status_code == 200
    messages = errors(refused)
    assert messages[0].startswith("hr saved this position at ")
    assert messages[0].endswith("after you opened it. Your changes were not saved.")
    assert "Title: «销售总监» vs «销售部经理»" in messages
    assert "Headcount: «2» vs «1»" in messages
    assert not any(m.startswith("Summary") for m in messages)  # only what *they* changed
    saved = Position.objects.get(pk=mgr.pk)
    assert (saved.title, saved.headcount, saved.summary) == ("销售总监", 2, "")

    # The form Bob sees still has his values; saving it again is a deliberate overwrite.
    again = form_data(refused.content, f"form#{POSITION_FORM}")
    assert again["summary"] == "负责全国销售"
    assert again["loaded_version"] == str(saved.version)
    assert bob.post(position_url(mgr), again).status_code == 302
    saved = Position.objects.get(pk=mgr.pk)
    assert (saved.title, saved.summary) == ("销售部经理", "负责全国销售")
    assert saved.history.first().history_user == hr2


def test_inline_only_edits_are_protected_too(org, hr, hr2):
    """Saving a position's duties saves the position, so its version moves on."""
    mgr = org["sales_mgr"]
    alice, bob = browser(hr), browser(hr2)
    alice_form = open_form(alice, position_url(mgr), POSITION_FORM)
    bob_form = open_form(bob, position_url(mgr), POSITION_FORM)
    alice_form["duties-0-text"] = "制定年度销售计划"
    assert alice.post(position_url(mgr), alice_form).status_code == 302

    bob_form["duties-0-text"] = "制定季度销售计划"
    refused = bob.post(position_url(mgr), bob_form)
    assert refused.status_code == 200
    assert "They changed the rows below (duties, KPIs, holders…)." in errors(refused)
    assert mgr.duties.order_by("order").first().text == "制定年度销售计划"


def test_a_workbook_import_makes_open_forms_stale(org, hr):
    mgr = org["sales_mgr"]
    editor = browser(hr)
    form = open_form(editor, position_url(mgr), POSITION_FORM)
    # What the importer does for a changed row: a bulk update with the version bumped.
    mgr.title = "销售总监"
    mgr.version += 1
    Position.objects.bulk_update([mgr], ["title", "version"])

    form["headcount"] = "5"
    refused = editor.post(position_url(mgr), form)
    assert refused.status_code == 200
    assert "Title: «销售总监» vs «销售部经理»" in errors(refused)
    assert Position.objects.get(pk=mgr.pk).headcount == 1


def test_reverting_from_history_is_not_refused(org, hr_client):
    mgr = org["sales_mgr"]
    first = mgr.history.earliest()
    mgr.title = "销售总监"
    mgr.save()
    url = f"/admin/positions/position/{mgr.pk}/history/{first.history_id}/"
    data = open_form(hr_client, url, "historicalposition_form")
    assert data["loaded_version"] == str(mgr.version)
    assert hr_client.post(url, data).status_code == 302
    assert Position.objects.get(pk=mgr.pk).title == "销售部经理"


def test_a_form_without_a_version_is_not_checked(org, hr_client):
    """Clients that never loaded the form (scripts) keep working as before."""
    mgr = org["sales_mgr"]
    data = open_form(hr_client, position_url(mgr), POSITION_FORM)
    del data["loaded_version"]
    data["title"] = "销售总监"
    assert hr_client.post(position_url(mgr), data).status_code == 302


def test_a_record_deleted_meanwhile_is_reported(org, hr_client):
    rep = org["sales_rep"]
    data = open_form(hr_client, position_url(rep), POSITION_FORM)
    Position.objects.filter(pk=rep.pk).delete()
    assert hr_client.post(position_url(rep), data).status_code in (302, 404)
    assert not Position.objects.filter(pk=rep.pk).exists()


def test_departments_are_locked_the_same_way(org, hr, hr2):
    sales = org["sales"]
    url = f"/admin/departments/department/{sales.pk}/change/"
    alice, bob = browser(hr), browser(hr2)
    alice_form = open_form(alice, url, "department_form")
    bob_form = open_form(bob, url, "department_form")
    alice_form["name"] = "市场销售部"
    assert alice.post(url, alice_form).status_code == 302
    bob_form["description"] = "负责销售"
    refused = bob.post(url, bob_form)
    assert refused.status_code == 200
    assert "Name: «市场销售部» vs «销售部»" in errors(refused)
    assert Department.objects.get(pk=sales.pk).description == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_version_let_exactly_one_through(org, hr, hr2):
    """On PostgreSQL the row lock makes the check and the save one step."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    mgr = org["sales_mgr"]
    forms = []
    for user, title in ((hr, "销售总监"), (hr2, "销售主管")):
        client = browser(user)
        data = open_form(client, position_url(mgr), POSITION_FORM)
        data["title"] = title
        forms.append((client, data))
    start = threading.Barrier(2)
    codes = []

    def save(client, data):
        start.wait()
        try:
            codes.append(client.post(position_url(mgr), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(codes) == [200, 302]
    assert Position.objects.get(pk=mgr.pk).version == mgr.version + 1
