"""The approval workflow: every legal step, every refusal, four eyes, the record of it."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages

from core.roles import APPROVERS, HR_EDITORS, REVIEWERS
from documents.models import Document, Revision, Status, Transition
from documents.workflow import TransitionRefused, next_review_date, perform
from positions.models import Duty
from tests.documents_helpers import approve, document

ACTIONS = ["submit", "pass", "return", "approve", "withdraw", "confirm"]
STATUSES = [Status.DRAFT, Status.IN_REVIEW, Status.REVIEWED, Status.APPROVED]
# (status, action) -> status after it; every other pair is refused.
LEGAL = {
    (Status.DRAFT, "submit"): Status.IN_REVIEW,
    (Status.IN_REVIEW, "pass"): Status.REVIEWED,
    (Status.IN_REVIEW, "return"): Status.DRAFT,
    (Status.IN_REVIEW, "withdraw"): Status.DRAFT,
    (Status.REVIEWED, "approve"): Status.APPROVED,
    (Status.REVIEWED, "return"): Status.DRAFT,
    (Status.REVIEWED, "withdraw"): Status.DRAFT,
    (Status.APPROVED, "submit"): Status.IN_REVIEW,  # revision N+1, after a change
    (Status.APPROVED, "confirm"): Status.APPROVED,
}


@pytest.fixture
def position(org):
    return org["sales_mgr"]


@pytest.fixture
def people(hr, reviewer, approver):
    return {"submit": hr, "withdraw": hr, "pass": reviewer, "confirm": reviewer}


def _actor(people, status, action, approver, reviewer):
    if action == "approve":
        return approver
    if action == "return":
        return approver if status == Status.REVIEWED else reviewer
    return people[action]


def bring_to(status, position, hr, reviewer, approver):
    """Put the description of ``position`` in ``status`` the normal way."""
    if status == Status.DRAFT:
        return
    perform(position, "submit", hr)
    if status == Status.IN_REVIEW:
        return
    perform(position, "pass", reviewer)
    if status == Status.REVIEWED:
        return
    perform(position, "approve", approver)
    # An approved description with a change waiting, so that "submit" is legal.
    Duty.objects.create(position=position, text="新增职责", order=99)


@pytest.mark.parametrize("status", STATUSES, ids=str)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_is_applied_or_refused(
    position, people, hr, reviewer, approver, status, action
):
    bring_to(status, position, hr, reviewer, approver)
    user = _actor(people, status, action, approver, reviewer)
    steps_before = Transition.objects.count()
    expected = LEGAL.get((status, action))

    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            perform(position, action, user, comment="理由")
        assert refused.value.message  # a sentence for the user
        assert document(position).status == status
        assert Transition.objects.count() == steps_before
    else:
        step = perform(position, action, user, comment="理由")
        assert document(position).status == expected
        assert (step.from_status, step.to_status, step.action) == (status, expected, action)
        assert (step.user, step.user_name, step.comment) == (
            user,
            user.get_full_name() or user.username,
            "理由",
        )


def test_the_whole_way_records_who_when_and_why(position, hr, reviewer, approver):
    perform(position, "submit", hr, comment="初稿")
    perform(position, "return", reviewer, comment="请补充工作指标")
    assert document(position).status == Status.DRAFT
    perform(position, "submit", hr, comment="已补充")
    perform(position, "pass", reviewer)
    perform(position, "return", approver, comment="编制数有误")
    perform(position, "submit", hr)
    perform(position, "pass", reviewer, comment="同意")
    step = perform(position, "approve", approver, comment="批准")

    doc = document(position)
    assert (doc.status, doc.revision, step.revision) == (Status.APPROVED, 1, 1)
    revision = doc.current_revision
    assert (revision.prepared_by, revision.reviewed_by, revision.approved_by) == (
        hr,
        reviewer,
        approver,
    )
    assert revision.content["control"]["approved_by"] == "批准人"
    assert revision.content["control"]["reviewed_by"] == "审核人"
    assert revision.content["control"]["document_number"] == "JD-SALES-MGR"
    steps = list(
        doc.transitions.order_by("at", "id").values_list("action", "user__username", "comment")
    )
    assert steps == [
        ("submit", "hr", "初稿"),
        ("return", "reviewer", "请补充工作指标"),
        ("submit", "hr", "已补充"),
        ("pass", "reviewer", ""),
        ("return", "approver", "编制数有误"),
        ("submit", "hr", ""),
        ("pass", "reviewer", "同意"),
        ("approve", "approver", "批准"),
    ]
    # Beside the field history of the control record, with the same who and why.
    last = doc.history.first()
    assert (last.history_user, last.history_change_reason) == (approver, "approved: 批准")


def test_returning_needs_a_comment(position, hr, reviewer):
    perform(position, "submit", hr)
    with pytest.raises(TransitionRefused, match="comment is required"):
        perform(position, "return", reviewer, comment="  ")
    assert document(position).status == Status.IN_REVIEW


@pytest.fixture
def hr_who_approves(hr):
    """An HR editor who is also in Reviewers and Approvers (a small company)."""
    for name in (REVIEWERS, APPROVERS):
        hr.groups.add(Group.objects.get(name=name))
    return User.objects.get(pk=hr.pk)  # fresh permission cache


def test_the_preparer_cannot_approve_their_own_draft(position, hr_who_approves, reviewer):
    perform(position, "submit", hr_who_approves)
    perform(position, "pass", reviewer)
    with pytest.raises(TransitionRefused, match="cannot approve it yourself"):
        perform(position, "approve", hr_who_approves)
    assert document(position).status == Status.REVIEWED
    assert not Revision.objects.exists()


def test_the_preparer_cannot_review_their_own_draft(position, hr_who_approves):
    perform(position, "submit", hr_who_approves)
    with pytest.raises(TransitionRefused, match="someone else must review"):
        perform(position, "pass", hr_who_approves)


def test_the_reviewer_cannot_also_approve(position, hr, reviewer):
    reviewer.groups.add(Group.objects.get(name=APPROVERS))
    reviewer = User.objects.get(pk=reviewer.pk)
    perform(position, "submit", hr)
    perform(position, "pass", reviewer)
    with pytest.raises(TransitionRefused, match="someone else must approve"):
        perform(position, "approve", reviewer)


def test_a_second_editor_may_prepare_what_the_first_approves(position, hr_who_approves, reviewer):
    other = User.objects.create_user("hr2", is_staff=True)
    other.groups.add(Group.objects.get(name=HR_EDITORS))
    perform(position, "submit", other)
    perform(position, "pass", reviewer)
    perform(position, "approve", hr_who_approves)
    assert document(position).revision == 1


@pytest.mark.parametrize("action", ACTIONS)
def test_employees_cannot_move_a_description(position, employee, hr, action):
    perform(position, "submit", hr)
    with pytest.raises(TransitionRefused, match="Only members of the group"):
        perform(position, action, employee, comment="x")
    assert document(position).status == Status.IN_REVIEW


def test_editors_cannot_review_or_approve(position, hr, reviewer):
    perform(position, "submit", hr)
    with pytest.raises(TransitionRefused, match="Reviewers"):
        perform(position, "pass", hr)
    perform(position, "pass", reviewer)
    with pytest.raises(TransitionRefused, match="Approvers"):
        perform(position, "approve", hr)


def test_nothing_to_submit_when_the_draft_equals_the_approved_revision(
    position, hr, reviewer, approver
):
    approve(position, hr, reviewer, approver)
    with pytest.raises(TransitionRefused, match="same as revision 1"):
        perform(position, "submit", hr)


def test_approval_freezes_what_was_submitted(position, hr, reviewer, approver):
    perform(position, "submit", hr)
    Duty.objects.filter(position=position).update(text="提交后改的")
    perform(position, "pass", reviewer)
    perform(position, "approve", approver)
    texts = [d["text"] for d in document(position).current_revision.content["duties"]]
    assert texts == ["制定销售计划", "管理销售团队", "审核销售合同"]


def test_a_department_function_sheet_has_the_same_workflow(org, hr, reviewer, approver):
    revision = approve(org["sales"], hr, reviewer, approver)
    assert revision.document.number == "DF-SALES"
    assert [f["text"] for f in revision.content["functions"]] == ["负责产品销售"]
    assert revision.content["staffing"][0]["code"] == "SALES-MGR"


def test_the_effective_date_may_be_later_but_not_earlier(position, hr, reviewer, approver):
    perform(position, "submit", hr)
    perform(position, "pass", reviewer)
    with pytest.raises(TransitionRefused, match="before the approval"):
        perform(position, "approve", approver, effective_date=date(2000, 1, 1))
    perform(position, "approve", approver, effective_date=date(2999, 1, 1))
    assert document(position).effective_date == date(2999, 1, 1)


def test_confirming_at_the_periodic_review_moves_the_review_date(position, hr, reviewer, approver):
    approve(position, hr, reviewer, approver)
    Document.objects.filter(pk=document(position).pk).update(next_review_date=date(2020, 3, 31))
    perform(position, "confirm", reviewer, comment="无需修改")
    doc = document(position)
    assert doc.next_review_date > date(2020, 3, 31)
    assert (doc.revision, doc.status) == (1, Status.APPROVED)


@pytest.mark.parametrize(
    "start, month, expected",
    [
        (date(2025, 3, 10), 3, date(2026, 3, 31)),
        (date(2025, 9, 15), 3, date(2026, 3, 31)),
        (date(2025, 10, 1), 3, date(2027, 3, 31)),
        (date(2025, 1, 10), 3, date(2026, 3, 31)),
        (date(2025, 1, 10), 12, date(2025, 12, 31)),
        (date(2025, 6, 30), 12, date(2025, 12, 31)),
        (date(2025, 7, 1), 12, date(2026, 12, 31)),
        (date(2024, 2, 29), 0, date(2025, 2, 28)),
        (date(2025, 5, 20), 0, date(2026, 5, 20)),
    ],
)
def test_next_review_is_in_the_review_month_about_a_year_later(settings, start, month, expected):
    settings.DOCUMENT_REVIEW_MONTH = month
    assert next_review_date(start) == expected


# --- through the pages --------------------------------------------------------------------


def _post(client, action, comment="", **extra):
    return client.post(
        "/documents/positions/SALES-MGR/transition/",
        {"action": action, "comment": comment, **extra},
    )


def test_a_refused_step_is_a_message_not_an_error(client, position, approver):
    client.force_login(approver)
    response = _post(client, "approve")
    assert response.status_code == 302
    assert response["Location"] == "/documents/positions/SALES-MGR/"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["This draft was never reviewed: submit it and have it reviewed first."]
    assert not Document.objects.filter(status=Status.APPROVED).exists()


@pytest.mark.parametrize("action", ["submit", "pass", "approve", "nonsense", ""])
def test_employees_are_refused_at_the_door(client, employee, position, action):
    client.force_login(employee)
    assert _post(client, action).status_code == 403
    assert not Document.objects.exists()


def test_an_unknown_action_is_refused_with_a_message(client, position, hr):
    client.force_login(hr)
    response = _post(client, "publish")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Unknown action."]


def test_a_bad_effective_date_is_refused_with_a_message(client, position, hr, reviewer, approver):
    perform(position, "submit", hr)
    perform(position, "pass", reviewer)
    client.force_login(approver)
    response = _post(client, "approve", effective_date="next tuesday")
    assert "effective date" in str(list(get_messages(response.wsgi_request))[0])
    assert document(position).status == Status.REVIEWED


def test_the_workflow_through_the_pages(client, position, hr, reviewer, approver):
    for user, action, comment in [
        (hr, "submit", "请审核"),
        (reviewer, "pass", "内容完整"),
        (approver, "approve", ""),
    ]:
        client.force_login(user)
        assert _post(client, action, comment).status_code == 302
    assert document(position).revision == 1
    # GET never changes anything.
    assert client.get("/documents/positions/SALES-MGR/transition/").status_code == 405
