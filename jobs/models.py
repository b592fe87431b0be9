"""A job: long work (an import, a large export) that a worker runs in the background.

The row is the job as its owner sees it: queued, running, done or failed, with
its progress, the result to download and a summary of what happened. The queue
itself is django-tasks' database backend (``jobs.runner.run_job``); a job and
its queue entry are written in one transaction, so a job is never queued twice
nor lost between the two.

Progress is written while the job's own transaction is open, so it cannot be
written through that transaction (other connections would see it only at the
commit): ``jobs.board`` writes it beside it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # The double-click guard: a form carries one nonce, so posting it twice
    # finds the job the first post started.
    nonce = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    input_file = models.CharField(max_length=200, blank=True, editable=False)
    input_name = models.CharField(_("file"), max_length=255, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    step = models.CharField(_("step"), max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.TextField(_("summary"), blank=True)
    report = models.JSONField(default=dict, blank=True, editable=False)
    result_file = models.CharField(max_length=200, blank=True, editable=False)
    result_name = models.CharField(_("result"), max_length=255, blank=True)
    task_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["owner", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self):
        from jobs.registry import kinds

        kind = kinds.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))

    def storage_name(self, name: str) -> str:
        return f"jobs/{self.pk}/{uuid.uuid4().hex}-{name}"

    def visible_to(self, user) -> bool:
        return user.is_authenticated and (
            self.owner_id == user.pk or user.has_perm("jobs.view_job")
        )
