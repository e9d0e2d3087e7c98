"""Every public page, for sitemap.xml: the site's own pages here, each app's pages from its sitemaps.py."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from governance.sitemaps import SITEMAPS as GOVERNANCE
from measures.sitemaps import SITEMAPS as MEASURES
from priorities.models import Priority
from priorities.sitemaps import SITEMAPS as PRIORITIES


class SitePagesSitemap(Sitemap):
    def items(self):
        return ["home", "plan-on-a-page", "open-data", "search", "accessibility", "cookies", "privacy", "contact"]

    def location(self, item):
        return reverse(item)


class PrioritySitemap(Sitemap):
    def items(self):
        return Priority.objects.public().select_related("edition").order_by("edition__start_year", "number")

    def lastmod(self, priority):
        return priority.updated_at


SITEMAPS = {"site": SitePagesSitemap, "priorities": PrioritySitemap, **PRIORITIES, **MEASURES, **GOVERNANCE}
