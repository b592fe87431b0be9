from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.people import DirectoryUnavailable, read_people
from directory.sync import DirectorySync, MassDeactivationRefused

SHOWN = 50  # names listed per heading; the counts are always whole


class Command(BaseCommand):
    help = (
        "Read the people of the company directory (LDAP / Active Directory) into employees, "
        "their logins and primary positions; deactivate leavers. Schedule it (cron, systemd)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--allow-mass-deactivation",
            action="store_true",
            help="Deactivate leavers even beyond LDAP_SYNC_MAX_DEACTIVATE_PERCENT.",
        )

    def handle(self, dry_run, allow_mass_deactivation, **options):
        if not settings.DIRECTORY_LDAP_ENABLED:
            raise CommandError("LDAP_SERVER_URI is not set: there is no directory to read.")
        try:
            people = read_people()
        except DirectoryUnavailable as exc:
            raise CommandError(f"The directory cannot be read, nothing changed: {exc}") from None
        sync = DirectorySync(allow_mass_deactivation=allow_mass_deactivation)
        try:
            report = sync.run(people, dry_run=dry_run)
        except MassDeactivationRefused as exc:
            raise CommandError(str(exc)) from None
        prefix = "Dry run, nothing saved. Would have: " if dry_run else ""
        self.stdout.write(
            f"{prefix}read {len(people)}; created {len(report.created)}, "
            f"changed {len(report.changed)}, deactivated {len(report.deactivated)}, "
            f"unchanged {report.unchanged}; not placed {len(report.unplaced)}, "
            f"skipped {len(report.skipped)}."
        )
        for heading, names in (
            ("Created", report.created),
            ("Changed", report.changed),
            ("Deactivated", report.deactivated),
            ("Not placed in a position", report.unplaced),
            ("Skipped", report.skipped),
        ):
            if names:
                self.stdout.write(f"{heading}:")
                for name in names[:SHOWN]:
                    self.stdout.write(f"  {name}")
                if len(names) > SHOWN:
                    self.stdout.write(f"  … and {len(names) - SHOWN} more")
