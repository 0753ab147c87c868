"""Customers: the shop's buyers, one row per e-mail address, aggregated from their orders."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from api.access import ApiViewSet
from api.fields import MoneySchema, money_data
from api.scopes import Scope
from core.money import Money
from ticketing.orders.selectors import customers


class CustomerOut(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(help_text="The name on their latest order.")
    orders = serializers.IntegerField()
    tickets = serializers.IntegerField()
    total_spent = MoneySchema(help_text="Paid orders less refunds.")
    first_order_at = serializers.DateTimeField()
    last_order_at = serializers.DateTimeField()


class ByEmail(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "email"


class CustomerViewSet(ApiViewSet):
    pagination_class = ByEmail
    filter_backends: list[Any] = []
    scopes = {"list": Scope.CUSTOMERS_READ}

    @extend_schema(
        parameters=[OpenApiParameter("email", OpenApiTypes.EMAIL, description="Only this buyer.")],
        responses={200: CustomerOut(many=True)},
    )
    def list(self, request: Request) -> Response:
        rows = customers(email=request.query_params.get("email", ""))
        page = self.paginate_queryset(rows)
        assert page is not None
        data = [
            {
                "email": row["email"],
                "name": row["name"],
                "orders": row["orders"],
                "tickets": row["ticket_count"] or 0,
                "total_spent": money_data(Money(row["total_spent"] or 0, row["currency"])),
                "first_order_at": row["first_order_at"],
                "last_order_at": row["last_order_at"],
            }
            for row in page
        ]
        return self.get_paginated_response(CustomerOut(data, many=True).data)
