"""Uploaded photos, re-encoded so that nothing of the uploaded file reaches a reader.

An upload is opened with Pillow (JPEG, PNG, GIF or WebP only), refused when
it is larger than ``PHOTO_MAX_BYTES`` or has more than ``PHOTO_MAX_PIXELS``
pixels (a decompression bomb: a small file that would decode to gigabytes),
turned upright by its EXIF orientation, flattened onto white, fitted inside
512×512 and written out as a new JPEG (quality 85) with no metadata at all:
no EXIF (GPS, camera, date), no ICC profile, no comment. What is stored is
that JPEG under a generated name (``photos/<uuid>.jpg``), never the uploaded
bytes or the uploaded file name.

``PhotoFormField`` does all this in ``clean()``, so every refusal is a form
error in the user's language, not a 500; the model field's ``upload_to`` is
``photo_name``.
"""

import io
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

PHOTO_BOX = (512, 512)
PHOTO_QUALITY = 85
# What Pillow may try to read: the formats photos come in, nothing more exotic.
PHOTO_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
PHOTO_ACCEPT = "image/jpeg,image/png,image/gif,image/webp"
PHOTO_DIRECTORY = "photos"


def photo_name(instance, filename):
    """Where a photo is stored: a fresh name each time, never the uploaded one."""
    return f"{PHOTO_DIRECTORY}/{uuid.uuid4().hex}.jpg"


def _not_an_image():
    return ValidationError(
        _("The file is not an image that can be read. Upload a JPEG, PNG, GIF or WebP photo."),
        code="invalid_image",
    )


def _too_many_pixels(width=None, height=None):
    limit = settings.PHOTO_MAX_PIXELS
    if width and height:
        return ValidationError(
            _("The image is %(width)s×%(height)s pixels; the limit is %(limit)s million pixels.")
            % {"width": width, "height": height, "limit": f"{limit / 1_000_000:.12g}"},
            code="too_many_pixels",
        )
    return ValidationError(
        _("The image has too many pixels; the limit is %(limit)s million pixels.")
        % {"limit": f"{limit / 1_000_000:.12g}"},
        code="too_many_pixels",
    )


def check_photo_size(upload):
    """Refuse an upload larger than PHOTO_MAX_BYTES before any of it is decoded."""
    limit = settings.PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The photo is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )


def reencode_photo(upload) -> bytes:
    """The upload as a clean JPEG within PHOTO_BOX; a ValidationError when it is not a photo."""
    check_photo_size(upload)
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it; here a warning is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload, formats=PHOTO_FORMATS) as image:
                width, height = image.size
                if width * height > settings.PHOTO_MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                # A JPEG decodes at 1/2, 1/4 or 1/8 scale when that is still large
                # enough: a 24-megapixel photo never has to be held whole.
                image.draft("RGB", PHOTO_BOX)
                upright = ImageOps.exif_transpose(image)
                flat = _flatten(upright)
                flat.thumbnail(PHOTO_BOX, Image.Resampling.LANCZOS)
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except Exception:
            # Pillow reports damaged or hostile files with many exception types
            # (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error …).
            raise _not_an_image() from None
    # A new image holds pixels only: no info dict, so no EXIF, ICC profile or comment.
    clean = Image.new("RGB", flat.size)
    clean.paste(flat)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return out.getvalue()


def _flatten(image):
    """RGB pixels; transparent parts become white rather than black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _help_text():
    return _(
        "JPEG, PNG, GIF or WebP, at most %(limit)s. It is stored as a JPEG of at most %(box)s pixels, without the file's metadata (location, camera)."
    ) % {
        "limit": filesizeformat(settings.PHOTO_MAX_BYTES),
        "box": "×".join(str(side) for side in PHOTO_BOX),
    }


class PhotoFormField(forms.FileField):
    """A photo upload that cleans to the re-encoded JPEG (see the module's docstring)."""

    def __init__(self, **kwargs):
        # The model field's max_length is the stored name's; the uploaded name is dropped.
        kwargs.pop("max_length", None)
        if not kwargs.get("help_text"):
            kwargs["help_text"] = lazy(_help_text, str)()
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", PHOTO_ACCEPT)
        return attrs

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return SimpleUploadedFile("photo.jpg", reencode_photo(upload), content_type="image/jpeg")
