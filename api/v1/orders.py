"""Orders (create, read, cancel, refund) and their tickets."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.access import ApiViewSet, actor_of
from api.fields import AmountField, MoneyField
from api.idempotency import idempotent, keep_answer_within
from api.representation import FieldsBuiltOnce
from api.scopes import Scope
from core.model_rows import prepared_statements
from ticketing.catalog.models import Event
from ticketing.catalog.selectors import event_by_id
from ticketing.checkin.selectors import tickets_with_check_ins
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order, OrderLine, Refund, Ticket
from ticketing.orders.selectors import api_orders, order_ticket_ids
from ticketing.orders.services import Buyer, buy_tickets, cancel_order, refund_order


class BuyerSchema(FieldsBuiltOnce):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class BuyerOut(FieldsBuiltOnce):
    name = serializers.CharField(source="buyer_name")
    email = serializers.EmailField(source="buyer_email")
    phone = serializers.CharField(source="buyer_phone")


class LineOut(FieldsBuiltOnce, serializers.ModelSerializer):
    unit_price = AmountField("unit_price_minor", "order.currency")
    discount = AmountField("discount_minor", "order.currency")
    total = AmountField("total_minor", "order.currency")

    class Meta:
        model = OrderLine
        fields = [
            "id", "ticket_type", "addon", "description", "quantity", "unit_price", "discount", "total",
            "returned_quantity",
        ]  # fmt: skip


class TicketOut(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", help_text="The ticket's public id (32 hex digits).")
    order = serializers.CharField(source="order.code")
    checked_in_at = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "order", "event", "ticket_type", "status", "attendee_name", "checked_in_at"]

    def get_checked_in_at(self, ticket: Ticket) -> str | None:
        check_in = getattr(ticket, "check_in", None)
        return serializers.DateTimeField().to_representation(check_in.checked_in_at) if check_in else None


class OrderTicketOut(FieldsBuiltOnce, serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", help_text="The ticket's public id (32 hex digits).")

    class Meta:
        model = Ticket
        fields = ["id", "ticket_type", "status", "attendee_name"]


class OrderOut(FieldsBuiltOnce, serializers.ModelSerializer):
    buyer = BuyerOut(source="*")
    subtotal = MoneyField()
    discount = MoneyField()
    total = MoneyField()
    refunded = MoneyField()
    lines = LineOut(many=True)
    tickets = OrderTicketOut(many=True)

    class Meta:
        model = Order
        fields = [
            "code", "status", "event", "buyer", "currency", "subtotal", "discount", "total", "refunded",
            "payment_method", "promo_code", "language", "payment_due_at", "paid_at", "created_at",
            "lines", "tickets",
        ]  # fmt: skip


class ItemIn(FieldsBuiltOnce):
    quantity = serializers.IntegerField(min_value=1, max_value=1000)


class TicketItemIn(ItemIn):
    ticket_type = serializers.IntegerField(min_value=1)


class AddOnItemIn(ItemIn):
    addon = serializers.IntegerField(min_value=1)


class OrderIn(FieldsBuiltOnce):
    event = serializers.IntegerField(min_value=1)
    tickets = TicketItemIn(many=True, allow_empty=False, max_length=50)
    addons = AddOnItemIn(many=True, required=False, default=list, max_length=50)
    buyer = BuyerSchema()
    promo_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    expected_total = MoneyField(
        required=False, help_text="Refuse the order (409) unless its total is exactly this."
    )

    def validate_event(self, value: int) -> Event:
        event = event_by_id(value)
        if event is None:
            raise serializers.ValidationError("No such event.")
        return event

    def selection(self) -> Selection:
        tickets: dict[int, int] = {}
        for item in self.validated_data["tickets"]:
            tickets[item["ticket_type"]] = tickets.get(item["ticket_type"], 0) + item["quantity"]
        addons: dict[int, int] = {}
        for item in self.validated_data["addons"]:
            addons[item["addon"]] = addons.get(item["addon"], 0) + item["quantity"]
        return Selection(tickets=tickets, addons=addons)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RefundIn(ReasonIn):
    tickets = serializers.ListField(
        child=serializers.RegexField(r"^[0-9a-f]{32}$"),
        required=False,
        allow_empty=False,
        max_length=1000,
        help_text="Public ids of the tickets to refund; leave out to refund the whole order.",
    )


class RefundOut(serializers.ModelSerializer):
    order = serializers.CharField(source="order.code")
    amount = AmountField("amount_minor")
    tickets = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)

    class Meta:
        model = Refund
        fields = ["id", "order", "amount", "reason", "tickets", "created_at"]


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    event = django_filters.NumberFilter(field_name="event_id")
    buyer_email = django_filters.CharFilter(field_name="buyer_email", method="by_email")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields = ["status", "event", "buyer_email", "created_after", "created_before"]

    def by_email(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        return queryset.filter(buyer_email=value.strip().lower())


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Orders by their code. Creating one sells at once (pay later); cancel and refund settle it."""

    serializer_class = OrderOut
    filterset_class = OrderFilter
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]{1,12}"
    ordering_fields = ["created_at", "id"]
    ordering = ["-id"]
    scopes = {
        "list": Scope.ORDERS_READ,
        "retrieve": Scope.ORDERS_READ,
        "create": Scope.ORDERS_WRITE,
        "cancel": Scope.ORDERS_WRITE,
        "refund": Scope.ORDERS_WRITE,
    }

    def get_queryset(self) -> QuerySet[Order]:
        return api_orders()

    def get_object(self) -> Order:
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()

    @extend_schema(request=OrderIn, responses={201: OrderOut})
    @prepared_statements()
    @idempotent
    def create(self, request: Request) -> Response:
        data = OrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        expected = values.get("expected_total")
        answer: dict[str, Any] = {}

        def answer_within(order: Order) -> None:  # the answer commits with the order
            answer["body"] = OrderOut(order).data
            keep_answer_within(request, status=201, body=answer["body"])

        buy_tickets(
            event=values["event"],
            selection=data.selection(),
            buyer=Buyer(**values["buyer"]),
            promo_code=values["promo_code"],
            expected_total_minor=expected.amount_minor if expected is not None else None,
            within=answer_within,
        )
        return Response(answer["body"], status=201)

    @extend_schema(request=ReasonIn, responses={200: OrderOut})
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request: Request, code: str) -> Response:
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        order = cancel_order(order=self.get_object(), actor=actor_of(request), **data.validated_data)
        return Response(OrderOut(api_orders().get(pk=order.pk)).data)

    @extend_schema(request=RefundIn, responses={201: RefundOut})
    @action(detail=True, methods=["post"])
    @idempotent
    def refund(self, request: Request, code: str) -> Response:
        data = RefundIn(data=request.data)
        data.is_valid(raise_exception=True)
        order = self.get_object()
        public_ids = data.validated_data.get("tickets")
        ticket_ids = None
        if public_ids is not None:
            found = order_ticket_ids(order, public_ids)
            unknown = sorted(set(public_ids) - set(found))
            if unknown:
                raise serializers.ValidationError({"tickets": [f"Not a ticket of this order: {unknown[0]}."]})
            ticket_ids = [found[public_id] for public_id in public_ids]
        refund = refund_order(
            order=order, actor=actor_of(request), ticket_ids=ticket_ids, reason=data.validated_data["reason"]
        )
        return Response(RefundOut(refund).data, status=201)


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Ticket.Status.choices)
    event = django_filters.NumberFilter(field_name="event_id")
    order = django_filters.CharFilter(method="by_order")

    class Meta:
        model = Ticket
        fields = ["status", "event", "order"]

    def by_order(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.filter(order__code=value.strip().upper())


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = TicketOut
    filterset_class = TicketFilter
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-f]{32}"
    ordering_fields = ["id"]
    ordering = ["-id"]
    scopes = {"list": Scope.ORDERS_READ, "retrieve": Scope.ORDERS_READ}

    def get_queryset(self) -> QuerySet[Ticket]:
        return tickets_with_check_ins()
