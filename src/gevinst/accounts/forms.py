"""Forms for login, invitations, roles and API tokens (bokmål labels and messages)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import throttling
from .models import Role


class LoginForm(AuthenticationForm):
    """Django's login form with database-backed throttling (:mod:`.throttling`)."""

    error_messages = {
        "invalid_login": _(
            "Feil brukernavn eller passord. Merk at det skilles mellom store og små bokstaver."
        ),
        "inactive": _("Denne kontoen er deaktivert."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Brukernavn")
        self.fields["password"].label = _("Passord")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttling.client_ip(self.request)
        minutes = throttling.minutes_locked(username, ip)
        if minutes:
            raise ValidationError(
                ngettext(
                    "For mange mislykkede forsøk. Prøv igjen om %(n)d minutt.",
                    "For mange mislykkede forsøk. Prøv igjen om %(n)d minutter.",
                    minutes,
                )
                % {"n": minutes},
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError:
            if username:
                throttling.record_failure(username, ip)
            raise


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-postadresse"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices, initial=Role.LESER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Navn på nøkkelen"),
        max_length=100,
        help_text=_("Hva nøkkelen brukes til, for eksempel «Power BI-rapport»."),
    )


class AcceptInvitationForm(UserCreationForm):
    """Creates the invited person's account (username and password; e-mail from the invitation)."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)
        labels = {"username": _("Brukernavn")}

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["username"].help_text = _("Bokstaver, tall og @/./+/-/_. Høyst 150 tegn.")
        self.fields["password1"].label = _("Passord")
        self.fields["password2"].label = _("Gjenta passordet")
        self.fields["password2"].help_text = _("Skriv det samme passordet en gang til.")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = self.email
        if commit:
            user.save()
        return user
