from django.urls import path

from ticketing.tickets import views

app_name = "tickets"

urlpatterns = [
    path("tickets/public-key.json", views.public_keys, name="public_keys"),
    path("orders/<str:code>/<str:secret>/tickets.pdf", views.tickets_pdf, name="pdf"),
    path("orders/<str:code>/<str:secret>/calendar.ics", views.calendar_file, name="calendar"),
]
