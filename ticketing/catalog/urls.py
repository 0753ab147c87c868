from django.urls import path

from ticketing.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("events/<slug:slug>/image/<str:version>/", views.event_image, name="event_image"),
]
