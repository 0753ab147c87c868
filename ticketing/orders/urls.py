from django.urls import path

from ticketing.orders import views

app_name = "orders"

urlpatterns = [
    path("events/<slug:slug>/reserve/", views.reserve, name="reserve"),
    path("events/<slug:slug>/buy/", views.buy, name="buy"),
    path("checkout/<str:token>/", views.checkout, name="checkout"),
    path("orders/<str:code>/<str:secret>/", views.order_page, name="order"),
    path("my-tickets/", views.my_tickets_request, name="my_tickets_request"),
    path("my-tickets/<str:token>/", views.my_tickets, name="my_tickets"),
]
