"""Bokmål forms for the annual cycle: year, settings, activity, goal, deep dive, candidate."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gevinst.catalogue import load_catalogue
from gevinst.plans.forms import _localize_numbers
from gevinst.plans.models import Risk
from gevinst.web.forms import DescribedErrorsMixin

from .models import Activity, Candidate, CycleYear, DeepDive, DeepDiveBasis, Goal


class RadioSelect(forms.RadioSelect):
    """Radio buttons whose field-level id is the first option's.

    Django gives a radio group no id of its own (``id_for_label`` is ""), so the error
    summary's link to the field (``#{{ field.id_for_label }}``) would be a bare ``#``;
    it now leads to the first option, as in the GOV.UK error summary pattern.
    """

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class CycleForm(DescribedErrorsMixin, forms.ModelForm):
    class Meta:
        model = CycleYear
        fields = ["budget_year"]

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["budget_year"].widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def clean_budget_year(self):
        year = self.cleaned_data["budget_year"]
        if CycleYear.objects.filter(organisation=self.organisation, budget_year=year).exists():
            raise forms.ValidationError(_("Årshjulet for budsjettåret %(y)s finnes allerede.") % {"y": year})
        return year


class CycleSettingsForm(DescribedErrorsMixin, forms.ModelForm):
    class Meta:
        model = CycleYear
        fields = ["plan_years", "discount_rate", "limit_one_off", "limit_yearly_cost", "limit_fte", "objective"]
        widgets = {"objective": RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _localize_numbers(self)


def _member_choices(org):
    User = get_user_model()
    return User.objects.filter(memberships__organisation=org).order_by("username")


class ActivityForm(DescribedErrorsMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["status", "deadline", "responsible", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _member_choices(organisation)
        self.fields["responsible"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        _localize_numbers(self)


def _indicator_choices():
    cat = load_catalogue()
    return [("", _("– ingen (egen indikator) –"))] + [(i.id, f"{i.name} ({i.unit})") for i in cat.indicators]


class GoalForm(DescribedErrorsMixin, forms.ModelForm):
    fetch_current = forms.BooleanField(
        label=_l("Hent nå-verdien fra dataene"), required=False, initial=True,
        help_text=_l("Gjelder når en indikator fra katalogen er valgt: siste år med tall for kommunen."))

    class Meta:
        model = Goal
        fields = ["name", "indicator", "unit", "direction", "current_value", "current_source", "target_value",
                  "target_year", "legal_minimum", "legal_basis", "weight"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = forms.ChoiceField(
            label=Goal._meta.get_field("indicator").verbose_name.capitalize(), choices=_indicator_choices(),
            required=False)
        self.fields["target_year"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        _localize_numbers(self)

    def clean(self):
        data = super().clean()
        if data.get("legal_minimum") and not (data.get("legal_basis") or "").strip():
            self.add_error("legal_basis", _("Oppgi hjemmelen for minimumskravet (lov eller forskrift)."))
        if data.get("target_value") is None:
            self.add_error("target_value", _("Et mål trenger en målverdi for at gapet kan regnes ut."))
        if data.get("current_value") is None and not (data.get("indicator") and data.get("fetch_current")):
            self.add_error("current_value", _("Oppgi nå-verdien, eller velg en indikator og hent verdien fra dataene."))
        return data


class DeepDiveForm(DescribedErrorsMixin, forms.ModelForm):
    class Meta:
        model = DeepDive
        fields = ["name", "service", "basis", "justification", "value_chain", "end_users", "problems",
                  "opportunities", "potential_nok", "potential_source"]
        widgets = {f: forms.Textarea(attrs={"rows": 3})
                   for f in ("justification", "value_chain", "end_users", "problems", "opportunities")}
        widgets["basis"] = RadioSelect

    def __init__(self, *args, **kwargs):
        from .service import service_choices

        super().__init__(*args, **kwargs)
        self.fields["service"] = forms.ChoiceField(
            label=_("Tjeneste i handlingsromanalysen"), required=False,
            choices=[("", _("– ingen –"))] + service_choices(),
            help_text=_("Kobler dypdykket til beregnet gevinstpotensial fra KOSTRA (behovsjusterte utgifter)."))
        # No «---------» radio: the model field has no default, so Django would add a blank choice.
        self.fields["basis"].choices = DeepDiveBasis.choices
        _localize_numbers(self)

    def clean_justification(self):
        text = self.cleaned_data["justification"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("Skriv hvorfor dette området er valgt: det må endres, eller det har stort "
                                          "gevinstpotensial – gjerne med tallene som støtter valget."))
        return text


class CandidateForm(DescribedErrorsMixin, forms.ModelForm):
    """A candidate with the initiative fields prioritisation needs (saved on the initiative)."""

    name = forms.CharField(label=_l("Navn på tiltaket"), max_length=200)
    description = forms.CharField(label=_l("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_l("Prosjekteier"), max_length=200, required=False)
    one_off_cost = forms.DecimalField(label=_l("Engangskostnad (kr)"), max_digits=14, decimal_places=0, min_value=0,
                                      required=False)
    yearly_cost = forms.DecimalField(label=_l("Årlig kostnad (kr)"), max_digits=14, decimal_places=0, min_value=0,
                                     required=False)
    risk = forms.ChoiceField(label=_l("Risiko"), choices=Risk.choices, initial=Risk.MIDDELS)

    class Meta:
        model = Candidate
        fields = ["yearly_benefit", "benefit_source", "fte", "must_do", "must_do_reason"]

    INITIATIVE_FIELDS = ("name", "description", "owner", "one_off_cost", "yearly_cost", "risk")

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        ini = self.instance.initiative if self.instance.pk else None
        contrib = {x.goal_id: x.amount for x in self.instance.contributions.all()} if self.instance.pk else {}
        if ini is not None and not self.is_bound:
            for f in self.INITIATIVE_FIELDS:
                self.initial[f] = getattr(ini, f)
        order = ["name", "description", "owner", "one_off_cost", "yearly_cost", "risk"]
        self.order_fields(order + [f for f in self.fields if f not in order])
        for g in self.goals:
            unit = f" ({g.unit})" if g.unit else ""
            self.fields[f"goal_{g.pk}"] = forms.FloatField(
                label=_("Bidrag til «%(goal)s»%(unit)s") % {"goal": g.name, "unit": unit}, required=False,
                min_value=0, initial=contrib.get(g.pk),
                help_text=_("Hvor mye tiltaket flytter indikatoren mot målet. Tomt: ikke noe bidrag."))
        _localize_numbers(self)

    def goal_fields(self):
        return [self[f"goal_{g.pk}"] for g in self.goals]

    def initiative_values(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.INITIATIVE_FIELDS}

    def contributions(self) -> dict[int, float]:
        return {g.pk: self.cleaned_data[f"goal_{g.pk}"] for g in self.goals
                if self.cleaned_data.get(f"goal_{g.pk}") not in (None, 0)}

    def clean(self):
        data = super().clean()
        if data.get("must_do") and not (data.get("must_do_reason") or "").strip():
            self.add_error("must_do_reason", _("Skriv hvilket minimumskrav tiltaket oppfyller."))
        return data
