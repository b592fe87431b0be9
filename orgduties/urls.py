from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from api import urls as api_urls
from browse import urls as browse_urls
from directory.forms import AdminLoginForm
from directory.views import LoginView
from intake import views as intake_views
from search import views as search_views
from workbook import views as workbook_views

admin.site.site_header = _("OrgDuties administration")
admin.site.site_title = _("OrgDuties")
admin.site.index_title = _("Organisation, positions and duties")
admin.site.index_template = "admin/orgduties_index.html"
# Says so when the company directory is away, as the site's login page does.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("orgchart.urls")),
    path("", include("browse.urls")),
    path("search/", search_views.search_view, name="search"),
    path("positions/", include(browse_urls.position_urls)),
    path("documents/", include("documents.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include(browse_urls.department_urls)),
    path("", include(browse_urls.kpi_urls)),
    path("people/", include(browse_urls.people_urls)),
    path("api/", include("api.urls")),
    path("account/api-tokens/", include(api_urls.page_urls)),
    path(
        "accounts/login/",
        LoginView.as_view(),
        name="login",
    ),
    # Company single sign-on (OIDC), when configured: see directory/conf.py.
    path("oidc/", include("directory.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language can be chosen on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", include(workbook_views.admin_urls())),
    path("admin/", include(intake_views.admin_urls())),
    path("admin/", admin.site.urls),
]

# A database that cannot be reached answers 503, not a 500 (core/errors.py).
handler500 = "core.errors.server_error"

# MEDIA_ROOT is served by no URL, not even with DEBUG on: employees' photos are
# read through people:photo (browse/views/people.py) and form templates through
# kpis:form-template, both behind the login.
