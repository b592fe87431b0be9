"""Start, run, retry and reap jobs.

``start`` writes the job and its queue entry in one transaction. The worker
(``manage.py worker``, django-tasks' ``db_worker``) runs ``run_job``, which
claims the job, runs its kind's code under a ``Reporter`` and records how it
ended. A job whose worker died is failed by ``reap`` once its heartbeat is
stale; its own transaction died with the worker, so it wrote nothing, and
``retry`` queues it again.
"""

import logging
import os
import socket

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from jobs.board import Reporter, board, stale_before
from jobs.models import Job, Status
from jobs.registry import JobFailed, kinds

log = logging.getLogger(__name__)


class NotAllowed(Exception):
    pass


class TooManyJobs(Exception):
    """The user already has JOB_MAX_ACTIVE_PER_USER jobs queued or running."""


def start(user, kind, params=None, nonce=None, upload=None, language=None):
    """Queue a job of ``kind`` for ``user``; (job, created). ``upload`` is (bytes, name).

    A second call with the same ``nonce`` (a form posted twice) returns the job
    the first one started, and starts nothing.
    """
    spec = kinds[kind]
    if not spec.may_start(user):
        raise NotAllowed(kind)
    if nonce is not None and (existing := Job.objects.filter(nonce=nonce).first()):
        if existing.owner_id != user.pk:
            raise NotAllowed(kind)
        return existing, False
    active = Job.objects.filter(owner=user, status__in=[Status.QUEUED, Status.RUNNING])
    if active.count() >= settings.JOB_MAX_ACTIVE_PER_USER:
        raise TooManyJobs(
            _(
                "You already have %(count)d jobs waiting or running; start this one when one of "
                "them has finished."
            )
            % {"count": settings.JOB_MAX_ACTIVE_PER_USER}
        )
    params = {**(params or {}), "language": language or translation.get_language()}
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, owner=user, nonce=nonce, params=params)
            if upload is not None:
                content, name = upload
                job.input_name = name[:255]
                job.input_file = default_storage.save(
                    job.storage_name("input"), ContentFile(content)
                )
            _enqueue(job)
    except IntegrityError:
        # The same nonce, posted twice at the same moment: the other post won.
        existing = Job.objects.filter(nonce=nonce).first()
        if nonce is None or existing is None or existing.owner_id != user.pk:
            raise
        return existing, False
    return job, True


def _enqueue(job):
    result = run_job.enqueue(job.pk, job.attempt)
    job.task_id = str(result.id)
    job.save()


def retry(job, user):
    """Queue a failed job again, as a new attempt; False when it is not failed."""
    if not kinds[job.kind].may_start(user):
        raise NotAllowed(job.kind)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.FAILED:
            return False
        _delete(job.result_file)
        job.attempt += 1
        job.status = Status.QUEUED
        job.started_at = job.finished_at = job.heartbeat_at = None
        job.step, job.done, job.total = "", 0, 0
        job.summary, job.report, job.result_file, job.result_name = "", {}, "", ""
        job.worker = ""
        _enqueue(job)
    return True


def reap(jobs=None):
    """Fail running jobs whose worker stopped; returns how many. ``jobs`` limits the look."""
    running = [
        job
        for job in (Job.objects.filter(status=Status.RUNNING) if jobs is None else jobs)
        if job.status == Status.RUNNING
    ]
    if not running:
        return 0
    board().overlay(running)
    cutoff = stale_before()
    reaped = 0
    for job in running:
        beat = job.heartbeat_at or job.started_at
        if beat is not None and beat >= cutoff:
            continue
        with translation.override(job.params.get("language")):
            summary = _(
                "The worker stopped during this job (it was stopped or its server restarted). "
                "Nothing was written. Retry it to run it again."
            )
        now = timezone.now()
        reaped += Job.objects.filter(pk=job.pk, status=Status.RUNNING, attempt=job.attempt).update(
            status=Status.FAILED, finished_at=now, summary=summary
        )
        job.status, job.summary, job.finished_at = Status.FAILED, summary, now
    return reaped


def _delete(name):
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not delete %s", name, exc_info=True)


@task()
def run_job(job_id, attempt):
    """The queue's one task: run job ``job_id`` if it is still waiting for this attempt."""
    reap()  # jobs a stopped worker left running end as failed even if nobody looks at them
    claimed = Job.objects.filter(pk=job_id, status=Status.QUEUED, attempt=attempt).update(
        status=Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        worker=f"{socket.gethostname()}:{os.getpid()}"[:100],
    )
    if not claimed:
        return "not queued"
    job = Job.objects.get(pk=job_id)
    kind = kinds.get(job.kind)
    progress = Reporter(job)
    with translation.override(job.params.get("language")):
        try:
            if kind is None:
                raise JobFailed(_("This kind of job (%(kind)s) is not known.") % {"kind": job.kind})
            with progress:
                outcome = kind.run(job, progress)
            status = Status.DONE
        except JobFailed as failure:
            outcome, status = failure.outcome, Status.FAILED
        except Exception as exc:  # noqa: BLE001 - a job never takes the worker down
            log.exception("job %s (%s) failed", job.pk, job.kind)
            outcome = JobFailed(
                _("The job stopped on an unexpected error (%(error)s). Nothing was written.")
                % {"error": type(exc).__name__}
            ).outcome
            status = Status.FAILED
        if status == Status.FAILED:
            _drop_lost_connection()
        _finish(job, status, outcome, progress.state)
    return status


def _drop_lost_connection():
    """A database that went away mid-job (a restart): record the failure on a new connection."""
    if connection.connection is not None and not connection.is_usable():
        connection.close()


def _finish(job, status, outcome, state):
    result_file = result_name = ""
    if outcome.file is not None:
        content, name = outcome.file
        result_file = default_storage.save(job.storage_name(name), ContentFile(content))
        result_name = name
    step, done, total = state
    if status == Status.DONE:
        done = total = max(done, total)
        step = ""
    updated = Job.objects.filter(pk=job.pk, attempt=job.attempt, status=Status.RUNNING).update(
        status=status,
        finished_at=timezone.now(),
        summary=outcome.summary,
        report=outcome.report,
        result_file=result_file,
        result_name=result_name,
        step=step[:100],
        done=done,
        total=total,
    )
    if not updated:
        # Reaped meanwhile (the heartbeat stalled): keep what the user was told.
        log.error("job %s finished as %s after it was reaped", job.pk, status)
        _delete(result_file)
