"""Placeholder photos for the demo's employees: a silhouette on a colour of their own.

Drawn with Pillow and stored through the employee's photo field, as an upload
would be (a JPEG under a generated name). Real deployments upload real photos
in the admin.
"""

import hashlib
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from positions.models import Employee

PALETTE = ["#4c6ef5", "#12b886", "#f59f00", "#e64980", "#7950f2", "#1c7ed6", "#e8590c"]


def silhouette(seed, size=256):
    """A JPEG: a head and shoulders in white on a colour chosen by ``seed``."""
    colour = PALETTE[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(PALETTE)]
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    s = size
    draw.ellipse((s * 0.32, s * 0.16, s * 0.68, s * 0.52), fill="#ffffff")
    draw.ellipse((s * 0.14, s * 0.58, s * 0.86, s * 1.2), fill="#ffffff")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def add_photos():
    """Give every employee without a photo a placeholder; the number given."""
    count = 0
    for employee in Employee.objects.filter(photo=""):
        employee.photo.save("demo.jpg", ContentFile(silhouette(employee.employee_no)), save=True)
        count += 1
    return count
