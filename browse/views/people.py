"""Employees' photos, for logged-in users only (LoginRequiredMiddleware).

MEDIA_ROOT is not served by any URL (orgduties/urls.py): a photo is read
through this view, which names its type and forbids sniffing. Photos are
re-encoded JPEGs (core.images), so image/jpeg is what the file is. Inactive
employees' photos are served too: the pages decide whom to show.
"""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from positions.models import Employee


@require_safe
def photo(request, employee_no):
    name = Employee.objects.filter(employee_no=employee_no).values_list("photo", flat=True).first()
    if not name:
        raise Http404
    try:
        handle = Employee._meta.get_field("photo").storage.open(name, "rb")
    except FileNotFoundError:  # a history revert can name a photo deleted since
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    # Browsers keep it for an hour; a replaced photo has a new URL (Employee.photo_url).
    response["Cache-Control"] = "private, max-age=3600"
    return response
