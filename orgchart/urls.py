from django.urls import path

from orgchart import views

urlpatterns = [
    path("", views.chart, name="chart-home"),
    path("chart/", views.chart, name="chart"),
    path("chart/export/", views.chart_export, name="chart-export"),
]
