"""Run the background worker: imports, large exports (see jobs.registry).

    manage.py worker            # until stopped (Ctrl+C, SIGTERM finishes the current job first)
    manage.py worker --batch    # run what is queued, then exit

Before it starts it checks what it needs and says what is missing: the
database (reachable, migrated) and the folder results are written to. It
fails the jobs that a stopped worker left running (``jobs.runner.reap``) and
deletes jobs finished more than JOB_RETENTION_DAYS ago, with their files.
Several workers may run at once, on one machine or several (PostgreSQL hands
each job to one of them).
"""

import contextlib
import datetime
import os
import socket

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from jobs.models import Job, Status
from jobs.runner import reap


class Command(BaseCommand):
    help = "Run the background worker (imports, large exports)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the queued jobs, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )
        parser.add_argument("--reload", action="store_true", help="Restart on code changes.")

    def handle(self, *args, batch, interval, reload, verbosity, **options):
        self.check_ready()
        failed = reap()
        pruned = prune()
        where = (
            f"{connection.vendor} {connection.settings_dict['NAME']}"
            f"{'@' + connection.settings_dict['HOST'] if connection.settings_dict.get('HOST') else ''}"
        )
        self.stdout.write(
            f"Worker {socket.gethostname()}:{os.getpid()} on {where}"
            f" ({failed} abandoned job(s) failed, {pruned} old job(s) deleted). Ctrl+C stops it."
        )
        worker_args = ["--interval", str(interval), "--reload" if reload else "--no-reload"]
        if batch:
            worker_args.append("--batch")
        call_command(
            "db_worker",
            *worker_args,
            "--worker-id",
            f"{socket.gethostname()}:{os.getpid()}"[:64],
            verbosity=verbosity,
        )

    def check_ready(self):
        from core.deploy_checks import check_database, check_migrated

        for problem in [
            *check_database(databases=["default"]),
            *check_migrated(databases=["default"]),
        ]:
            raise CommandError(f"{problem.msg} {problem.hint}")
        media = settings.MEDIA_ROOT
        if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage") and not os.access(
            media if os.path.exists(media) else os.path.dirname(media), os.W_OK
        ):
            raise CommandError(f"MEDIA_ROOT ({media}) cannot be written: results are stored there.")


def prune(now=None):
    """Delete jobs finished more than JOB_RETENTION_DAYS ago, with their files."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.JOB_RETENTION_DAYS)
    old = list(
        Job.objects.filter(status__in=[Status.DONE, Status.FAILED], finished_at__lt=cutoff)[:1000]
    )
    for job in old:
        for name in (job.input_file, job.result_file):
            if name:
                with contextlib.suppress(OSError):
                    default_storage.delete(name)
    Job.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
