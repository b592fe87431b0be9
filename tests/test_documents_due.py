"""The due list: reviews due within 30 days or overdue, new positions a week without a description."""

from datetime import timedelta

import pytest
from django.utils import timezone

from documents.due import due_items
from documents.models import Document
from positions.models import Position
from tests.documents_helpers import approve
from tests.factories import grow_org
from tests.pages import soup, texts


def _created_days_ago(position, days):
    when = timezone.now() - timedelta(days=days)
    Position.history.filter(id=position.pk).update(history_date=when)


def _review_in(subject, days):
    Document.objects.filter(pk=subject.document.pk).update(
        next_review_date=timezone.localdate() + timedelta(days=days)
    )


@pytest.fixture
def aged(org, hr, reviewer, approver):
    """Every position of the org created 30 days ago; the sales manager's and the
    sales department's descriptions approved."""
    for position in Position.objects.all():
        _created_days_ago(position, 30)
    approve(org["sales_mgr"], hr, reviewer, approver)
    approve(org["sales"], hr, reviewer, approver)
    for subject in (org["sales_mgr"], org["sales"]):
        subject.refresh_from_db()
    return org


def _listed():
    return [(item.code, item.reason) for item in due_items()]


def test_new_positions_without_description_are_due_a_week_after_creation(aged):
    assert _listed() == [("CEO", "new"), ("HR-MGR", "new"), ("SALES-REP", "new")]
    item = due_items()[0]
    assert item.overdue and item.days_overdue == 23
    assert item.created == timezone.localdate() - timedelta(days=30)


def test_a_position_younger_than_a_week_is_not_due_yet(aged):
    fresh = Position.objects.create(code="NEW", title="新岗位", department=aged["sales"])
    assert ("NEW", "new") not in _listed()
    _created_days_ago(fresh, 6)
    assert ("NEW", "new") not in _listed()
    _created_days_ago(fresh, 7)
    assert ("NEW", "new") in _listed()


def test_reviews_are_due_when_passed_or_within_30_days(aged):
    mgr, sales = aged["sales_mgr"], aged["sales"]
    assert ("SALES-MGR", "review") not in _listed()  # next March, far away
    _review_in(mgr, 30)
    _review_in(sales, -1)
    listed = due_items()
    assert [(i.code, i.reason) for i in listed if i.reason == "review"] == [
        ("SALES", "review"),
        ("SALES-MGR", "review"),
    ]
    sales_item = next(i for i in listed if i.code == "SALES")
    assert sales_item.overdue and sales_item.kind == "departments"
    _review_in(mgr, 31)
    assert ("SALES-MGR", "review") not in _listed()


def test_a_description_in_the_workflow_is_still_due_until_approved(aged, hr):
    from documents.workflow import perform

    perform(aged["ceo"], "submit", hr)
    item = next(i for i in due_items() if i.code == "CEO")
    assert item.document.status == "in_review"


def test_the_due_list_page(client, hr, aged):
    _review_in(aged["sales_mgr"], 10)
    client.force_login(hr)
    page = soup(client.get("/documents/due/"))
    rows = page.select("table.due tbody tr")
    assert [r.select_one("td:nth-of-type(2) a").get_text() for r in rows] == [
        "总经理",
        "人力资源部经理",
        "销售代表",
        "销售部经理",
    ]
    assert "overdue" in rows[0]["class"]
    assert "in 10 days" in rows[3].get_text()
    assert "Periodic review of revision 1" in texts(page, "tr.due-review td")[3]


def test_employees_do_not_see_the_due_list(client, employee, org):
    client.force_login(employee)
    assert client.get("/documents/due/").status_code == 403
    assert client.get("/documents/").status_code == 403


@pytest.mark.parametrize("size", [2, 20])
def test_due_list_query_count_is_fixed(hr_client, size, django_assert_num_queries):
    grow_org(departments=2, positions=size, duties=1)
    Position.history.update(history_date=timezone.now() - timedelta(days=8))
    # Expect 6 queries:
    # * session, user
    # * the user's own and group permissions (checked once, cached on the user)
    # * approved documents due for review
    # * positions without an approved description, with their creation
    with django_assert_num_queries(6):
        page = soup(hr_client.get("/documents/due/"))
    assert len(page.select("table.due tbody tr")) == min(2 * size + 1, 50)
