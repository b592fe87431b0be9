"""A job's page (status, progress bar, result, retry), its progress as JSON, its download.

A job is seen by whoever started it and by HR editors (``jobs.view_job``);
anyone else gets a 404, as for a job that does not exist.
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.models import Job, Status
from jobs.registry import kinds
from jobs.runner import NotAllowed, TooManyJobs, reap, retry, start

PER_PAGE = 50
# A job queued this long with no worker taking it: the page says a worker may be missing.
WAITING_SECONDS = 15


def start_and_show(request, kind, **options):
    """Start a job for the request's user (see jobs.runner.start); its page, or why not."""
    try:
        job, _created = start(request.user, kind, **options)
    except TooManyJobs as refused:
        messages.error(request, str(refused))
        return redirect("jobs:list")
    return redirect("jobs:job", pk=job.pk)


def _job(request, pk):
    job = get_object_or_404(Job.objects.select_related("owner"), pk=pk)
    if not job.visible_to(request.user):
        raise Http404
    reap([job])
    return job


def progress_state(job):
    waiting = (
        job.status == Status.QUEUED
        and (timezone.now() - job.created_at).total_seconds() > WAITING_SECONDS
    )
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "step": job.step,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished,
        "waiting": waiting,
    }


def job_view(request, pk):
    job = _job(request, pk)
    kind = kinds.get(job.kind)
    context = {
        "job": job,
        "kind": kind,
        "state": progress_state(job),
        "may_retry": job.status == Status.FAILED
        and kind is not None
        and kind.may_start(request.user),
        "title": str(job),
        "nav": "jobs",
    }
    if kind is not None:
        context.update(kind.context(job, request))
    template = kind.template if kind is not None else "jobs/job.html"
    if template.startswith("admin/"):
        from django.contrib import admin

        context = {**admin.site.each_context(request), **context}
    return TemplateResponse(request, template, context)


def progress_view(request, pk):
    return JsonResponse(progress_state(_job(request, pk)))


def download_view(request, pk):
    job = _job(request, pk)
    if not job.result_file:
        raise Http404
    try:
        handle = default_storage.open(job.result_file, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.result_name)


@require_POST
def retry_view(request, pk):
    job = _job(request, pk)
    try:
        queued = retry(job, request.user)
    except NotAllowed:
        raise Http404 from None
    if queued:
        messages.success(request, _("The job is queued again."))
    else:
        messages.info(request, _("Only a failed job can be retried."))
    return redirect("jobs:job", pk=job.pk)


def list_view(request):
    jobs = Job.objects.select_related("owner")
    if not request.user.has_perm("jobs.view_job"):
        jobs = jobs.filter(owner=request.user)
    page = Paginator(jobs, PER_PAGE).get_page(request.GET.get("page"))
    reap(page.object_list)
    return TemplateResponse(
        request, "jobs/list.html", {"page": page, "title": _("Background jobs"), "nav": "jobs"}
    )
