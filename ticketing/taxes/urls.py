from django.urls import path

from ticketing.taxes import views

app_name = "taxes"

urlpatterns = [
    path("region/", views.set_region, name="set_region"),
]
