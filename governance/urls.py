from django.urls import path

from governance import feeds, views

app_name = "governance"

urlpatterns = [
    path("governance/", views.GovernanceView.as_view(), name="overview"),
    path("governance/<slug:slug>/", views.BodyDetailView.as_view(), name="body-detail"),
    path("governance/<slug:slug>/calendar.ics", views.meeting_calendar, name="body-calendar"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/feed/", feeds.MeetingFeed(), name="meeting-feed"),
    path("meetings/minutes/feed/", feeds.MinutesFeed(), name="minutes-feed"),
    path("meetings/calendar.ics", views.meeting_calendar, name="meeting-calendar"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/documents/<int:pk>/<str:name>", views.document_download, name="document-download"),
]
