"""Employees' photos (issue 12, point 7): re-encoded on upload, served behind the login.

Uploads go through the admin's change form as an HR editor would send them;
what is stored is read back with Pillow: a JPEG of at most 512×512, upright,
without EXIF, ICC profile or comment, under a generated name.
"""

import io
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from PIL import ExifTags, Image, ImageCms

from core.images import reencode_photo
from positions.models import Employee
from tests.pages import soup

SECRET = "31 Secret Street"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def person(db, employee):
    return Employee.objects.create(employee_no="E001", name="张三", user=employee)


def jpeg_with_metadata(size=(2000, 1000), orientation=6):
    """Left half red, right half blue, with an orientation tag, GPS, a comment and an ICC profile."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.ImageDescription] = SECRET
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 0.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=SECRET.encode(), icc_profile=icc, quality=95)
    data = out.getvalue()
    # The metadata really is in the upload.
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif()[ExifTags.Base.Orientation] == orientation
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert check.info["comment"] == SECRET.encode() and check.info["icc_profile"]
    return data


def png(size=(300, 200), mode="RGBA", color=(0, 128, 0, 0)):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


def png_header_claiming(width, height):
    """A tiny PNG whose header says it is width×height (a decompression bomb)."""
    data = bytearray(png((1, 1), "RGB", (0, 0, 0)))
    start = 8 + 4  # signature, then the IHDR chunk's length
    body = struct.pack(">II", width, height) + bytes(data[start + 12 : start + 17])
    data[start + 4 : start + 17] = body
    data[start + 17 : start + 21] = struct.pack(">I", zlib.crc32(b"IHDR" + body))
    return bytes(data)


def change_url(person):
    return reverse("admin:positions_employee_change", args=[person.pk])


def post_change(client, person, photo=None, clear=False):
    data = {
        "employee_no": person.employee_no,
        "name": person.name,
        "user": person.user_id or "",
        "is_active": "on",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    if photo is not None:
        name, content = photo
        data["photo"] = io.BytesIO(content)
        data["photo"].name = name
    if clear:
        data["photo-clear"] = "on"
    return client.post(change_url(person), data)


def errors(response):
    # filesizeformat puts a no-break space between number and unit.
    return [
        li.get_text(" ", strip=True).replace("\xa0", " ")
        for li in soup(response).select(".errorlist li")
    ]


def stored(person):
    person.refresh_from_db()
    return person.photo.name


def test_a_jpeg_is_stored_upright_small_and_without_metadata(
    hr_client, person, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(hr_client, person, ("holiday GPS.jpg", jpeg_with_metadata()))
    assert response.status_code == 302, errors(response)

    name = stored(person)
    assert re.fullmatch(r"photos/[0-9a-f]{32}\.jpg", name)  # never the uploaded name
    path = media / name
    raw = path.read_bytes()
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        # 2000×1000 turned by the orientation tag (6: 90° clockwise), then fitted in 512×512.
        assert image.size == (256, 512)
        assert not image.getexif()
        assert {"exif", "icc_profile", "comment"}.isdisjoint(image.info)
        # The left (red) half is now on top, the right (blue) half below.
        top, bottom = image.getpixel((128, 20)), image.getpixel((128, 490))
        assert top[0] > 200 and top[2] < 60, top
        assert bottom[2] > 200 and bottom[0] < 60, bottom
    assert SECRET.encode() not in raw and b"Exif" not in raw and b"SpyCam" not in raw
    assert b"ICC_PROFILE" not in raw
    assert person.photo_path() == str(path)


def test_a_png_with_transparency_becomes_a_jpeg_on_white(hr_client, person, media):
    response = post_change(hr_client, person, ("logo.png", png((1024, 256))))
    assert response.status_code == 302, errors(response)
    with Image.open(media / stored(person)) as image:
        assert image.format == "JPEG"
        assert image.size == (512, 128)
        assert all(channel > 240 for channel in image.getpixel((256, 64)))


def test_the_photo_field_is_on_the_form_with_its_limits(hr_client, person):
    page = soup(hr_client.get(change_url(person)))
    field = page.select_one("input[type=file][name=photo]")
    assert field["accept"] == "image/jpeg,image/png,image/gif,image/webp"
    assert "at most 5.0\xa0MB" in page.select_one(".field-photo .help").get_text()
    assert page.select_one("img.employee-photo") is None  # no photo yet


def test_a_text_file_renamed_png_is_refused_with_a_message(hr_client, person, media):
    response = post_change(hr_client, person, ("photo.png", b"just some text, not a picture\n"))
    assert response.status_code == 200
    assert errors(response) == [
        "The file is not an image that can be read. Upload a JPEG, PNG, GIF or WebP photo."
    ]
    assert stored(person) == ""
    assert not (media / "photos").exists()


def test_a_50_mb_upload_is_refused_before_it_is_decoded(hr_client, person, media):
    response = post_change(hr_client, person, ("huge.jpg", os.urandom(50 * 1024 * 1024)))
    assert response.status_code == 200
    assert errors(response) == ["The photo is 50.0 MB; the limit is 5.0 MB."]
    assert stored(person) == ""


def test_a_decompression_bomb_is_refused_from_its_header(hr_client, person):
    # 80 million pixels: under Pillow's own limit, over PHOTO_MAX_PIXELS.
    bomb = png_header_claiming(10_000, 8_000)
    assert len(bomb) < 100
    response = post_change(hr_client, person, ("bomb.png", bomb))
    assert response.status_code == 200
    assert errors(response) == ["The image is 10000×8000 pixels; the limit is 50 million pixels."]
    # Ten thousand million: Pillow refuses it itself (DecompressionBombError), caught too.
    response = post_change(hr_client, person, ("bomb.png", png_header_claiming(100_000, 100_000)))
    assert response.status_code == 200
    assert errors(response) == ["The image has too many pixels; the limit is 50 million pixels."]
    assert stored(person) == ""


def test_pillows_decompression_bomb_warning_is_a_refusal(settings, monkeypatch):
    settings.PHOTO_MAX_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # warns above 100, fails above 200
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        reencode_photo(ContentFile(png((12, 12), "RGB", (1, 2, 3)), name="x.png"))
    assert refused.value.code == "too_many_pixels"


@pytest.mark.parametrize("content", [b"", b"GIF89a" + b"\x00" * 20, png()[:60]])
def test_empty_or_truncated_files_are_form_errors(hr_client, person, content):
    response = post_change(hr_client, person, ("x.gif", content))
    assert response.status_code == 200
    assert len(errors(response)) == 1


def test_the_change_form_shows_the_current_photo_through_the_protected_view(hr_client, person):
    person.name = '<b>"张三"</b>'
    person.save()
    post_change(hr_client, person, ("a.jpg", jpeg_with_metadata()))
    person.refresh_from_db()
    page = soup(hr_client.get(change_url(person)))
    img = page.select_one("img.employee-photo")
    assert img["src"] == person.photo_url()
    assert img["src"].startswith("/people/E001/photo/?v=")
    assert img["alt"] == '<b>"张三"</b>'  # escaped: an attribute, not markup
    assert page.select_one("p.file-upload a")["href"] == person.photo_url()
    assert "/media/" not in str(page)


def test_the_list_shows_who_has_a_photo_in_a_fixed_number_of_queries(
    hr_client, person, django_assert_num_queries
):
    person.photo.save("x.jpg", ContentFile(reencode_photo(ContentFile(png(), name="x.png"))))
    url = reverse("admin:positions_employee_changelist")
    hr_client.get(url)  # warm up the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        page = soup(hr_client.get(url))
    assert len(page.select("td.field-has_photo img[alt=True]")) == 1
    for number in range(2, 12):
        Employee.objects.create(employee_no=f"E{number:03}", name=f"员工{number}")
    with django_assert_num_queries(len(few)):
        page = soup(hr_client.get(url))
    assert len(page.select("td.field-has_photo img[alt=False]")) == 10


def test_replacing_a_photo_deletes_the_old_file_once_committed(
    hr_client, person, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_change(hr_client, person, ("one.jpg", jpeg_with_metadata()))
    first = stored(person)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_change(hr_client, person, ("two.png", png()))
    second = stored(person)
    assert second != first
    assert (media / first).exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert not (media / first).exists()
    assert (media / second).exists()

    # Clearing it deletes the file too.
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(hr_client, person, clear=True)
    assert response.status_code == 302
    assert stored(person) == ""
    assert not (media / second).exists()
    assert person.photo_path() is None


def test_a_rolled_back_replacement_keeps_the_old_file(
    person, media, django_capture_on_commit_callbacks
):
    from django.db import transaction

    person.photo.save("a.jpg", ContentFile(b"old"))
    old = person.photo.name
    person = Employee.objects.get(pk=person.pk)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        person.photo = ""
        person.save()
        raise RuntimeError
    assert callbacks == []
    assert (media / old).exists()
    assert Employee.objects.get(pk=person.pk).photo.name == old


def test_deleting_an_employee_deletes_the_photo(person, media, django_capture_on_commit_callbacks):
    person.photo.save("a.jpg", ContentFile(b"jpeg"))
    path = media / person.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        Employee.objects.filter(pk=person.pk).delete()  # as "delete selected" does
    assert not path.exists()


def test_an_employee_reads_the_photo_with_safe_headers(client, person, employee):
    person.photo.save("x.jpg", ContentFile(reencode_photo(ContentFile(png(), name="x.png"))))
    client.force_login(employee)
    response = client.get(person.photo_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    body = b"".join(response.streaming_content)
    assert body == Path(person.photo.path).read_bytes()
    assert client.head(person.photo_url()).status_code == 200
    assert client.post(person.photo_url()).status_code in (403, 405)


def test_an_inactive_employees_photo_is_still_served(client, person, employee):
    person.photo.save("x.jpg", ContentFile(b"\xff\xd8jpeg"))
    person.is_active = False
    person.save()
    client.force_login(employee)
    assert client.get(reverse("people:photo", args=["E001"])).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client, person):
    person.photo.save("x.jpg", ContentFile(b"\xff\xd8jpeg"))
    response = client.get(reverse("people:photo", args=["E001"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_no_photo_no_employee_or_a_missing_file_is_a_404(client, person, employee, media):
    client.force_login(employee)
    assert client.get(reverse("people:photo", args=["E001"])).status_code == 404
    assert client.get(reverse("people:photo", args=["NOBODY"])).status_code == 404
    person.photo.save("x.jpg", ContentFile(b"\xff\xd8jpeg"))
    os.remove(person.photo.path)
    assert client.get(reverse("people:photo", args=["E001"])).status_code == 404
    assert person.photo_path() is None


def test_media_files_are_served_by_no_url(person):
    person.photo.save("x.jpg", ContentFile(b"\xff\xd8jpeg"))
    with pytest.raises(Resolver404):
        resolve(f"/media/{person.photo.name}")

    def callbacks(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from callbacks(entry.url_patterns)
            else:
                yield entry.callback

    assert not [
        c for c in callbacks(get_resolver().url_patterns) if c.__module__ == "django.views.static"
    ]


def test_the_workbook_neither_exports_nor_needs_the_photo(person):
    from workbook.resources import EmployeeResource

    person.photo.save("x.jpg", ContentFile(b"\xff\xd8jpeg"))
    exported = EmployeeResource().export()
    assert "photo" not in " ".join(exported.headers).lower()
    assert person.photo.name not in exported.csv


@pytest.mark.django_db(transaction=True)  # the backup sets its own isolation level (PostgreSQL)
def test_the_backup_carries_the_photo_file(person, tmp_path):
    person.photo.save("x.jpg", ContentFile(b"\xff\xd8jpeg bytes"))
    target = tmp_path / "org.zip"
    call_command("backup_org", str(target), stdout=io.StringIO())
    with zipfile.ZipFile(target) as archive:
        assert archive.read(f"media/{person.photo.name}") == b"\xff\xd8jpeg bytes"


def test_the_refusal_is_in_the_editors_language(client, hr, person):
    client.force_login(hr)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = post_change(client, person, ("photo.png", b"not a picture"))
    assert errors(response) == [
        "该文件不是可读取的图片。请上传 JPEG、PNG、GIF 或 WebP 格式的照片。"
    ]
    page = soup(client.get(change_url(person)))
    assert page.select_one("label[for=id_photo]").get_text() == "照片:"


def test_add_form_and_history_pages_work_with_a_photo(hr_client, person):
    page = soup(hr_client.get(reverse("admin:positions_employee_add")))
    assert page.select_one("input[type=file][name=photo]") is not None
    assert page.select_one(".field-current_photo") is None
    post_change(hr_client, person, ("a.jpg", jpeg_with_metadata()))
    history = person.history.order_by("history_id")
    assert history.last().photo == stored(person)
    assert history.first().photo == ""
    url = reverse(
        "admin:positions_employee_simple_history", args=[person.pk, history.first().history_id]
    )
    response = hr_client.get(url)
    assert response.status_code == 200
    assert soup(response).select_one("input[type=file][name=photo]") is not None
