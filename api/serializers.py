"""What the API reads and writes of each model.

Writes are validated as the admin validates them: the model's ``full_clean()``
(field validators, ``clean()``, unique checks and constraints) runs on the
instance as it would be saved, and its messages come back per field.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.errors import field_errors
from departments.models import Department, DepartmentFunction
from documents.workflow import is_document_team
from kpis.models import Form, Kpi
from positions.models import Assignment, Duty, Employee, Position

# Codes appear in URLs (/api/units/SALES/, the pages' /departments/SALES/): no
# slash and no spaces. Stricter than the admin, which never puts a code in a path.
code_validator = RegexValidator(
    r"^[^/\s]+\Z", _("A code has no slash and no spaces."), code="invalid_code"
)


def by_code(queryset, **kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=queryset, **kwargs)


class CleanedModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose writes pass the model's ``full_clean()`` first."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {f.name for f in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(instance, name, value)
        writable = {f.source for f in self.fields.values() if not f.read_only}
        exclude = [name for name in concrete if name not in writable]
        try:
            instance.full_clean(exclude=exclude)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(exc)) from None
        return attrs


class UnitSerializer(CleanedModelSerializer):
    parent = by_code(Department.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Department
        fields = [
            "code", "name", "kind", "parent", "aliases", "description", "order",
            "is_active", "level", "version",
        ]  # fmt: skip
        read_only_fields = ["level", "version"]
        extra_kwargs = {"code": {"validators": [code_validator]}}

    def get_validators(self):
        return []

    def validate_code(self, value):
        if (
            Department.objects.filter(code=value)
            .exclude(pk=getattr(self.instance, "pk", None))
            .exists()
        ):
            raise serializers.ValidationError(_("A unit with this code already exists."))
        return value


class TreeNodeSerializer(serializers.Serializer):
    """A unit with its sub-units nested under ``children`` (the same shape, recursively)."""

    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    order = serializers.IntegerField()
    is_active = serializers.BooleanField()
    children = serializers.ListField(child=serializers.DictField())


class DottedOutSerializer(serializers.Serializer):
    to = serializers.CharField(source="to_position.code")
    label = serializers.CharField()


class DottedInSerializer(serializers.Serializer):
    source = serializers.CharField(source="from_position.code")
    label = serializers.CharField()


class PositionSerializer(CleanedModelSerializer):
    department = by_code(Department.objects.all())
    reports_to = by_code(Position.objects.all(), allow_null=True, required=False)
    direct_reports = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    dotted_lines = DottedOutSerializer(source="dotted_lines_out", many=True, read_only=True)
    dotted_lines_from = DottedInSerializer(source="dotted_lines_in", many=True, read_only=True)
    holder_count = serializers.IntegerField(read_only=True)
    vacancies = serializers.IntegerField(read_only=True)

    class Meta:
        model = Position
        fields = [
            "code", "title", "department", "reports_to", "direct_reports", "dotted_lines",
            "dotted_lines_from", "headcount", "holder_count", "vacancies", "is_head",
            "summary", "requirements", "version",
        ]  # fmt: skip
        read_only_fields = ["version"]
        extra_kwargs = {
            "code": {"validators": [code_validator]},
            # null for readers outside the document team: see to_representation.
            "summary": {"allow_null": True},
            "requirements": {"allow_null": True},
        }

    def to_representation(self, instance):
        """Summary and requirements are part of the job description's draft: the
        document team reads them live, everybody else in the approved revision
        (the job-description endpoint)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not is_document_team(request.user):
            data["summary"] = data["requirements"] = None
        return data

    def get_validators(self):
        # The one-head-per-unit constraint is checked by full_clean(), with its own message.
        return []

    def validate_code(self, value):
        if (
            Position.objects.filter(code=value)
            .exclude(pk=getattr(self.instance, "pk", None))
            .exists()
        ):
            raise serializers.ValidationError(_("A position with this code already exists."))
        return value


class KpiBriefSerializer(serializers.ModelSerializer):
    structure = serializers.CharField(read_only=True)

    class Meta:
        model = Kpi
        fields = [
            "id", "text", "structure", "metric", "comparison", "target", "unit", "period",
            "deadline_month", "deadline_day", "order",
        ]  # fmt: skip
        read_only_fields = fields


class DutySerializer(CleanedModelSerializer):
    position = by_code(Position.objects.all())
    function = serializers.PrimaryKeyRelatedField(
        queryset=DepartmentFunction.objects.all(), allow_null=True, required=False
    )
    kpis = KpiBriefSerializer(many=True, read_only=True)
    forms = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    step_list = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Duty
        fields = [
            "id", "position", "kind", "section", "text", "process_steps", "step_list",
            "function", "order", "kpis", "forms",
        ]  # fmt: skip


class KpiSerializer(CleanedModelSerializer):
    structure = serializers.CharField(read_only=True)
    duty = serializers.PrimaryKeyRelatedField(
        queryset=Duty.objects.all(), allow_null=True, required=False
    )
    position = by_code(Position.objects.all(), allow_null=True, required=False)
    function = serializers.PrimaryKeyRelatedField(
        queryset=DepartmentFunction.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Kpi
        fields = [
            "id", "text", "structure", "metric", "comparison", "target", "unit", "period",
            "deadline_month", "deadline_day", "duty", "position", "function", "order",
        ]  # fmt: skip


class FormSerializer(CleanedModelSerializer):
    department = by_code(Department.objects.all(), allow_null=True, required=False)
    duties = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Form
        fields = ["code", "name", "description", "department", "duties"]
        extra_kwargs = {"code": {"validators": [code_validator]}}

    def validate_code(self, value):
        if Form.objects.filter(code=value).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError(_("A form with this code already exists."))
        return value


class HeldPositionSerializer(serializers.ModelSerializer):
    position = serializers.CharField(source="position.code")

    class Meta:
        model = Assignment
        fields = ["position", "is_primary", "start_date", "end_date"]


class EmployeeSerializer(serializers.ModelSerializer):
    positions = HeldPositionSerializer(source="current_assignments", many=True, read_only=True)

    class Meta:
        model = Employee
        fields = ["employee_no", "name", "is_active", "positions"]


class AssignmentSerializer(serializers.ModelSerializer):
    employee = serializers.CharField(source="employee.employee_no")
    position = serializers.CharField(source="position.code")

    class Meta:
        model = Assignment
        fields = ["id", "employee", "position", "is_primary", "start_date", "end_date"]


class JobDescriptionSerializer(serializers.Serializer):
    position = serializers.CharField()
    showing = serializers.ChoiceField(choices=["approved", "draft"])
    document_number = serializers.CharField(allow_null=True)
    revision = serializers.IntegerField(allow_null=True)
    effective_date = serializers.DateField(allow_null=True)
    content = serializers.DictField()


class ChartHeadSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    holders = serializers.ListField(child=serializers.CharField())


class ChartUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    head = ChartHeadSerializer(allow_null=True)
    positions = serializers.IntegerField()
    headcount = serializers.IntegerField()
    holders = serializers.IntegerField()


class ChartDottedSerializer(serializers.Serializer):
    source = serializers.CharField()
    to = serializers.CharField()
    label = serializers.CharField()


class ChartSerializer(serializers.Serializer):
    units = ChartUnitSerializer(many=True)
    dotted_lines = ChartDottedSerializer(many=True)


class HeadcountRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    planned = serializers.IntegerField()
    filled = serializers.IntegerField()
    vacant = serializers.IntegerField()
    total_planned = serializers.IntegerField()
    total_filled = serializers.IntegerField()
    total_vacant = serializers.IntegerField()
