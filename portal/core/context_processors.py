from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or getattr(request, "two_step_pending", False):
        return {"menu": []}  # no menu of pages that wait for the second step anyway
    return {"menu": menu_for(user)}
