from django.urls import path

from ticketing.invoices import views

app_name = "invoices"

urlpatterns = [
    path("orders/<str:code>/<str:secret>/invoices/<int:pk>.pdf", views.buyer_invoice_pdf, name="buyer_pdf"),
]
