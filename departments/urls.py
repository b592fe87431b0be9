from django.urls import path

from departments import views

app_name = "departments"
urlpatterns = [
    path("departments/<str:code>/", views.department_detail, name="detail"),
    path("chart/subtree/<str:code>/", views.subtree, name="subtree"),
]
