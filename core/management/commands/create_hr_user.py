import secrets

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from core.roles import APPROVERS, HR_EDITORS, REVIEWERS


class Command(BaseCommand):
    help = "Create (or reset) a login (HR editor by default) with a fresh password and print it."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="hr")
        parser.add_argument(
            "--group",
            default=HR_EDITORS,
            choices=[HR_EDITORS, REVIEWERS, APPROVERS],
            help="The role of the login (reviewers and approvers sign off job descriptions).",
        )

    @transaction.atomic
    def handle(self, username, group, **options):
        password = secrets.token_urlsafe(12)
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=group))
        if group == HR_EDITORS:
            self.stdout.write("HR login for the admin at /admin/:")
        else:
            self.stdout.write(f"{group} login (job descriptions at /documents/):")
        self.stdout.write(f"username: {username}")
        self.stdout.write(f"password: {password}")
