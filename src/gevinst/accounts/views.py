"""Login, organisation pages, members and roles, invitations, API tokens.

Every view under ``org/<slug>/`` goes through :func:`gevinst.accounts.scoping.org_view`;
objects looked up by id go through :func:`~gevinst.accounts.scoping.scoped`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import throttling, tokens
from .forms import AcceptInvitationForm, ApiTokenForm, InvitationForm, LoginForm, RoleForm
from .models import ApiToken, Invitation, Membership, Role
from .scoping import org_view, scoped


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        throttling.clear(form.cleaned_data.get("username", ""), throttling.client_ip(self.request))
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
def home(request):
    """«Mine organisasjoner»: the organisations the user belongs to."""
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "accounts/home.html", {"memberships": memberships})


def _plans_url(org) -> str:
    """The organisation's benefits realisation plan."""
    return reverse("plans:home", kwargs={"slug": org.slug})


@org_view()
def org_home(request, org, membership):
    is_admin = membership.role == Role.ADMINISTRATOR
    members = (
        scoped(Membership.objects, org).select_related("user").order_by("user__username")
        if is_admin
        else None
    )
    return render(
        request,
        "accounts/org_home.html",
        {
            "org": org,
            "membership": membership,
            "is_admin": is_admin,
            "members": members,
            "plans_url": _plans_url(org),
            "cycle_url": reverse("cycle:home", kwargs={"slug": org.slug}),
        },
    )


def _admin_count(org) -> int:
    return scoped(Membership.objects, org).filter(role=Role.ADMINISTRATOR).count()


def _invite_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("accounts:invitation", kwargs={"token": token}))


def send_invitation(org, email: str, role: str, link: str) -> None:
    """E-mail the one-time link (console backend in development, SMTP in production)."""
    body = _(
        "Du er invitert til %(org)s i gevinst med rollen %(role)s.\n\n"
        "Åpne denne lenken for å bli med (den kan brukes én gang og gjelder i 7 dager):\n%(link)s\n"
    ) % {"org": org.name, "role": Role(role).label, "link": link}
    send_mail(_("Invitasjon til %(org)s i gevinst") % {"org": org.name}, body, None, [email])


@org_view(min_role=Role.ADMINISTRATOR)
def members(request, org, membership):
    """Members and roles; invitations (administrators only)."""
    invite_form = InvitationForm(request.POST or None)
    if request.method == "POST" and invite_form.is_valid():
        email, role = invite_form.cleaned_data["email"], invite_form.cleaned_data["role"]
        _inv, token = tokens.create_invitation(org, email, role, created_by=request.user)
        send_invitation(org, email, role, _invite_link(request, token))
        messages.success(request, _("Invitasjonen er sendt til %(email)s.") % {"email": email})
        return redirect("accounts:members", slug=org.slug)
    rows = scoped(Membership.objects, org).select_related("user").order_by("user__username")
    pending = scoped(Invitation.objects, org).filter(used_at__isnull=True, expires_at__gt=timezone.now())
    return render(
        request,
        "accounts/members.html",
        {
            "org": org,
            "membership": membership,
            "rows": [(m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in rows],
            "pending": pending,
            "invite_form": invite_form,
            "roles": Role.choices,
        },
        status=400 if invite_form.errors else 200,
    )


@require_POST
@org_view(min_role=Role.ADMINISTRATOR)
def member_role(request, org, membership, pk: int):
    target = get_object_or_404(scoped(Membership.objects, org), pk=pk)
    form = RoleForm(request.POST, prefix=f"m{target.pk}")
    if not form.is_valid():
        messages.error(request, _("Velg en gyldig rolle."))
        return redirect("accounts:members", slug=org.slug)
    new_role = form.cleaned_data["role"]
    with transaction.atomic():
        if target.role == Role.ADMINISTRATOR and new_role != Role.ADMINISTRATOR and _admin_count(org) <= 1:
            messages.error(request, _("Organisasjonen må ha minst én administrator."))
        else:
            target.role = new_role
            target.save(update_fields=["role"])
            messages.success(
                request,
                _("%(user)s har nå rollen %(role)s.")
                % {"user": target.user.get_username(), "role": Role(new_role).label},
            )
    return redirect("accounts:members", slug=org.slug)


@require_POST
@org_view(min_role=Role.ADMINISTRATOR)
def member_remove(request, org, membership, pk: int):
    target = get_object_or_404(scoped(Membership.objects, org), pk=pk)
    with transaction.atomic():
        if target.role == Role.ADMINISTRATOR and _admin_count(org) <= 1:
            messages.error(request, _("Organisasjonen må ha minst én administrator."))
        else:
            name = target.user.get_username()
            target.delete()
            messages.success(request, _("%(user)s er fjernet fra organisasjonen.") % {"user": name})
    return redirect("accounts:members", slug=org.slug)


@require_POST
@org_view(min_role=Role.ADMINISTRATOR)
def invitation_revoke(request, org, membership, pk: int):
    inv = get_object_or_404(scoped(Invitation.objects, org).filter(used_at__isnull=True), pk=pk)
    inv.delete()
    messages.success(request, _("Invitasjonen til %(email)s er trukket tilbake.") % {"email": inv.email})
    return redirect("accounts:members", slug=org.slug)


def accept_invitation(request, token: str):
    """The one-time link: create an account, or join with the logged-in account."""
    inv = tokens.valid_invitation(token)
    if inv is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    ctx = {"invitation": inv, "org": inv.organisation, "role_label": Role(inv.role).label}
    if request.user.is_authenticated:
        if request.method == "POST":
            if tokens.consume_invitation(inv, request.user):
                messages.success(request, _("Du er nå medlem av %(org)s.") % {"org": inv.organisation.name})
                return redirect("accounts:org", slug=inv.organisation.slug)
            return render(request, "accounts/invitation_invalid.html", status=404)
        return render(request, "accounts/invitation_join.html", ctx)
    form = AcceptInvitationForm(request.POST or None, email=inv.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            if not tokens.consume_invitation(inv, user):
                transaction.set_rollback(True)
                return render(request, "accounts/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Velkommen! Du er nå medlem av %(org)s.") % {"org": inv.organisation.name})
        return redirect("accounts:org", slug=inv.organisation.slug)
    ctx["form"] = form
    ctx["login_url"] = f"{reverse('accounts:login')}?next={request.path}"
    return render(request, "accounts/invitation_accept.html", ctx, status=400 if form.errors else 200)


@login_required
def api_tokens(request):
    """The user's own API tokens: create (shown once) and revoke."""
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _row, new_token = tokens.create_api_token(request.user, form.cleaned_data["name"])
        form = ApiTokenForm()
    rows = ApiToken.objects.filter(user=request.user)
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "rows": rows, "new_token": new_token},
        status=400 if form.errors else 200,
    )
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def api_token_revoke(request, pk: int):
    if tokens.revoke_api_token(request.user, pk):
        messages.success(request, _("API-nøkkelen er trukket tilbake."))
    else:
        messages.error(request, _("Fant ingen aktiv API-nøkkel med denne id-en."))
    return HttpResponseRedirect(reverse("accounts:tokens"))
