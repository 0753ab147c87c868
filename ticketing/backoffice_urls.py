"""The reseller's back office (staff only). Grows with the ticketing issues."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/dashboard.html")


app_name = "backoffice"
urlpatterns = [path("", dashboard, name="dashboard")]
