"""Shared lookups for the cycle's commands (``gevinst a3``, ``gevinst reminders``)."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gevinst.accounts.models import Organisation

from .models import CycleYear
from .service import current_cycle


def organisation(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(_("Organisasjonen «%(s)s» finnes ikke.") % {"s": slug})
    return org


def cycle_for(org: Organisation, year: int | None) -> CycleYear:
    """The organisation's årshjul for budget ``year``, or the current one."""
    cycle = CycleYear.objects.filter(organisation=org, budget_year=year).first() if year else current_cycle(org)
    if cycle is None:
        raise CommandError(_("%(org)s har ikke noe årshjul%(y)s. Opprett det på nettsiden «Årshjul».") % {
            "org": org.name, "y": (_(" for budsjett %(y)s") % {"y": year}) if year else ""})
    return cycle
