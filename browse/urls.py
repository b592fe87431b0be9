"""The pages' URLs, in the namespaces they had before browse gathered them.

Templates, tests and models name them ``departments:detail``,
``positions:print``, ``kpis:kpi-list`` …; orgduties/urls.py includes each
list under its namespace. The chart and /me/ keep their names without one.
``people:photo`` (/people/<employee_no>/photo/) is positions.models.PHOTO_URL_NAME.
"""

from django.urls import path

from browse.views import departments, kpis, people, positions

urlpatterns = [
    # The drawn chart is / and /chart/ (orgchart.urls); the list is its text view.
    path("chart/list/", departments.chart, name="chart-list"),
    path("chart/positions/", positions.position_chart, name="position-chart"),
    path("me/", positions.me, name="me"),
]

department_urls = (
    [
        path("departments/<str:code>/", departments.department_detail, name="detail"),
        path("chart/subtree/<str:code>/", departments.subtree, name="subtree"),
    ],
    "departments",
)

position_urls = (
    [
        path("<str:code>/", positions.position_detail, name="detail"),
        path("<str:code>/print/", positions.position_print, name="print"),
    ],
    "positions",
)

kpi_urls = (
    [
        path("forms/", kpis.form_list, name="form-list"),
        path("forms/<str:code>/", kpis.form_detail, name="form-detail"),
        path("forms/<str:code>/template/", kpis.form_template, name="form-template"),
        path("kpis/", kpis.kpi_list, name="kpi-list"),
    ],
    "kpis",
)

people_urls = (
    [
        path("<str:employee_no>/photo/", people.photo, name="photo"),
    ],
    "people",
)
