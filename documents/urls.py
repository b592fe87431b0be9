from django.urls import path, register_converter

from documents import views


class KindConverter:
    """``positions`` or ``departments``: whose description the URL names."""

    regex = "positions|departments"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(KindConverter, "kind")

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("due/", views.due_list, name="due"),
    path("<kind:kind>/<str:code>/", views.document_detail, name="detail"),
    path("<kind:kind>/<str:code>/transition/", views.transition, name="transition"),
    path(
        "<kind:kind>/<str:code>/revisions/<int:number>/",
        views.revision_detail,
        name="revision",
    ),
    path("<kind:kind>/<str:code>/compare/", views.compare_view, name="compare"),
    path("<kind:kind>/<str:code>/export.docx", views.export_docx, name="export-docx"),
    path("<kind:kind>/<str:code>/print/", views.print_view, name="print"),
    path("departments/<str:code>/export/", views.export_subtree, name="export-subtree"),
]
