from django.urls import path

from ticketing.invoices import views

app_name = "invoices"

urlpatterns = [
    path("orders/<str:code>/<str:secret>/invoices/<int:pk>.pdf", views.buyer_invoice_pdf, name="buyer_pdf"),
    path("backoffice/orders/<str:code>/invoices/<int:pk>.pdf", views.staff_invoice_pdf, name="staff_pdf"),
]
