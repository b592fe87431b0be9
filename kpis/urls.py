from django.urls import path

from kpis import views

app_name = "kpis"
urlpatterns = [
    path("forms/", views.form_list, name="form-list"),
    path("forms/<str:code>/", views.form_detail, name="form-detail"),
    path("forms/<str:code>/template/", views.form_template, name="form-template"),
    path("kpis/", views.kpi_list, name="kpi-list"),
]
