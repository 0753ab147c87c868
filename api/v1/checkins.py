"""Check-ins: admit a ticket (signed code or public id) and list who came in."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.access import ApiViewSet, actor_label_of, actor_of
from api.idempotency import idempotent
from api.scopes import Scope
from ticketing.catalog.models import Event
from ticketing.catalog.selectors import all_events
from ticketing.checkin.models import CheckIn
from ticketing.checkin.selectors import all_check_ins
from ticketing.checkin.services import check_in_ticket


class CheckInOut(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.public_id")
    ticket_type = serializers.IntegerField(source="ticket.ticket_type_id")
    attendee_name = serializers.CharField(source="ticket.attendee_name")

    class Meta:
        model = CheckIn
        fields = [
            "id", "ticket", "ticket_type", "attendee_name", "event", "method", "gate", "device",
            "checked_in_at",
        ]  # fmt: skip


class CheckInIn(serializers.Serializer):
    code = serializers.CharField(
        max_length=400, help_text="The signed code from the ticket's QR, or its 32-digit public id."
    )
    event = serializers.IntegerField(
        required=False, min_value=1, help_text="Refuse tickets of any other event (409 wrong_event)."
    )
    gate = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    device = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    def validate_event(self, value: int) -> Event:
        event = all_events().filter(pk=value).first()
        if event is None:
            raise serializers.ValidationError("No such event.")
        return event


class CheckInFilter(django_filters.FilterSet):
    event = django_filters.NumberFilter(field_name="event_id")
    gate = django_filters.CharFilter()
    after = django_filters.IsoDateTimeFilter(field_name="checked_in_at", lookup_expr="gte")

    class Meta:
        model = CheckIn
        fields = ["event", "gate", "after"]


class CheckInViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = CheckInOut
    filterset_class = CheckInFilter
    ordering_fields = ["id", "checked_in_at"]
    ordering = ["-id"]
    scopes = {"list": Scope.CHECKINS_READ, "retrieve": Scope.CHECKINS_READ, "create": Scope.CHECKINS_WRITE}

    def get_queryset(self) -> QuerySet[CheckIn]:
        return all_check_ins()

    @extend_schema(request=CheckInIn, responses={201: CheckInOut})
    @idempotent
    def create(self, request: Request) -> Response:
        data = CheckInIn(data=request.data)
        data.is_valid(raise_exception=True)
        check_in = check_in_ticket(
            actor=actor_of(request), actor_label=actor_label_of(request), **data.validated_data
        )
        return Response(CheckInOut(check_in).data, status=201)
