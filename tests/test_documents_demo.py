"""The demo organisation comes with a document history: two revisions to compare, reviews open."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from documents.diff import compare
from documents.models import Document, Revision, Status
from documents.snapshot import same_content, snapshot_of
from positions.models import Position
from tests.pages import soup, texts


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())


def test_the_demo_has_a_position_with_two_approved_revisions(demo):
    position = Position.objects.get(code="YW-BIZ-MGR")
    one, two = Revision.objects.filter(document__position=position).order_by("number")
    assert (one.number, two.number) == (1, 2)
    assert one.approved_at < two.approved_at
    assert (one.control["prepared_by"], one.control["reviewed_by"], one.control["approved_by"]) == (
        "周红",
        "王丽",
        "李强",
    )
    # Revision 2 is the organisation as loaded: employees read what HR sees.
    assert same_content(two.content, snapshot_of(position))
    result = compare(one.content, two.content)
    duties = result["blocks"][0]
    statuses = {row.status for row in duties.rows}
    assert {"added", "removed", "moved", "changed"} <= statuses
    assert result["totals"]["added"] == 1 and result["totals"]["removed"] == 1
    steps = list(two.document.transitions.order_by("at").values_list("action", flat=True))
    assert steps == ["submit", "pass", "approve", "submit", "return", "submit", "pass", "approve"]


def test_loading_the_demo_again_changes_nothing(demo):
    before = list(Revision.objects.values_list("pk", flat=True))
    documents = list(Document.objects.order_by("pk").values_list("status", "revision"))
    out = io.StringIO()
    call_command("load_demo", verbosity=1, stdout=out)
    assert "already there" in out.getvalue()
    assert list(Revision.objects.values_list("pk", flat=True)) == before
    assert list(Document.objects.order_by("pk").values_list("status", "revision")) == documents


def test_the_work_lists_have_something_in_them(demo):
    statuses = dict(Document.objects.values_list("number", "status"))
    assert statuses["JD-YW-BIZ-DIR"] == Status.IN_REVIEW
    assert statuses["JD-YW-BIZ-AST"] == Status.REVIEWED
    assert statuses["DF-YW-BIZ"] == Status.APPROVED
    from documents.due import due_items

    overdue = [(i.code, i.reason) for i in due_items() if i.overdue]
    assert ("YW-BIZ", "review") in overdue


def test_every_document_page_works_on_the_demo(demo, client):
    call_command("create_hr_user", stdout=io.StringIO())
    client.force_login(User.objects.get(username="hr"))
    page = soup(client.get("/documents/"))
    assert texts(page, "#review-h ~ table a")[:1] == ["JD-YW-BIZ-DIR"]
    assert texts(page, "#approve-h ~ table a")[:1] == ["JD-YW-BIZ-AST"]
    compared = soup(client.get("/documents/positions/YW-BIZ-MGR/compare/?a=1&b=2"))
    assert compared.select("tr.added") and compared.select("tr.removed")
    for url in [
        "/documents/due/",
        "/documents/positions/YW-BIZ-MGR/",
        "/documents/positions/YW-BIZ-MGR/revisions/1/",
        "/documents/positions/YW-BIZ-MGR/export.docx",
        "/documents/departments/YW-BIZ/",
        "/documents/departments/YW-BIZ/print/",
        "/documents/departments/YW/export/?format=zip",
        "/positions/YW-BIZ-MGR/",
        "/positions/YW-BIZ-MGR/?view=draft",
        "/departments/YW-BIZ/",
    ]:
        assert client.get(url).status_code == 200, url


def test_make_demo_prints_reviewer_and_approver_logins(demo):
    out = io.StringIO()
    call_command("create_hr_user", username="reviewer", group="Reviewers", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == "username: reviewer" and lines[2].startswith("password: ")
    user = User.objects.get(username="reviewer")
    assert user.check_password(lines[2].removeprefix("password: "))
    assert user.has_perm("documents.review_document")
    assert not user.has_perm("documents.approve_document")
