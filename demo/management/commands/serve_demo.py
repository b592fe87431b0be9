"""Serve the demo: the development server and, beside it, the background worker.

    manage.py serve_demo 127.0.0.1:8000

`make demo` runs it, so imports and large exports run in the background with
nothing but python3: the worker is a second process of this command's own,
on the same SQLite database, stopped with it (Ctrl+C stops both).
"""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


class Command(BaseCommand):
    help = "Serve the demo with its background worker."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        worker = None
        # The autoreloader runs this command again in a child process: one worker is enough.
        if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            worker = subprocess.Popen([sys.executable, "manage.py", "worker"])
            self.stdout.write(f"Background worker started (process {worker.pid}).")
        try:
            call_command("runserver", addrport)
        finally:
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(15)
                except subprocess.TimeoutExpired:
                    worker.kill()
