from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gevinst.accounts.models import Organisation


class Command(BaseCommand):
    help = _("Oppretter en organisasjon (kommune eller fylke) knyttet til en region.")

    def add_arguments(self, parser):
        parser.add_argument("name", help=_("Navnet, for eksempel «Lørenskog kommune»"))
        parser.add_argument("--region", required=True, help=_("Kommune- eller fylkesnummer, for eksempel 3222"))
        parser.add_argument("--slug", help=_("Kortnavn i adressen (standard: laget av navnet)"))

    def handle(self, *args, name, region, slug=None, **options):
        slug = slug or slugify(name.replace("ø", "o").replace("æ", "ae").replace("å", "a"))
        if not slug:
            raise CommandError(_("Kunne ikke lage et kortnavn; bruk --slug."))
        if Organisation.objects.filter(slug=slug).exists():
            raise CommandError(_("Kortnavnet %(slug)s er allerede i bruk.") % {"slug": slug})
        org = Organisation.objects.create(name=name, slug=slug, region=region)
        self.stdout.write(_("Opprettet %(name)s (%(slug)s), region %(region)s.") % {
            "name": org.name, "slug": org.slug, "region": org.region})
