"""Events, ticket types and availability."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.access import ApiViewSet, actor_of
from api.fields import MoneyField, MoneySchema, money_data
from api.scopes import Scope
from core.money import Money
from ticketing.catalog.models import Event, TicketType
from ticketing.catalog.selectors import all_events, all_ticket_types, all_venues
from ticketing.catalog.services import create_event, create_ticket_type, publish_event
from ticketing.inventory.selectors import event_offer


class VenueOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()


class EventOut(serializers.ModelSerializer):
    venue = VenueOut(allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id", "name", "slug", "description", "status", "starts_at", "ends_at", "timezone",
            "venue", "capacity", "attendance_mode", "created_at",
        ]  # fmt: skip


class EventIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField(max_length=64, required=False)
    capacity = serializers.IntegerField(min_value=0, max_value=1_000_000)
    venue = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    def validate_venue(self, value: int | None) -> Any:
        if value is None:
            return None
        venue = all_venues().filter(pk=value).first()
        if venue is None:
            raise serializers.ValidationError("No such venue.")
        return venue


class TicketTypeAvailability(serializers.Serializer):
    id = serializers.IntegerField(source="ticket_type.pk")
    name = serializers.CharField(source="ticket_type.name")
    visibility = serializers.CharField(source="ticket_type.visibility")
    price = MoneyField()
    available = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["on_sale", "not_yet", "ended", "sold_out"])


class AddOnAvailability(serializers.Serializer):
    id = serializers.IntegerField(source="addon.pk")
    name = serializers.CharField(source="addon.name")
    price = MoneyField()
    available = serializers.IntegerField()


class AvailabilityOut(serializers.Serializer):
    event = serializers.IntegerField()
    available = serializers.IntegerField(help_text="Left of the event's overall capacity.")
    sold_out = serializers.BooleanField()
    ticket_types = TicketTypeAvailability(many=True)
    addons = AddOnAvailability(many=True)


class EventFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Event.Status.choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Event
        fields = ["status", "starts_after", "starts_before"]


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A shop's events; drafts included (the API is the organizer's, not the buyer's)."""

    serializer_class = EventOut
    filterset_class = EventFilter
    ordering_fields = ["id", "starts_at", "created_at"]
    ordering = ["-id"]
    scopes = {
        "list": Scope.EVENTS_READ,
        "retrieve": Scope.EVENTS_READ,
        "create": Scope.EVENTS_WRITE,
        "publish": Scope.EVENTS_WRITE,
        "availability": Scope.EVENTS_READ,
    }

    def get_queryset(self) -> QuerySet[Event]:
        return all_events()

    @extend_schema(request=EventIn, responses={201: EventOut})
    def create(self, request: Request) -> Response:
        data = EventIn(data=request.data)
        data.is_valid(raise_exception=True)
        event = create_event(actor=actor_of(request), **data.validated_data)
        return Response(EventOut(event).data, status=201)

    @extend_schema(request=None, responses={200: EventOut})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        event = publish_event(actor=actor_of(request), event=self.get_object())
        return Response(EventOut(all_events().get(pk=event.pk)).data)

    @extend_schema(responses={200: AvailabilityOut})
    @action(detail=True, methods=["get"])
    def availability(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        offer = event_offer(event, visibilities=[choice for choice, _ in TicketType.Visibility.choices])
        shown = {
            "event": event.pk,
            "available": offer.event_available,
            "sold_out": offer.sold_out,
            "ticket_types": list(offer.ticket_types.values()),
            "addons": list(offer.addons.values()),
        }
        return Response(AvailabilityOut(shown).data)


class TicketTypeOut(serializers.ModelSerializer):
    price = serializers.SerializerMethodField()

    class Meta:
        model = TicketType
        fields = [
            "id", "event", "name", "kind", "description", "price", "sale_starts_at", "sale_ends_at",
            "min_per_order", "max_per_order", "quantity", "visibility", "position",
        ]  # fmt: skip

    @extend_schema_field(MoneySchema)
    def get_price(self, ticket_type: TicketType) -> dict[str, str]:
        return money_data(Money(ticket_type.price_minor, ticket_type.currency))


class TicketTypeIn(serializers.Serializer):
    event = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=TicketType.Kind.choices, default=TicketType.Kind.GENERAL_ADMISSION)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    price = MoneyField()
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)
    sale_starts_at = serializers.DateTimeField(required=False, allow_null=True)
    sale_ends_at = serializers.DateTimeField(required=False, allow_null=True)
    min_per_order = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    max_per_order = serializers.IntegerField(min_value=1, max_value=1000, default=10)
    visibility = serializers.ChoiceField(choices=TicketType.Visibility.choices, default="public")

    def validate_event(self, value: int) -> Event:
        event = all_events().filter(pk=value).first()
        if event is None:
            raise serializers.ValidationError("No such event.")
        return event


class TicketTypeFilter(django_filters.FilterSet):
    event = django_filters.NumberFilter(field_name="event_id")

    class Meta:
        model = TicketType
        fields = ["event"]


class TicketTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = TicketTypeOut
    filterset_class = TicketTypeFilter
    ordering_fields = ["id", "position"]
    ordering = ["-id"]
    scopes = {"list": Scope.EVENTS_READ, "retrieve": Scope.EVENTS_READ, "create": Scope.EVENTS_WRITE}

    def get_queryset(self) -> QuerySet[TicketType]:
        return all_ticket_types()

    @extend_schema(request=TicketTypeIn, responses={201: TicketTypeOut})
    def create(self, request: Request) -> Response:
        data = TicketTypeIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        price: Money = values.pop("price")
        ticket_type = create_ticket_type(
            actor=actor_of(request), currency=price.currency, price_minor=price.amount_minor, **values
        )
        return Response(TicketTypeOut(ticket_type).data, status=201)
