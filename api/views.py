"""The REST API's endpoints: reads for every role, writes for HR editors.

Lists are cut by cursor (ordered by id: stable, and each page is one index
range whatever the table's size) and read their related rows in a fixed
number of queries. Writes of units, positions, duties, KPIs and forms need
the record's ETag in If-Match and run with the row locked (see ``LockedWrites``).
"""

import hashlib
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from api import org, serializers
from api.errors import PreconditionFailed, PreconditionRequired
from api.filters import Filter, _bool, _id, in_unit
from departments.models import Department
from documents.control import document_of, effective_revision
from documents.snapshot import snapshot_of
from documents.workflow import is_document_team
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position

CODE = r"[^/]+"
ID = r"[0-9]{1,18}"


class ApiView:
    """What every endpoint shares: token-only, and no NUL in its address."""

    model = None

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False  # the token is the login (LoginRequiredMiddleware)
        return view

    def rights_model(self):
        return self.model or self.queryset.model

    def initial(self, request, *args, **kwargs):
        values = [*kwargs.values(), *request.query_params.keys()]
        values += [v for vs in request.query_params.lists() for v in vs[1]]
        if any("\x00" in str(value) for value in values):
            raise exceptions.ValidationError(_("The address holds a NUL character."))
        super().initial(request, *args, **kwargs)


def etag_of(obj) -> str:
    """The version as an ETag; for models without one, a digest of the stored row."""
    if hasattr(obj, "version"):
        return f'"v{obj.version}"'
    values = []
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, Decimal):
            value = value.normalize()
        values.append(f"{field.attname}={value}")
    digest = hashlib.sha256("\x1f".join(values).encode("utf-8", "surrogatepass")).hexdigest()
    return f'"h{digest[:24]}"'


def _if_match(request, obj):
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag_of(obj) not in tags:
        raise PreconditionFailed()


class LockedWrites:
    """Optimistic locking over HTTP: GET gives an ETag, writes need it in If-Match.

    The row is locked (SELECT … FOR UPDATE; SQLite's immediate transactions
    serialise writers) before its ETag is compared, so two writers with the
    same ETag cannot both succeed. 428 without If-Match, 412 when stale.
    """

    def _fresh(self, pk):
        return self.get_queryset().get(pk=pk)

    def _tagged(self, response, obj):
        response["ETag"] = etag_of(obj)
        return response

    def _locked(self):
        obj = self.get_object()
        return type(obj)._base_manager.select_for_update().get(pk=obj.pk)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return self._tagged(Response(self.get_serializer(obj).data), obj)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save()
        fresh = self._fresh(instance.pk)
        response = Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
        return self._tagged(response, fresh)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self._locked()
            _if_match(request, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        fresh = self._fresh(instance.pk)
        return self._tagged(Response(self.get_serializer(fresh).data), fresh)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self._locked()
            _if_match(request, instance)
            instance.delete()  # ProtectedError: a 409 naming what holds it (api.errors)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _if_match_header(required):
    return OpenApiParameter(
        "If-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=required,
        description="The ETag from a GET of this record.",
    )


WRITE_DOCS = {
    "update": extend_schema(parameters=[_if_match_header(True)]),
    "partial_update": extend_schema(parameters=[_if_match_header(True)]),
    "destroy": extend_schema(parameters=[_if_match_header(True)]),
}


class WritableViewSet(ApiView, LockedWrites, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


class ReadOnlyViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    pass


@extend_schema_view(**WRITE_DOCS)
class UnitViewSet(WritableViewSet):
    """Organisation units (departments): the tree by code."""

    serializer_class = serializers.UnitSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    # mptt reads parent and order in __init__: keep them loaded, or each row costs a query.
    queryset = Department.objects.select_related("parent").only(
        "id", "code", "name", "kind", "parent_id", "parent__code", "aliases", "description",
        "order", "is_active", "level", "version", "tree_id", "lft", "rght",
    )  # fmt: skip
    filters = {
        "parent": Filter("parent__code", help="Units directly below the unit with this code."),
        "under": Filter(apply=in_unit(""), help="The unit with this code and all below it."),
        "kind": Filter("kind", choices=tuple(Department.Kind.values)),
        "active": Filter("is_active", _bool),
    }

    @extend_schema(
        responses=serializers.TreeNodeSerializer(many=True),
        parameters=[OpenApiParameter("depth", int, description="Levels below the top (1-50).")],
    )
    @action(detail=False, url_path="tree", pagination_class=None, filter_backends=[])
    def tree(self, request):
        """The whole tree, roots first, each unit with its sub-units nested."""
        return Response(org.unit_tree(None, org.depth(request)))

    @extend_schema(
        responses=serializers.TreeNodeSerializer,
        parameters=[OpenApiParameter("depth", int, description="Levels below the top (1-50).")],
    )
    @action(detail=True, url_path="tree", pagination_class=None, filter_backends=[])
    def subtree(self, request, code=None):
        """This unit with every unit below it, nested."""
        unit = self.get_object()
        return Response(org.unit_tree(unit, org.depth(request))[0])


def _positions():
    dotted = DottedLine.objects.only("from_position_id", "to_position__code", "label")
    dotted_in = DottedLine.objects.only("to_position_id", "from_position__code", "label")
    return (
        Position.objects.with_holder_counts()
        .select_related("department", "reports_to")
        .only(
            "id",
            "code",
            "title",
            "department__code",
            "reports_to__code",
            "headcount",
            "is_head",
            "summary",
            "requirements",
            "version",
        )  # fmt: skip
        .prefetch_related(
            Prefetch(
                "direct_reports", Position.objects.order_by("code").only("code", "reports_to_id")
            ),
            Prefetch("dotted_lines_out", dotted.select_related("to_position").order_by("pk")),
            Prefetch("dotted_lines_in", dotted_in.select_related("from_position").order_by("pk")),
        )
    )


@extend_schema_view(**WRITE_DOCS)
class PositionViewSet(WritableViewSet):
    """Positions with their solid reporting line, direct reports and dotted lines."""

    serializer_class = serializers.PositionSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    queryset = Position.objects.none()
    model = Position
    filters = {
        "department": Filter("department__code", help="Positions of the unit with this code."),
        "under": Filter(
            apply=in_unit("department__"), help="Positions of this unit and all below it."
        ),
        "reports_to": Filter("reports_to__code", help="Direct reports of this position."),
        "is_head": Filter("is_head", _bool),
    }

    def get_queryset(self):
        return _positions()

    @extend_schema(
        responses=serializers.JobDescriptionSerializer,
        parameters=[
            OpenApiParameter(
                "view",
                str,
                enum=["approved", "draft"],
                description="draft: the live rows, for editors, reviewers and approvers.",
            )
        ],
    )
    @action(detail=True, url_path="job-description", pagination_class=None, filter_backends=[])
    def job_description(self, request, code=None):
        """The approved revision of the job description in effect; or the draft (``view=draft``)."""
        wanted = request.query_params.get("view", "approved")
        if wanted not in ("approved", "draft"):
            raise exceptions.ValidationError({"view": [_("Either approved or draft.")]})
        position = (
            Position.objects.select_related("document__current_revision").filter(code=code).first()
        )
        if position is None:
            raise exceptions.NotFound()
        if wanted == "draft":
            if not is_document_team(request.user):
                raise exceptions.PermissionDenied(
                    _("Only editors, reviewers and approvers read drafts.")
                )
            document = document_of(position)
            return Response(
                {
                    "position": position.code,
                    "showing": "draft",
                    "document_number": document.number if document else None,
                    "revision": None,
                    "effective_date": None,
                    "content": snapshot_of(position),
                }
            )
        revision = effective_revision(document_of(position))
        if revision is None:
            raise exceptions.NotFound(_("This job description has no approved revision yet."))
        return Response(
            {
                "position": position.code,
                "showing": "approved",
                "document_number": revision.document_number,
                "revision": revision.number,
                "effective_date": revision.effective_date,
                "content": revision.content,
            }
        )


@extend_schema_view(**WRITE_DOCS)
class DutyViewSet(WritableViewSet):
    """Duties and authorities of positions, with their KPIs and forms (the live draft)."""

    serializer_class = serializers.DutySerializer
    lookup_value_regex = ID
    draft_content = True
    queryset = (
        Duty.objects.select_related("position")
        .only(
            "id",
            "position__code",
            "kind",
            "section",
            "text",
            "process_steps",
            "function",
            "order",
        )  # fmt: skip
        .prefetch_related(
            Prefetch("kpis", Kpi.objects.order_by("order", "id")),
            Prefetch("forms", Form.objects.only("id", "code").order_by("code")),
        )
    )
    filters = {
        "position": Filter("position__code", help="Duties of the position with this code."),
        "kind": Filter("kind", choices=tuple(Duty.Kind.values)),
        "section": Filter("section"),
        "function": Filter("function_id", _id),
    }


@extend_schema_view(**WRITE_DOCS)
class KpiViewSet(WritableViewSet):
    """KPIs: the sentence as written, and its structure where it was read."""

    serializer_class = serializers.KpiSerializer
    lookup_value_regex = ID
    draft_content = True
    queryset = Kpi.objects.select_related("position").defer(
        "position__summary", "position__requirements"
    )
    filters = {
        "duty": Filter("duty_id", _id),
        "position": Filter("position__code", help="KPIs of the position itself, by its code."),
        "function": Filter("function_id", _id),
        "period": Filter("period", choices=tuple(Kpi.Period.values)),
    }


@extend_schema_view(**WRITE_DOCS)
class FormViewSet(WritableViewSet):
    """Forms and records (表单, 记录) and the duties that use them."""

    serializer_class = serializers.FormSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    queryset = (
        Form.objects.select_related("department")
        .only("id", "code", "name", "description", "department__code")
        .prefetch_related(Prefetch("duties", Duty.objects.only("id").order_by("id")))
    )
    filters = {"department": Filter("department__code", help="Forms owned by this unit.")}


class EmployeeViewSet(ReadOnlyViewSet):
    """Employees and the positions they hold now."""

    serializer_class = serializers.EmployeeSerializer
    lookup_field = "employee_no"
    lookup_value_regex = CODE
    model = Employee
    filters = {
        "active": Filter("is_active", _bool),
        "position": Filter(
            apply=lambda qs, code: qs.filter(
                pk__in=Assignment.objects.current().filter(position__code=code).values("employee")
            ),
            help="Employees holding the position with this code now.",
        ),
    }

    def get_queryset(self):
        current = (
            Assignment.objects.current()
            .select_related("position")
            .only("employee_id", "position__code", "is_primary", "start_date", "end_date")
        )
        return Employee.objects.only("id", "employee_no", "name", "is_active").prefetch_related(
            Prefetch("assignments", current.order_by("-is_primary", "id"), "current_assignments")
        )


class AssignmentViewSet(ReadOnlyViewSet):
    """Who holds which position, from when to when."""

    serializer_class = serializers.AssignmentSerializer
    lookup_value_regex = ID
    queryset = Assignment.objects.select_related("employee", "position").only(
        "id", "employee__employee_no", "position__code", "is_primary", "start_date", "end_date"
    )
    filters = {
        "employee": Filter("employee__employee_no"),
        "position": Filter("position__code"),
        "current": Filter(
            apply=lambda qs, on: qs.current() if on else qs.exclude(pk__in=qs.current()),
            parse=_bool,
            help="true: held today; false: ended or not yet started.",
        ),
    }


UNDER = OpenApiParameter("under", str, description="Only this unit (by code) and those below it.")


class ChartView(ApiView, APIView):
    """The unit chart: every active unit with its head and staffing, and the dotted lines."""

    model = Position

    @extend_schema(responses=serializers.ChartSerializer, parameters=[UNDER])
    def get(self, request):
        return Response(org.chart(request.query_params.get("under")))


class HeadcountView(ApiView, APIView):
    """Headcount per unit: planned (编制), filled (在岗) and vacant (空缺), own and with sub-units."""

    model = Position

    @extend_schema(responses=serializers.HeadcountRowSerializer(many=True), parameters=[UNDER])
    def get(self, request):
        return Response(org.headcount(request.query_params.get("under")))
