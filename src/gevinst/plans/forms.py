"""Bokmål forms for the plan: initiative, decision points, benefit, measurement, benefit map."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gevinst.catalogue import load_catalogue

from .models import Benefit, DecisionPointCode, Initiative, MapNode, MapNodeKind, Measurement

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _localize_numbers(form):
    for f in form.fields.values():
        if isinstance(f.widget, forms.HiddenInput):
            continue
        if isinstance(f, (forms.FloatField, forms.DecimalField, forms.IntegerField)):
            f.localize = True
            f.widget.is_localized = True
            f.widget.input_type = "text"
            f.widget.attrs.setdefault("inputmode", "decimal")
        if isinstance(f, forms.DateField):
            f.input_formats = DATE_FORMATS
            f.widget = DateInput()


class VersionedForm(forms.ModelForm):
    """A model form that carries the version the user started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        _localize_numbers(self)


class InitiativeForm(VersionedForm):
    class Meta:
        model = Initiative
        fields = ["name", "description", "area", "owner", "phase", "change_start", "one_off_cost", "yearly_cost",
                  "risk", "risk_notes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "risk_notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "area": _l("Tjenesteområde eller dypdykk, f.eks. «Helse og omsorg»."),
            "owner": _l("Den som eier tiltaket og har ansvar for at gevinstene tas ut."),
        }


class DecisionPointsForm(forms.Form):
    """Date and decision for each of BP1–BP6."""

    def __init__(self, *args, initiative=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {p.code: p for p in initiative.decision_points.all()} if initiative else {}
        self.rows = []
        for code, label in DecisionPointCode.choices:
            p = existing.get(code)
            self.fields[f"{code}_date"] = forms.DateField(
                label=_("%(bp)s: dato") % {"bp": code}, required=False, input_formats=DATE_FORMATS,
                widget=DateInput(), initial=p.date if p else None)
            self.fields[f"{code}_decision"] = forms.CharField(
                label=_("%(bp)s: beslutning") % {"bp": code}, required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}), initial=p.decision if p else "")
            self.rows.append((code, label))

    def bound_rows(self):
        return [(code, label, self[f"{code}_date"], self[f"{code}_decision"]) for code, label in self.rows]

    def clean(self):
        data = super().clean()
        for code, _label in self.rows:
            if data.get(f"{code}_decision") and not data.get(f"{code}_date"):
                self.add_error(f"{code}_date", _("Oppgi datoen for beslutningen."))
        return data


def indicator_choices():
    cat = load_catalogue()
    names = {a.id: a.name for a in cat.areas}
    groups: dict[str, list] = {}
    for i in cat.indicators:
        groups.setdefault(names.get(i.area, i.area), []).append((i.id, f"{i.name} ({i.unit})"))
    return [("", _("Ingen indikator fra katalogen (bruk egen indikator)"))] + [
        (area, sorted(items, key=lambda x: x[1])) for area, items in groups.items()
    ]


class BenefitForm(VersionedForm):
    indicator = forms.ChoiceField(label=_l("Indikator fra katalogen"), required=False,
                                  help_text=_l("Velg en indikator med data fra SSB, eller beskriv en egen nedenfor."))
    intermediate_targets_text = forms.CharField(
        label=_l("Delmål"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("Ett delmål per linje: dato og verdi, f.eks. «31.12.2026; 18,5»."))
    fetch_baseline = forms.BooleanField(
        label=_l("Hent nullpunktet fra data når feltet for verdi står tomt"), required=False, initial=True)

    class Meta:
        model = Benefit
        fields = ["name", "description", "axis", "value_class", "owner", "indicator", "custom_indicator",
                  "custom_unit", "custom_direction", "custom_result_type", "baseline_value", "baseline_date",
                  "baseline_source", "target_value", "target_date", "expected_yearly_nok", "freed_capacity_use",
                  "prerequisites", "dis_benefits", "status", "budget_line", "budget_year", "frequency",
                  "measurement_responsible"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in
                   ("description", "freed_capacity_use", "prerequisites", "dis_benefits")}
        help_texts = {
            "owner": _l("En leder i linjen som skal ta ut gevinsten. Må være medlem av organisasjonen."),
            "expected_yearly_nok": _l("For prissatte gevinster: hvor mye gevinsten er verdt per år."),
            "freed_capacity_use": _l("Hva frigjort tid eller frigjorte midler skal brukes til, eller at de tas ut."),
            "dis_benefits": _l("Negative virkninger for brukere, ansatte eller andre – skriv «ingen kjente» om "
                               "dere har vurdert det."),
            "budget_line": _l("Budsjettposten gevinsten tas ut av, f.eks. «3540 Hjemmetjenester»."),
            "baseline_source": _l("Hvor nullpunktet kommer fra. Fylles ut automatisk når det hentes fra data."),
        }

    def __init__(self, *args, organisation=None, owner_editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["indicator"].choices = indicator_choices()
        users = get_user_model().objects.filter(memberships__organisation=organisation).order_by("username")
        self.fields["owner"].queryset = users
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["owner"].empty_label = _("Ikke valgt")
        if not owner_editable:
            self.fields["owner"].disabled = True
        if self.instance.pk and not self.is_bound:
            self.initial["intermediate_targets_text"] = "\n".join(
                f"{dt.date.fromisoformat(t['date']):%d.%m.%Y}; {str(t['value']).replace('.', ',')}"
                for t in self.instance.intermediate_targets or [])
            self.initial["fetch_baseline"] = False

    def clean_intermediate_targets_text(self):
        out = []
        for n, line in enumerate((self.cleaned_data.get("intermediate_targets_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("\t", ";").split(";")]
            try:
                when = next(dt.datetime.strptime(parts[0], f).date() for f in DATE_FORMATS
                            if _parses(parts[0], f))
                value = float(parts[1].replace("\u00a0", "").replace(" ", "").replace(",", "."))
            except (StopIteration, IndexError, ValueError):
                raise forms.ValidationError(
                    _("Linje %(n)s i delmål kan ikke leses. Skriv dato og verdi, f.eks. «31.12.2026; 18,5».")
                    % {"n": n}) from None
            out.append({"date": when.isoformat(), "value": value})
        return sorted(out, key=lambda t: t["date"])

    def clean(self):
        data = super().clean()
        if data.get("custom_indicator") and not data.get("indicator") and not data.get("custom_unit"):
            self.add_error("custom_unit", _("Oppgi enheten for den egne indikatoren (f.eks. «minutter»)."))
        if (data.get("target_value") is None) != (not data.get("target_date")):
            field = "target_date" if data.get("target_value") is not None else "target_value"
            self.add_error(field, _("Oppgi både målverdi og måldato – hva skal endres, hvor mye og når."))
        if data.get("baseline_value") is not None and not data.get("baseline_date"):
            self.add_error("baseline_date", _("Oppgi datoen nullpunktet ble målt."))
        if data.get("expected_yearly_nok") is not None and data["expected_yearly_nok"] < 0:
            self.add_error("expected_yearly_nok", _("Forventet verdi kan ikke være negativ. Beskriv ulemper i "
                                                    "feltet for ulemper."))
        return data

    def save(self, commit=True):
        obj = super().save(commit=False)
        obj.intermediate_targets = self.cleaned_data.get("intermediate_targets_text") or []
        if commit:
            obj.save()
        return obj


def _parses(text: str, fmt: str) -> bool:
    try:
        dt.datetime.strptime(text, fmt)
        return True
    except ValueError:
        return False


class MeasurementForm(VersionedForm):
    class Meta:
        model = Measurement
        fields = ["value", "date", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"comment": _l("Hva påvirket tallet? Store avvik bør ha en forklaring.")}

    def clean_date(self):
        d = self.cleaned_data["date"]
        if d and d > dt.date.today() + dt.timedelta(days=1):
            raise forms.ValidationError(_("En måling kan ikke være datert fram i tid."))
        return d


class MapNodeForm(forms.ModelForm):
    class Meta:
        model = MapNode
        fields = ["kind", "label"]
        labels = {"kind": _l("Type"), "label": _l("Tekst")}
        help_texts = {"label": _l("F.eks. «Nytt arbeidsverktøy tatt i bruk» eller «3.8 Helsetjenester for alle»."),
                      "kind": _l("Endringer og forutsetninger står mellom tiltaket og gevinstene; mål til høyre.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MapNodeKind.choices


class MapEdgeForm(forms.Form):
    source = forms.ChoiceField(label=_l("Fra"))
    target = forms.ChoiceField(label=_l("Til"))

    def __init__(self, *args, node_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = node_choices
        self.fields["target"].choices = node_choices

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            raise forms.ValidationError(_("En pil må gå mellom to ulike bokser."))
        return data
