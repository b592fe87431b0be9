"""Give the demo organisation a document history worth looking at.

- 业务经理 (YW-BIZ-MGR): revision 1 approved about twenty months ago, revision 2
  (after a return with comment) about eight months ago. Between them a duty
  was added, one removed, two swapped, a KPI tightened from 85 % to 90 % and
  the headcount raised from 2 to 3, so the compare page shows every kind of
  change. Revision 2 is the organisation as fixtures/demo has it.
- 业务部 (YW-BIZ): its function sheet approved once, long enough ago for its
  yearly review to be on the due list.
- 业务总监 (YW-BIZ-DIR) waits for a reviewer, 业务助理 (YW-BIZ-AST) for an
  approver, so both work lists have something in them.

Revision 1 goes through the real workflow: the older wording is put in
place, submitted (which freezes it), and the demo rows are restored before
it is reviewed and approved. Running the command again changes nothing.
"""

from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.roles import APPROVERS, HR_EDITORS, REVIEWERS
from departments.models import Department
from documents.models import Revision
from documents.workflow import perform
from kpis.models import Kpi
from positions.models import Duty, Position

PEOPLE = [
    # username, name shown in the 编制/审核/批准 block, group
    ("hr", "周红", HR_EDITORS),
    ("reviewer", "王丽", REVIEWERS),
    ("approver", "李强", APPROVERS),
]
SUBJECT = "YW-BIZ-MGR"
REMOVED_DUTY = "负责收集竞争对手的报价与新品信息"
ADDED_DUTY = "建立新客户档案"
SWAPPED = ("对产品报价负责", "对每月发货产品开票及时率负责")
KPI_NOW, KPI_BEFORE = "每月销售目标产值需完成90%(含)以上", "每月销售目标产值需完成85%(含)以上"


class Command(BaseCommand):
    help = "Approve demo job descriptions (two revisions of 业务经理) and start a few reviews."

    def handle(self, **options):
        try:
            position = Position.objects.get(code=SUBJECT)
        except Position.DoesNotExist:
            raise CommandError(
                f"Load the demo organisation first: no position {SUBJECT}."
            ) from None
        if Revision.objects.filter(document__position=position).exists():
            self.stdout.write("Demo revisions are already there.")
            return
        with transaction.atomic():
            hr, reviewer, approver = (self._user(*person) for person in PEOPLE)
            now = timezone.now()

            def ago(days, hour=10):
                return (now - timedelta(days=days)).replace(hour=hour, minute=0, second=0)

            self._revision_1(position, hr, reviewer, approver, ago)
            perform(
                position,
                "submit",
                hr,
                comment="年度评审：新增客户档案职责，产值指标提高到90%。",
                at=ago(250),
            )
            perform(
                position,
                "return",
                reviewer,
                comment="请说明编制从2人调整为3人的依据。",
                at=ago(248),
            )
            perform(
                position, "submit", hr, comment="编制调整已经总经理办公会同意。", at=ago(247, 9)
            )
            perform(position, "pass", reviewer, comment="内容完整，指标可考核。", at=ago(246))
            perform(position, "approve", approver, at=ago(244))

            # Approved long enough ago for its yearly review to be overdue.
            unit = Department.objects.get(code="YW-BIZ")
            perform(unit, "submit", hr, at=ago(603))
            perform(unit, "pass", reviewer, at=ago(602))
            perform(unit, "approve", approver, at=ago(600))

            perform(
                Position.objects.get(code="YW-BIZ-DIR"),
                "submit",
                hr,
                comment="新岗位说明书初稿。",
                at=ago(3),
            )
            assistant = Position.objects.get(code="YW-BIZ-AST")
            perform(assistant, "submit", hr, at=ago(5))
            perform(assistant, "pass", reviewer, comment="同意，请批准。", at=ago(4))
        self.stdout.write(
            f"Demo revisions: {SUBJECT} has revisions 1 and 2; two drafts are in review."
        )

    def _user(self, username, name, group):
        user, _created = User.objects.get_or_create(username=username)
        if not user.first_name:
            user.first_name = name
            if _created:
                user.set_unusable_password()  # `create_hr_user` gives logins a password
            user.save()
        user.groups.add(Group.objects.get(name=group))
        return User.objects.get(pk=user.pk)  # a fresh permission cache

    def _revision_1(self, position, hr, reviewer, approver, ago):
        """Put the older wording in place, submit it, and restore the demo rows."""
        duties = {d.text: d for d in position.duties.all()}
        kpi = Kpi.objects.filter(duty__position=position, text=KPI_NOW).order_by("pk").first()
        first, second = (duties[text] for text in SWAPPED)
        helper = (
            Position.objects.exclude(pk=position.pk).filter(department=position.department).first()
        )
        added = duties[ADDED_DUTY]
        # update() rather than save(): these are not edits anyone made, so the
        # field history stays as the import wrote it.
        Duty.objects.filter(pk=first.pk).update(order=second.order)
        Duty.objects.filter(pk=second.pk).update(order=first.order)
        Duty.objects.filter(pk=added.pk).update(position=helper)
        Kpi.objects.filter(pk=kpi.pk).update(text=KPI_BEFORE, target=85)
        Position.objects.filter(pk=position.pk).update(headcount=2)
        removed = Duty.objects.create(position=position, text=REMOVED_DUTY, order=first.order)
        perform(position, "submit", hr, comment="业务经理岗位说明书。", at=ago(610))
        removed.delete()
        Duty.objects.filter(pk=first.pk).update(order=first.order)
        Duty.objects.filter(pk=second.pk).update(order=second.order)
        Duty.objects.filter(pk=added.pk).update(position=position)
        Kpi.objects.filter(pk=kpi.pk).update(text=KPI_NOW, target=kpi.target)
        Position.objects.filter(pk=position.pk).update(headcount=position.headcount)
        perform(position, "pass", reviewer, at=ago(607))
        perform(position, "approve", approver, at=ago(605))
