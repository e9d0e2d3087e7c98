from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from governance import api as governance_api
from kcpp import admin_home, api, compare, health, views
from kcpp.sitemaps import SITEMAPS
from measures import api as measures_api
from priorities import api as priorities_api

admin.site.site_header = "Kirklees Communities Partnership: officer admin"
admin.site.site_title = "KCP officer admin"
admin.site.index_title = "Keep the plan, its measures and its meetings up to date"

router = api.Router()
router.register("editions", priorities_api.PlanEditionViewSet, basename="edition")
router.register("priorities", priorities_api.PriorityViewSet, basename="priority")
router.register("themes", priorities_api.ThemeViewSet, basename="theme")
router.register("actions", priorities_api.ActionViewSet, basename="action")
router.register("measures", measures_api.MeasureViewSet, basename="measure")
router.register("values", measures_api.ReportedValueViewSet, basename="value")
router.register("localities", priorities_api.LocalityViewSet, basename="locality")
router.register("partners", priorities_api.PartnerOrganisationViewSet, basename="partner")
router.register("bodies", governance_api.BodyViewSet, basename="body")
router.register("meetings", governance_api.MeetingViewSet, basename="meeting")
router.register("key-decisions", governance_api.KeyDecisionViewSet, basename="key-decision")
router.register("duties", governance_api.StatutoryDutyViewSet, basename="duty")

# A database that is away for a moment answers 503 (JSON from the API), anything else the 500 page.
handler500 = "core.errors.server_error"

urlpatterns = [
    path("api/v1/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api.DocsView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api(/.*)?$", api.not_found),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # The admin's front page is the officer's to-do list, then Django's own list of apps (kcpp/admin_home.py).
    path("admin/", admin_home.view, name="admin-home"),
    path("admin/", admin.site.urls),
    path("", views.HomeView.as_view(), name="home"),
    path("plan/", views.PlanOnAPageView.as_view(), name="plan-on-a-page"),
    path("plans/compare/<slug:old>/<slug:new>/", compare.CompareEditionsView.as_view(), name="compare-editions"),
    path("plans/<slug:edition>/<slug:slug>/", views.PriorityDetailView.as_view(), name="priority-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("data/", views.OpenDataView.as_view(), name="open-data"),
    path("accessibility/", views.page("pages/accessibility.html"), name="accessibility"),
    path("cookies/", views.page("pages/cookies.html"), name="cookies"),
    path("privacy/", views.page("pages/privacy.html"), name="privacy"),
    path("contact/", views.page("pages/contact.html"), name="contact"),
    path("robots.txt", views.robots_txt, name="robots"),
    # An index of one sitemap per section, so no one file grows with all the data (each pages at 50,000).
    path("sitemap.xml", index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("", include("priorities.urls")),
    path("", include("measures.urls")),
    path("", include("governance.urls")),
]

# Uploaded meeting papers are not served from MEDIA_URL, on a laptop or in production: only through
# governance's download view, as downloads.
