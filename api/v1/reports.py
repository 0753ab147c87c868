"""Reports: sales per event (live figures). Statements and tax summaries as files stay at
/api/v1/billing/reports/ (billing.reports.api), under the same keys and errors."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.access import ApiDoor, ApiViewSet, HasScope, tenant_of
from api.fields import MoneySchema, money_data
from api.scopes import Scope
from billing.reports import api as billing_api
from core.money import Money
from ticketing.catalog.models import Event
from ticketing.catalog.selectors import all_events
from ticketing.orders.selectors import sales_by_event


class EventSalesOut(serializers.Serializer):
    event = serializers.IntegerField()
    name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    sold = serializers.IntegerField()
    held = serializers.IntegerField()
    available = serializers.IntegerField()
    orders = serializers.IntegerField()
    paid = MoneySchema()
    pending = MoneySchema()
    refunded = MoneySchema()


class SalesFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Event.Status.choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")

    class Meta:
        model = Event
        fields = ["status", "starts_after"]


class SalesReportViewSet(ApiViewSet):
    """Sales figures per event, in the shop's currency."""

    filterset_class = SalesFilter
    ordering_fields = ["id", "starts_at"]
    ordering = ["-id"]
    scopes = {"list": Scope.REPORTS_READ}

    def get_queryset(self) -> QuerySet[Event]:
        return all_events()

    @extend_schema(responses={200: EventSalesOut(many=True)})
    def list(self, request: Request) -> Response:
        events = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert events is not None
        currency = tenant_of(request).default_currency
        rows: list[dict[str, Any]] = [
            {
                "event": sales.event.pk,
                "name": sales.event.name,
                "starts_at": sales.event.starts_at,
                "capacity": sales.capacity,
                "sold": sales.sold,
                "held": sales.held,
                "available": sales.available,
                "orders": sales.orders,
                "paid": money_data(Money(sales.paid_minor, currency)),
                "pending": money_data(Money(sales.pending_minor, currency)),
                "refunded": money_data(Money(sales.refunded_minor, currency)),
            }
            for sales in sales_by_event(events)
        ]
        return self.get_paginated_response(EventSalesOut(rows, many=True).data)


class BillingReportsApi(ApiDoor, billing_api.ReportsApi):
    """The reports API of billing (statements as files) behind the API's keys, scopes and limits."""

    permission_classes = [HasScope]
    scopes = {"get": Scope.REPORTS_READ, "post": Scope.REPORTS_READ}


class BillingReportDownloadApi(ApiDoor, billing_api.ReportDownloadApi):
    permission_classes = [HasScope]
    scopes = {"get": Scope.REPORTS_READ}
