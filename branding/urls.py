"""Buyer-facing branding URLs on a shop's host: legal pages, logo and favicon."""

from django.urls import path

from branding import views

app_name = "branding"

urlpatterns = [
    path("legal/<slug:kind>/", views.legal, name="legal"),
    path("brand/<slug:field>/<str:version>/", views.brand_image, name="image"),
]
