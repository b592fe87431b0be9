from core.roles import can_edit


def site(request):
    """What every page needs: whether to show "edit in admin" links."""
    user = getattr(request, "user", None)
    return {"can_edit": bool(user and can_edit(user))}
