from django.urls import path

from priorities import views

app_name = "priorities"

urlpatterns = [
    path("plans/", views.EditionListView.as_view(), name="edition-list"),
    path("plans/actions.csv", views.ActionsCSVView.as_view(), name="actions-csv"),
    path("plans/<slug:slug>/", views.EditionDetailView.as_view(), name="edition-detail"),
    path("plans/<slug:edition>/<slug:priority>/actions/", views.ActionListView.as_view(), name="action-list"),
    path(
        "plans/<slug:edition>/<slug:priority>/actions/<int:number>/",
        views.ActionDetailView.as_view(),
        name="action-detail",
    ),
]
