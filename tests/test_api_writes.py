"""Writes through the API: HR editors only, the admin's validation, If-Match, history, protected deletes."""

import pytest

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty, Position
from tests.api_helpers import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(hr):
    return api_as(hr, write=True)


def _etag(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response["ETag"]


def test_updating_a_duty_needs_its_etag_and_lands_in_history_with_the_user(writer, hr, org):
    duty = Duty.objects.filter(position=org["sales_mgr"]).order_by("order").first()
    path = f"/api/duties/{duty.pk}/"
    etag = _etag(writer, path)

    response = writer.patch(path, {"text": "制定年度销售计划"}, headers={"If-Match": etag})

    assert response.status_code == 200, response.json()
    assert response.json()["text"] == "制定年度销售计划"
    assert response["ETag"] != etag
    last = duty.history.order_by("-history_id").first()
    assert last.text == "制定年度销售计划" and last.history_user == hr


def test_a_write_without_if_match_is_428_and_with_a_stale_one_412(writer, org):
    duty = Duty.objects.filter(position=org["sales_mgr"]).first()
    path = f"/api/duties/{duty.pk}/"
    etag = _etag(writer, path)
    assert writer.patch(path, {"text": "x"}).status_code == 428

    # Someone else saves first: our ETag no longer matches, and nothing is written.
    Duty.objects.filter(pk=duty.pk).update(text="另一位编辑改过")
    response = writer.patch(path, {"text": "我的修改"}, headers={"If-Match": etag})
    assert response.status_code == 412
    assert response.json()["code"] == "stale"
    duty.refresh_from_db()
    assert duty.text == "另一位编辑改过"


def test_a_positions_etag_is_its_version(writer, org):
    path = f"/api/positions/{org['sales_rep'].code}/"
    assert _etag(writer, path) == '"v0"'
    response = writer.patch(path, {"headcount": 5}, headers={"If-Match": '"v0"'})
    assert response.status_code == 200
    assert response["ETag"] == '"v1"'
    assert Position.objects.get(code="SALES-REP").headcount == 5
    # The old ETag is stale now.
    assert writer.patch(path, {"headcount": 6}, headers={"If-Match": '"v0"'}).status_code == 412


def test_the_models_own_validation_refuses_a_reporting_cycle(writer, org):
    path = f"/api/positions/{org['ceo'].code}/"
    response = writer.patch(path, {"reports_to": "SALES-REP"}, headers={"If-Match": '"v0"'})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "reporting cycle" in body["errors"]["reports_to"][0]


def test_one_head_per_unit_and_functions_of_the_own_unit(writer, org):
    response = writer.post(
        "/api/positions/",
        {"code": "SALES-HEAD2", "title": "另一位部长", "department": "SALES", "is_head": True},
    )
    assert response.status_code == 400
    assert "already has a head" in str(response.json()["errors"])

    other = DepartmentFunction.objects.create(department=org["hr"], text="招聘", order=1)
    response = writer.post(
        "/api/duties/", {"position": "SALES-MGR", "text": "招聘销售", "function": other.pk}
    )
    assert response.status_code == 400
    assert "own department" in response.json()["errors"]["function"][0]


def test_creating_a_unit_places_it_and_a_bad_parent_is_refused(writer, org):
    response = writer.post(
        "/api/units/", {"code": "MKT", "name": "市场部", "parent": "ACME", "order": 1}
    )
    assert response.status_code == 201, response.json()
    assert response["ETag"] == '"v0"'
    unit = Department.objects.get(code="MKT")
    assert unit.parent == org["acme"] and unit.order == 1

    etag = _etag(writer, "/api/units/ACME/")
    response = writer.patch("/api/units/ACME/", {"parent": "MKT"}, headers={"If-Match": etag})
    assert response.status_code == 400
    assert "own sub-units" in response.json()["errors"]["parent"][0]

    response = writer.post("/api/units/", {"code": "A/B", "name": "斜杠"})
    assert response.status_code == 400 and "code" in response.json()["errors"]


def test_a_delete_that_would_drop_duties_is_refused_with_what_holds_it(writer, org):
    path = f"/api/positions/{org['sales_mgr'].code}/"
    # SALES-REP reports to it and it has duties: both protect it.
    response = writer.delete(path, headers={"If-Match": _etag(writer, path)})
    assert response.status_code == 409
    assert response.json()["code"] == "protected"
    assert "制定销售计划" in response.json()["detail"]
    assert Position.objects.filter(code="SALES-MGR").exists()
    assert Duty.objects.filter(position=org["sales_mgr"]).count() == 3


def test_a_unit_with_positions_is_not_deleted(writer, org):
    response = writer.delete(
        "/api/units/HR/", headers={"If-Match": _etag(writer, "/api/units/HR/")}
    )
    assert response.status_code == 409
    assert Department.objects.filter(code="HR").exists()


def test_a_duty_is_deleted_with_its_etag(writer, org):
    duty = Duty.objects.filter(position=org["sales_mgr"]).first()
    path = f"/api/duties/{duty.pk}/"
    response = writer.delete(path, headers={"If-Match": _etag(writer, path)})
    assert response.status_code == 204
    assert not Duty.objects.filter(pk=duty.pk).exists()
    assert duty.history.order_by("-history_id").first().history_type == "-"


def test_kpis_and_forms_are_written_verbatim_and_structured(writer, org):
    duty = Duty.objects.filter(position=org["sales_mgr"]).first()
    response = writer.post(
        "/api/kpis/",
        {
            "duty": duty.pk,
            "text": "招聘达成率为90%以上",
            "metric": "招聘达成率",
            "comparison": "ge",
            "target": "90",
            "unit": "%",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["structure"] == "招聘达成率 ≥ 90 %"
    kpi = Kpi.objects.get()
    path = f"/api/kpis/{kpi.pk}/"
    etag = _etag(writer, path)
    response = writer.patch(path, {"target": "95.0"}, headers={"If-Match": etag})
    assert response.status_code == 200
    assert _etag(writer, path) == response["ETag"]
    # A KPI has exactly one owner.
    response = writer.patch(path, {"position": "SALES-MGR"}, headers={"If-Match": response["ETag"]})
    assert response.status_code == 400

    response = writer.post(
        "/api/forms/", {"code": "F-ORDER", "name": "订单评审表", "department": "SALES"}
    )
    assert response.status_code == 201
    assert Form.objects.get().department == org["sales"]
    response = writer.post("/api/forms/", {"code": "F-ORDER", "name": "重复"})
    assert response.status_code == 400


def test_a_body_over_the_limit_is_413(writer, org, settings):
    settings.API_MAX_BODY_BYTES = 1024
    response = writer.post(
        "/api/forms/", {"code": "F-BIG", "name": "大", "description": "长" * 2000}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_body_that_is_not_json_is_400_in_json(writer, org):
    response = writer.client.generic(
        "POST",
        "/api/forms/",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {writer.token}",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
