"""The measure pages for sitemap.xml: the status page and the page of every public measure."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from measures.models import Measure


class MeasureStatusSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ["measures:status"]

    def location(self, item):
        return reverse(item)


class MeasureSitemap(Sitemap):
    """Measures of published and archived editions; never a draft's."""

    changefreq = "monthly"

    def items(self):
        return Measure.objects.public().order_by("code")

    def lastmod(self, measure):
        return measure.updated_at


SITEMAPS = {"measure-status": MeasureStatusSitemap, "measures": MeasureSitemap}
