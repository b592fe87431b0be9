import secrets

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from orgduties.roles import HR_EDITORS


class Command(BaseCommand):
    help = "Create (or reset) an HR editor login with a freshly generated password and print it."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="hr")

    @transaction.atomic
    def handle(self, username, **options):
        password = secrets.token_urlsafe(12)
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=HR_EDITORS))
        self.stdout.write("HR login for the admin at /admin/:")
        self.stdout.write(f"username: {username}")
        self.stdout.write(f"password: {password}")
