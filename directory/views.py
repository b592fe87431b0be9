from django.conf import settings
from django.contrib.auth import views as auth_views

from directory.forms import LoginForm


class LoginView(auth_views.LoginView):
    """The site's login, with a button for the company's single sign-on when there is one."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sso_enabled=settings.DIRECTORY_OIDC_ENABLED,
            sso_label=getattr(settings, "DIRECTORY_OIDC_LABEL", ""),
            **kwargs,
        )
