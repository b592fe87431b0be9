"""The position page caches its job description, keyed by the content generation.

The generation is changed by database triggers (storage.generation) on every
write to a table whose rows the page shows, so every way of writing is seen by
the next request: the ORM, queryset.update(), the workbook importer (bulk and
raw SQL), the documents workflow.

The tests commit their data (transactional tests): on PostgreSQL a request
whose own transaction has written is never cached, which is what production
requests, which do not write before reading a position, never meet.
"""

import re

import psycopg2
import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from browse.versions import ReaderRole
from positions.models import Duty, Position
from storage import generation
from tests.documents_helpers import approve
from tests.factories import grow_org, sheet_rows
from tests.pages import soup, texts
from workbook.importer import OrgImporter
from workbook.sheets import Workbook

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/positions/D0-P0/"
DUTIES = "#duties-h ~ ol.items > li"


def duty_texts(response):
    return [li.select_one("div").get_text(" ", strip=True) for li in soup(response).select(DUTIES)]


def first_duty():
    return Duty.objects.filter(position__code="D0-P0").order_by("kind", "order", "id").first()


@pytest.fixture
def small_org(db):
    grow_org(departments=2, positions=2, duties=2)


@pytest.mark.parametrize("size", [2, 25])
def test_second_request_is_served_from_cache(hr_client, size, django_assert_num_queries):
    grow_org(departments=2, positions=size, duties=size)
    # The first request: 13 queries, those of tests/test_position_page.py.
    # * session, user
    # * the content generation (the cache key; read before any data)
    # * the position with its department and superior
    # * duties, their forms
    # * the KPIs of the duties and of the position itself
    # * current holders
    # * department path
    # * the user's own and group permissions (edit links, document team)
    # * direct reports, counted
    # * dotted lines, out and in
    with django_assert_num_queries(13):
        first = hr_client.get(URL)
    # The second: 3 queries, none of the job description's.
    # * session, user
    # * the content generation (the entry and the user's permissions are keyed by it)
    with django_assert_num_queries(3):
        second = hr_client.get(URL)
    assert duty_texts(second) == duty_texts(first)
    assert len(duty_texts(second)) == size


@pytest.mark.parametrize(
    ("persona", "query", "part"),
    [
        ("employee", "", ""),
        ("employee", "?view=draft", ""),  # only the document team may ask for the draft
        ("reviewer", "", "t"),
        ("reviewer", "?view=draft", "td"),
        ("hr", "", "et"),
        ("hr", "?view=draft", "etd"),
    ],
)
def test_the_readers_role_keys_the_cache_as_before(request, persona, query, part):
    # The role's part of the key is the "e", "t", "d" string of the flags it
    # always was, so entries cached before keep their keys.
    page = RequestFactory().get(URL + query)
    page.user = request.getfixturevalue(persona)

    assert ReaderRole.of(page).cache_part == part


def test_unknown_code_is_404_every_time(client, employee, small_org):
    client.force_login(employee)
    assert client.get("/positions/NOPE/").status_code == 404
    assert client.get("/positions/NOPE/").status_code == 404


def test_deleted_position_is_404_at_once(client, employee, small_org):
    client.force_login(employee)
    assert client.get("/positions/D1-P1/").status_code == 200
    from positions.models import Assignment, DottedLine

    Assignment.objects.filter(position__code="D1-P1").delete()
    DottedLine.objects.filter(to_position__code="D1-P1").delete()
    Duty.objects.filter(position__code="D1-P1").delete()
    Position.objects.filter(code="D1-P1").delete()
    assert client.get("/positions/D1-P1/").status_code == 404


def test_login_is_still_required(client, small_org, employee):
    client.force_login(employee)
    assert client.get(URL).status_code == 200  # now cached
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_orm_edit_shows_at_once(client, employee, small_org):
    client.force_login(employee)
    before = duty_texts(client.get(URL))
    duty = first_duty()
    duty.text = "新的职责（ORM）"
    duty.save()
    after = duty_texts(client.get(URL))
    assert after != before
    assert after[0].startswith("新的职责（ORM）")


def test_queryset_update_shows_at_once(client, employee, small_org):
    client.force_login(employee)
    client.get(URL)
    Duty.objects.filter(pk=first_duty().pk).update(text="新的职责（update）")
    assert duty_texts(client.get(URL))[0].startswith("新的职责（update）")


def test_form_link_through_m2m_shows_at_once(client, employee, small_org):
    client.force_login(employee)
    client.get(URL)
    first_duty().forms.clear()  # positions_duty_forms only
    page = soup(client.get(URL))
    assert page.select(DUTIES)[0].select(".forms") == []


def test_workbook_import_shows_at_once(client, employee, small_org):
    client.force_login(employee)
    assert duty_texts(client.get(URL))[0].startswith("职责0-0-0")
    workbook = Workbook(
        sheets={
            "duties": sheet_rows(
                [
                    {"position_code": "D0-P0", "text": "导入的职责甲"},
                    {"position_code": "D0-P0", "text": "导入的职责乙"},
                ]
            )
        }
    )
    OrgImporter(workbook).run()
    assert [t[:6] for t in duty_texts(client.get(URL))] == ["导入的职责甲", "导入的职责乙"]


def test_approving_a_revision_changes_what_employees_read(
    client, employee, hr, reviewer, approver, small_org
):
    client.force_login(employee)
    position = Position.objects.get(code="D0-P0")
    approve(position, hr, reviewer, approver)
    assert duty_texts(client.get(URL))[0].startswith("职责0-0-0")
    duty = first_duty()
    duty.text = "改过的职责"
    duty.save()
    # Employees still read the approved revision (and may be served it from the cache).
    assert duty_texts(client.get(URL))[0].startswith("职责0-0-0")
    approve(position, hr, reviewer, approver)
    assert duty_texts(client.get(URL))[0].startswith("改过的职责")


def test_editors_draft_switch_is_its_own_entry(hr_client, hr, reviewer, approver, small_org):
    approve(Position.objects.get(code="D0-P0"), hr, reviewer, approver)
    duty = first_duty()
    duty.text = "草稿中的职责"
    duty.save()
    assert duty_texts(hr_client.get(URL))[0].startswith("职责0-0-0")
    assert duty_texts(hr_client.get(URL + "?view=draft"))[0].startswith("草稿中的职责")
    assert duty_texts(hr_client.get(URL))[0].startswith("职责0-0-0")


def _header(response):
    page = soup(response)
    token = page.select_one("form.logout input[name=csrfmiddlewaretoken]")["value"]
    return texts(page, "form.logout .who"), token


def test_each_user_gets_their_own_header_and_csrf_token(employee, small_org):
    other = User.objects.create_user("li.lei", first_name="Lei", last_name="Li")
    other.groups.set(employee.groups.all())
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(employee)
    second.force_login(other)
    who_1, token_1 = _header(first.get(URL))
    who_2, token_2 = _header(second.get(URL))  # the same variant: served from the cache
    assert who_1 == [employee.get_full_name() or employee.username]
    assert who_2 == ["Lei Li"]
    assert token_1 != token_2
    # The token on the cached page is the user's own: their logout form works.
    response = second.post("/accounts/logout/", {"csrfmiddlewaretoken": token_2})
    assert response.status_code == 302


@pytest.mark.parametrize("hr_first", [True, False])
def test_employee_never_gets_the_editors_links(hr, employee, small_org, hr_first):
    def edit_links(who):
        page = soup(who.get(URL))
        return [a["href"] for a in page.select(".edit-link a") if "/change/" in a["href"]]

    editor, reader = Client(), Client()
    editor.force_login(hr)
    reader.force_login(employee)
    if hr_first:
        assert edit_links(editor)
    assert edit_links(reader) == []
    assert edit_links(reader) == []  # served from the cache
    assert "view=draft" not in reader.get(URL).content.decode()
    assert edit_links(editor)


def test_every_table_shown_on_the_page_has_the_trigger(db):
    """A new model in these apps needs a migration calling generation.install()."""
    tables = generation.covered_tables(apps)
    assert "positions_duty_forms" in tables
    assert not [t for t in tables if "historical" in t]
    needed = 1 if connection.vendor == "postgresql" else 3
    counts = generation.triggers_by_table()
    missing = [t for t in tables if counts.get(t, 0) < needed]
    assert missing == [], f"tables without the content generation trigger: {missing}"
    assert counts.get(generation.USER_TABLE) == 1
    assert [t for t in generation.AUTH_TABLES if counts.get(t, 0) < needed] == []


def test_a_new_group_shows_at_the_next_request(client, employee, small_org):
    """Permissions are cached under the generation: joining HR editors shows the edit links."""
    from django.contrib.auth.models import Group

    from core.roles import HR_EDITORS

    def edit_links():
        page = soup(client.get(URL))
        return [a["href"] for a in page.select(".edit-link a") if "/change/" in a["href"]]

    employee.is_staff = True
    employee.save()
    client.force_login(employee)
    assert edit_links() == []
    assert edit_links() == []  # permissions now come from the cache
    employee.groups.add(Group.objects.get(name=HR_EDITORS))
    assert edit_links()
    employee.groups.clear()
    assert edit_links() == []


def test_user_names_bump_the_generation_but_logins_do_not(employee, client):
    before = generation.current()
    User.objects.filter(pk=employee.pk).update(last_login="2026-01-01T00:00:00Z")
    client.force_login(employee)  # updates last_login only
    assert generation.current() == before
    User.objects.filter(pk=employee.pk).update(first_name="Fang")
    assert generation.current() != before


def test_generation_is_read_before_the_position(hr_client, small_org):
    with CaptureQueriesContext(connection) as queries:
        hr_client.get(URL)
    sql = [q["sql"] for q in queries.captured_queries]
    at = next(i for i, s in enumerate(sql) if generation.TABLE in s)
    assert at < next(i for i, s in enumerate(sql) if re.search(r'FROM "positions_position"', s))


def _other_connection():
    params = connection.settings_dict
    return psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"] or "postgres",
        password=params["PASSWORD"] or None,
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
    )


@pytest.mark.postgres
def test_an_open_write_blocks_no_editor_and_pages_stay_cached_until_it_commits(
    client, employee, small_org
):
    """A long import holds its transaction open: other editors still save, pages
    read meanwhile come from the cache of the last committed state, and the
    import's commit shows at once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    client.force_login(employee)
    duty_pk = first_duty().pk
    assert duty_texts(client.get(URL))[0].startswith("职责0-0-0")
    committed = generation.current()
    other = _other_connection()
    try:
        with other.cursor() as cursor:  # psycopg2 opens a transaction and keeps it open
            cursor.execute(
                "UPDATE positions_duty SET text = %s WHERE id = %s", ["导入中的职责", duty_pk]
            )
        # The open write does not move the number: pages are still served from the cache.
        assert generation.current() == committed
        with CaptureQueriesContext(connection) as cached:
            assert duty_texts(client.get(URL))[0].startswith("职责0-0-0")
        assert not any('"positions_duty"' in q["sql"] for q in cached.captured_queries)
        # Another editor's save of an unrelated row does not wait for the open import,
        # and its commit moves the number while the import is still open.
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 2000")
        try:
            Position.objects.filter(code="D1-P1").update(title="另一个编辑保存的岗位")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        after_edit = generation.current()
        assert after_edit not in (None, committed)
        assert duty_texts(client.get(URL))[0].startswith("职责0-0-0")  # not yet committed
        other.commit()
    finally:
        other.close()
    assert generation.current() not in (None, after_edit)
    assert duty_texts(client.get(URL))[0].startswith("导入中的职责")


@pytest.mark.postgres
def test_a_rolled_back_write_leaves_the_number_and_the_commits_are_pruned(employee, small_org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    before = generation.current()
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("UPDATE positions_position SET title = title || '!'")
        other.rollback()
        assert generation.current() == before
        for n in range(5):
            with other.cursor() as cursor:
                cursor.execute("UPDATE positions_position SET title = %s WHERE code = 'D0-P0'", [n])
            other.commit()
            assert generation.current() > before
            before = generation.current()
    finally:
        other.close()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {generation.COMMITS}")  # noqa: S608
        assert cursor.fetchone()[0] <= 2  # each commit prunes the ones numbered before it
