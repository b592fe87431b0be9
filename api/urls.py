from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import errors, pages, views

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("positions", views.PositionViewSet, basename="position")
router.register("duties", views.DutyViewSet, basename="duty")
router.register("kpis", views.KpiViewSet, basename="kpi")
router.register("forms", views.FormViewSet, basename="form")
router.register("employees", views.EmployeeViewSet, basename="employee")
router.register("assignments", views.AssignmentViewSet, basename="assignment")


class Schema(views.ApiView, SpectacularAPIView):
    """The OpenAPI 3 schema: open, as it shows the API's shape and no data."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []


class Docs(views.ApiView, SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files: offline, no CDN."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    url_name = "api:schema"
    template_name = "api/swagger_ui.html"


app_name = "api"
urlpatterns = [
    path("schema/", Schema.as_view(), name="schema"),
    path("docs/", Docs.as_view(), name="docs"),
    path("chart/", views.ChartView.as_view(), name="chart"),
    path("headcount/", views.HeadcountView.as_view(), name="headcount"),
    *router.urls,
    re_path(r"^[\s\S]*\Z", errors.not_found),  # newlines too: a fuzzer sends them
]

# The tokens page is an ordinary site page (login required), outside /api/.
page_urls = [
    path("", pages.tokens, name="api-tokens"),
    path("<int:pk>/revoke/", pages.revoke, name="api-token-revoke"),
]
