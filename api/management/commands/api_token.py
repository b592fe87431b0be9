from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (once: only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--write", action="store_true", help="Read and write (default: read).")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="Expire after DAYS days.")
        parser.add_argument("--name", default="", help="What it is for (default: command line).")

    def handle(self, username, write, expires, name, **options):
        if expires is not None and expires < 1:
            raise CommandError("--expires must be at least 1 day")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        if not user.is_active:
            raise CommandError(f"User {username!r} is not active")
        _token, raw = ApiToken.issue(
            user, name or "manage.py api_token", can_write=write, days=expires
        )
        self.stdout.write(raw)
