"""``{% user_menu %}``: who is logged in, their organisations, log out (used in base.html)."""

from django import template

register = template.Library()


@register.inclusion_tag("accounts/user_menu.html", takes_context=True)
def user_menu(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    memberships = []
    if user is not None and user.is_authenticated:
        from gevinst.accounts.models import Membership

        memberships = list(
            Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
        )
    return {
        "request": request,
        "user": user,
        "user_memberships": memberships,
        "csrf_token": context.get("csrf_token"),
    }
