from django.urls import path

from positions import views

app_name = "positions"
urlpatterns = [
    path("<str:code>/", views.position_detail, name="detail"),
    path("<str:code>/print/", views.position_print, name="print"),
]
