"""The plan's public pages for sitemap.xml: the list of editions, each public edition and each public action.

Priority pages are listed by the site's own sitemap, which owns that page.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from priorities.models import Action, PlanEdition


class EditionSitemap(Sitemap):
    """The list of plan editions (the item None) and every public edition's page."""

    def items(self):
        return [None, *PlanEdition.objects.public()]

    def location(self, edition):
        return reverse("priorities:edition-list") if edition is None else edition.get_absolute_url()

    def lastmod(self, edition):
        return None if edition is None else edition.updated_at


class ActionSitemap(Sitemap):
    """Every action of a public edition."""

    def items(self):
        return Action.objects.public().select_related("priority__edition")

    def lastmod(self, action):
        return action.updated_at


SITEMAPS = {"editions": EditionSitemap, "actions": ActionSitemap}
