from django.urls import path

from measures import views

app_name = "measures"

urlpatterns = [
    path("measures/", views.MeasureStatusView.as_view(), name="status"),
    path("measures/status.csv", views.MeasureStatusCSVView.as_view(), name="status-csv"),
    path("measures/values.csv", views.ValuesCSVView.as_view(), name="values-csv"),
    path("measures/<str:code>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path("measures/<str:code>/values.csv", views.MeasureValuesCSVView.as_view(), name="measure-values-csv"),
]
