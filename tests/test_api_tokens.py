"""Personal API tokens: created once, stored hashed, scoped, expiring, revocable, rate-limited."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from api.models import ApiToken, digest_of
from tests.api_helpers import TokenClient, api_as

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_token_once_and_stores_only_its_hash(hr, capsys):
    call_command("api_token", "hr", "--write", "--expires", "30")
    raw = capsys.readouterr().out.strip()

    token = ApiToken.objects.get(user=hr)
    assert raw.startswith("odt_") and len(raw) > 40
    assert token.digest == digest_of(raw) and raw not in token.digest
    assert token.prefix == raw[: len(token.prefix)]
    assert token.can_write
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert TokenClient(raw).get("/api/units/").status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "nobody")


def test_no_token_and_a_wrong_token_are_401_in_json(org):
    for client in (TokenClient(None), TokenClient("odt_not-a-real-token")):
        response = client.get("/api/units/")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] in ("not_authenticated", "authentication_failed")
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_are_refused(hr, org):
    token, raw = ApiToken.issue(hr, "old")
    assert TokenClient(raw).get("/api/units/").status_code == 200
    token.revoke()
    assert TokenClient(raw).get("/api/units/").status_code == 401

    token, raw = ApiToken.issue(hr, "short", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert TokenClient(raw).get("/api/units/").status_code == 401


def test_a_deactivated_users_tokens_stop_working(hr, org):
    client = api_as(hr)
    hr.is_active = False
    hr.save()
    assert client.get("/api/units/").status_code == 401


def test_a_read_token_cannot_write_even_for_an_hr_editor(hr, org):
    response = api_as(hr).post("/api/forms/", {"code": "F-1", "name": "周报"})
    assert response.status_code == 403
    assert response.json()["detail"] == "This token may only read."


def test_last_used_is_written_at_most_once_a_minute(hr, org):
    token, raw = ApiToken.issue(hr, "t")
    client = TokenClient(raw)
    client.get("/api/units/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/units/")
    token.refresh_from_db()
    assert token.last_used_at == first


def test_the_rate_limit_answers_429_with_retry_after(hr, org, settings):
    settings.API_RATE_LIMIT = "3/min"
    client = api_as(hr)
    codes = [client.get("/api/units/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/units/")
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    # Per token: another token of the same user has its own count.
    assert api_as(hr).get("/api/units/").status_code == 200


def _page(client, **data):
    response = (
        client.post("/account/api-tokens/", data) if data else client.get("/account/api-tokens/")
    )
    return response, BeautifulSoup(response.content, "html.parser")


def test_the_tokens_page_creates_shows_once_lists_and_revokes(client, employee, org):
    client.force_login(employee)
    response, page = _page(client, name="门户", expires="30")
    assert response.status_code == 200
    raw = page.select_one("#new-token").get_text()
    token = ApiToken.objects.get(user=employee)
    assert token.name == "门户" and not token.can_write and token.expires_at is not None
    assert TokenClient(raw).get("/api/units/").status_code == 200

    # Listed by its prefix only, never shown again.
    response, page = _page(client)
    assert page.select_one("#new-token") is None
    assert raw not in response.content.decode()
    assert token.prefix in page.select_one("table.tokens").get_text()

    client.post(f"/account/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert TokenClient(raw).get("/api/units/").status_code == 401


def test_nobody_revokes_anothers_token(client, employee, hr, org):
    token, _raw = ApiToken.issue(hr, "hr's")
    client.force_login(employee)
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_tokens_page_needs_a_login(client, db):
    response = client.get("/account/api-tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_tokens_page_speaks_chinese(employee, org):
    from django.test import Client

    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(employee)
    _response, page = _page(chinese)
    assert page.html["lang"] == "zh-hans"


def test_every_page_links_to_the_tokens_page(client, employee, org):
    client.force_login(employee)
    page = BeautifulSoup(client.get("/me/").content, "html.parser")
    assert page.select_one('nav.main-nav a[href="/account/api-tokens/"]') is not None
