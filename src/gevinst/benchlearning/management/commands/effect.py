from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.benchlearning import effect_export
from gevinst.benchlearning.effect import estimate_effect, parse_methods, save_estimates
from gevinst.errors import UserError


def _benefit(org_slug: str, pk: int):
    """The organisation's live benefit ``pk`` (looked up within the organisation only)."""
    from gevinst.accounts.cli import organisation_by_slug
    from gevinst.accounts.scoping import scoped
    from gevinst.plans.models import Benefit

    org = organisation_by_slug(org_slug)
    b = scoped(Benefit.objects.live().select_related("initiative"), org).filter(pk=pk).first()
    if b is None:
        raise UserError(_("Fant ingen gevinst nr. %(id)s i %(org)s.") % {"id": pk, "org": org.name},
                        f"no benefit {pk} in {org.slug}")
    return b


class Command(BaseCommand):
    help = _("Virket det? Effekten av en endring (sammenslåing, tiltak) på en indikator for en kommune: "
             "før/etter med trend, forskjeller i forskjeller mot en sammenligningsgruppe og syntetisk kontroll "
             "med placebotester.")

    def add_arguments(self, parser):
        parser.add_argument("region", help=_("kommunenummer, f.eks. 3207"))
        parser.add_argument("indicator", help=_("indikator-id fra katalogen, f.eks. andel_67_pluss"))
        parser.add_argument("--from", dest="change_year", type=int, required=True,
                            help=_("første år etter endringen (en sammenslåing 1. januar 2020 gir 2020)"))
        parser.add_argument("--method", choices=["did", "scm", "all"], default="all", help=_("metode (standard: begge)"))
        parser.add_argument("--comparison", default="country",
                            help=_("sammenligningsgruppe: country (standard), kostra, county eller kommunenumre med komma"))
        parser.add_argument("--first-year", dest="first_year", type=int, help=_("første år (standard: ti år før endringen)"))
        parser.add_argument("--last-year", dest="last_year", type=int, help=_("siste år (standard: siste år med tall)"))
        parser.add_argument("--save", action="store_true", help=_("lagre anslagene (effekt i gevinstregisteret)"))
        parser.add_argument("--benefit", type=int, help=_("koble anslagene til gevinsten med dette nummeret (med --save og --org)"))
        parser.add_argument("--org", help=_("organisasjonens kortnavn: gevinsten må høre til organisasjonen"))
        parser.add_argument("--format", choices=["text", "json", "csv"], default="text", help=_("utdataformat"))
        parser.add_argument("--out", help=_("fil å skrive til"))

    def handle(self, *args, region, indicator, change_year, method, comparison, first_year, last_year, save,
               format, out, benefit=None, org=None, **options):
        if benefit is not None and not (save and org):
            raise CommandError(_("--benefit krever --save og --org."))
        try:
            result = estimate_effect(region, indicator, change_year, comparison=comparison, methods=parse_methods(method),
                                     first_year=first_year, last_year=last_year)
            target = _benefit(org, benefit) if benefit is not None else None
            if save:
                rows = save_estimates(result, benefit=target)
                self.stderr.write(_("Lagret %(n)s anslag.") % {"n": len(rows)})
                if target is not None:
                    self.stderr.write(_("Koblet til gevinsten «%(name)s» (nr. %(id)s).") % {"name": target.name, "id": target.pk})
        except UserError as exc:
            raise CommandError(exc.message) from None
        text = {"json": effect_export.to_json, "csv": effect_export.to_csv, "text": effect_export.to_text}[format](result)
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stdout.write(_("Skrev %(f)s") % {"f": out})
        else:
            self.stdout.write(text)
