"""The governance and meeting pages, for sitemap.xml."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from governance.models import NEWEST_FIRST, Body, Meeting


class GovernanceSitemap(Sitemap):
    """The governance page and a page for every body."""

    changefreq = "monthly"

    def items(self):
        return [None, *Body.objects.order_by("order", "name")]

    def location(self, item):
        return reverse("governance:overview") if item is None else item.get_absolute_url()


class MeetingSitemap(Sitemap):
    """The list of meetings and every public meeting's page."""

    changefreq = "weekly"

    def items(self):
        return [None, *Meeting.objects.public().order_by(NEWEST_FIRST, "-pk")]

    def location(self, item):
        return reverse("governance:meeting-list") if item is None else item.get_absolute_url()

    def lastmod(self, item):
        return None if item is None else item.updated_at


SITEMAPS = {"governance": GovernanceSitemap, "meetings": MeetingSitemap}
