from django.conf import settings

# (label, url, path prefixes that make the item current)
NAVIGATION = [
    ("The plan", "/plan/", ("/plan",)),
    ("How we are doing", "/measures/", ("/measures",)),
    ("Meetings", "/meetings/", ("/meetings",)),
    ("Governance", "/governance/", ("/governance",)),
    ("Search", "/search/", ("/search",)),
]


def portal(request):
    """The service's name, contact details and navigation, for the header, banner and footer of every page."""
    path = getattr(request, "path", "")
    navigation = [
        {"label": label, "url": url, "active": path.startswith(prefixes)} for label, url, prefixes in NAVIGATION
    ]
    return {"portal": settings.PORTAL, "navigation": navigation}
