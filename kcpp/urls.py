from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from kcpp import health, views
from kcpp.sitemaps import SITEMAPS

admin.site.site_header = "Kirklees Communities Partnership: officer admin"
admin.site.site_title = "KCP officer admin"
admin.site.index_title = "Keep the plan, its measures and its meetings up to date"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", views.HomeView.as_view(), name="home"),
    path("plan/", views.PlanOnAPageView.as_view(), name="plan-on-a-page"),
    path("plans/<slug:edition>/<slug:slug>/", views.PriorityDetailView.as_view(), name="priority-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("accessibility/", views.page("pages/accessibility.html"), name="accessibility"),
    path("cookies/", views.page("pages/cookies.html"), name="cookies"),
    path("privacy/", views.page("pages/privacy.html"), name="privacy"),
    path("contact/", views.page("pages/contact.html"), name="contact"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("priorities.urls")),
    path("", include("measures.urls")),
    path("", include("governance.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
