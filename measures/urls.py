from django.urls import path

from measures import snapshot_views, views

app_name = "measures"

urlpatterns = [
    path("measures/", views.MeasureStatusView.as_view(), name="status"),
    path("measures/status.csv", views.MeasureStatusCSVView.as_view(), name="status-csv"),
    path("measures/values.csv", views.ValuesCSVView.as_view(), name="values-csv"),
    path("measures/reports/", snapshot_views.SnapshotListView.as_view(), name="snapshot-list"),
    path("measures/reports/<int:pk>/", snapshot_views.SnapshotDetailView.as_view(), name="snapshot-detail"),
    path("measures/reports/<int:pk>/status.csv", snapshot_views.snapshot_csv, name="snapshot-csv"),
    path("measures/reports/<int:pk>/since/", snapshot_views.SnapshotCompareView.as_view(), name="snapshot-compare"),
    path("measures/<str:code>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path("measures/<str:code>/values.csv", views.MeasureValuesCSVView.as_view(), name="measure-values-csv"),
]
