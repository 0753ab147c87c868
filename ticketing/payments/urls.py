from django.urls import path

from ticketing.payments import views

app_name = "payments"

urlpatterns = [
    path("orders/<str:code>/<str:secret>/pay/", views.card_payment, name="card"),
    path("orders/<str:code>/<str:secret>/pay/return/", views.card_return, name="card_return"),
]
