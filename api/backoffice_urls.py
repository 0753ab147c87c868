from django.urls import path

from api import backoffice

app_name = "api_keys"
urlpatterns = [
    path("", backoffice.api_keys, name="list"),
    path("<int:pk>/revoke/", backoffice.api_key_revoke, name="revoke"),
]
