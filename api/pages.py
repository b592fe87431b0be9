"""The "API tokens" page: each user creates, names, scopes, expires and revokes their own."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.models import ApiToken


def _page(request, form, raw=None, status=200):
    tokens = request.user.api_tokens.all()
    context = {"form": form, "tokens": tokens, "new_token": raw, "nav": "tokens"}
    return render(request, "api/tokens.html", context, status=status)


@require_http_methods(["GET", "POST"])
def tokens(request):
    if request.method == "GET":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    _token, raw = ApiToken.issue(
        request.user,
        form.cleaned_data["name"],
        can_write=form.cleaned_data["can_write"],
        days=form.days(),
    )
    # Shown on this answer only: it is stored hashed and cannot be shown again.
    response = _page(request, TokenForm(), raw=raw)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api-tokens")
