from django.urls import path

from ticketing.checkin import views

app_name = "checkin"
urlpatterns = [path("", views.scan, name="scan")]
