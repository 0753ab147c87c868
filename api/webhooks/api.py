"""REST endpoints for webhook endpoints and their deliveries: serializers and viewsets.

Self-contained and not routed here: the API app registers these viewsets on its router
and puts its authentication (API keys with scopes, session auth) and problem-details
handler in front. Views parse, call one service or selector, answer; refusals are
RFC 9457 problem details carrying the service's code and the field it names.

Routes meant for them (``router.register("webhook-endpoints", WebhookEndpointViewSet,
basename="webhook-endpoint")`` and ``router.register("webhook-deliveries",
DeliveryViewSet, basename="webhook-delivery")``):

    GET/POST          /webhook-endpoints/              list, create (the answer holds the secret, once)
    GET/PATCH/DELETE  /webhook-endpoints/{id}/         read, change (url, types, description, active), delete
    POST              /webhook-endpoints/{id}/roll-secret/   new secret (shown once)
    POST              /webhook-endpoints/{id}/test/    send a webhook.test event
    GET               /webhook-endpoints/{id}/deliveries/    its delivery log
    GET               /webhook-deliveries/[?endpoint=id]     every delivery, newest first
    GET               /webhook-deliveries/{id}/        one delivery with its attempts
    POST              /webhook-deliveries/{id}/redeliver/    send it again now
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from api.webhooks import selectors, services
from api.webhooks.models import Delivery, DeliveryAttempt, WebhookEndpoint
from core.errors import DomainError

# Scopes the API layer should require (it owns the scope names; these are the suggestion).
READ_SCOPE = "webhooks:read"
WRITE_SCOPE = "webhooks:write"


class EndpointIn(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=["*", *services.SUBSCRIBABLE_TYPES]), allow_empty=False
    )
    active = serializers.BooleanField(required=False)


class RollIn(serializers.Serializer):
    previous_valid_hours = serializers.IntegerField(
        min_value=0, max_value=services.MAX_PREVIOUS_SECRET_HOURS, default=24
    )


class EndpointOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "active",
            "disabled_reason",
            "secret_hint",
            "previous_secret_expires_at",
            "consecutive_failures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EndpointWithSecretOut(EndpointOut):
    secret = serializers.SerializerMethodField(help_text="The signing secret: shown in this answer only.")

    class Meta(EndpointOut.Meta):
        fields = [*EndpointOut.Meta.fields, "secret"]
        read_only_fields = fields

    def get_secret(self, endpoint: WebhookEndpoint) -> str:
        return str(self.context["secret"])


class AttemptOut(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "manual", "started_at", "duration_ms", "status_code", "response_excerpt", "error"]
        read_only_fields = fields


class DeliveryOut(serializers.ModelSerializer):
    event = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "endpoint",
            "status",
            "attempts",
            "attempts_allowed",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields

    def get_event(self, delivery: Delivery) -> dict[str, Any]:
        event = delivery.event
        return {"id": event.public_id, "type": event.type, "created_at": event.created_at.isoformat()}


class DeliveryWithAttemptsOut(DeliveryOut):
    attempt_log = AttemptOut(many=True, read_only=True)

    class Meta(DeliveryOut.Meta):
        fields = [*DeliveryOut.Meta.fields, "attempt_log"]
        read_only_fields = fields


def problem(error: DomainError) -> Response:
    return Response(error.as_problem(), status=error.http_status, content_type="application/problem+json")


def acting_user(request: Request) -> User | None:
    """The signed-in staff member, or None when an API key acts (its scopes were checked at the door)."""
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


class _WebhookViewSet(viewsets.GenericViewSet):
    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DomainError):
            return problem(exc)
        return super().handle_exception(exc)

    def _page(self, rows: QuerySet[Any], serializer: type[serializers.Serializer]) -> Response:
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(serializer(page, many=True).data)
        return Response(serializer(rows, many=True).data)


class WebhookEndpointViewSet(_WebhookViewSet):
    serializer_class = EndpointOut

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return selectors.endpoints()

    def _endpoint(self, pk: str | None) -> WebhookEndpoint:
        endpoint = selectors.endpoint(int(pk)) if pk and str(pk).isdigit() else None
        if endpoint is None:
            raise NotFound()
        return endpoint

    def list(self, request: Request) -> Response:
        return self._page(self.get_queryset(), EndpointOut)

    def create(self, request: Request) -> Response:
        data = EndpointIn(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        made = services.create_endpoint(
            actor=acting_user(request),
            url=values["url"],
            event_types=values["event_types"],
            description=values["description"],
        )
        if values.get("active") is False:
            services.set_endpoint_active(actor=acting_user(request), endpoint=made.endpoint, active=False)
            made.endpoint.refresh_from_db()
        body = EndpointWithSecretOut(made.endpoint, context={"secret": made.secret}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(EndpointOut(self._endpoint(pk)).data)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self._endpoint(pk)
        data = EndpointIn(
            data={
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
                **request.data,
            }
        )
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        actor = acting_user(request)
        changes = {key for key in ("url", "description", "event_types") if key in request.data}
        if changes:
            endpoint = services.update_endpoint(
                actor=actor,
                endpoint=endpoint,
                url=values["url"],
                event_types=values["event_types"],
                description=values["description"],
            )
        if "active" in values:
            endpoint = services.set_endpoint_active(actor=actor, endpoint=endpoint, active=values["active"])
        return Response(EndpointOut(endpoint).data)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.delete_endpoint(actor=acting_user(request), endpoint=self._endpoint(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="roll-secret")
    def roll_secret(self, request: Request, pk: str | None = None) -> Response:
        data = RollIn(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.roll_secret(
            actor=acting_user(request),
            endpoint=self._endpoint(pk),
            previous_valid_hours=data.validated_data["previous_valid_hours"],
        )
        return Response(EndpointWithSecretOut(made.endpoint, context={"secret": made.secret}).data)

    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.send_test_event(actor=acting_user(request), endpoint=self._endpoint(pk))
        return Response(DeliveryOut(delivery).data, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        return self._page(selectors.deliveries(endpoint=self._endpoint(pk)), DeliveryOut)


class DeliveryViewSet(_WebhookViewSet):
    serializer_class = DeliveryOut

    def get_queryset(self) -> QuerySet[Delivery]:
        return selectors.deliveries()

    def _delivery(self, pk: str | None) -> Delivery:
        delivery = selectors.delivery(int(pk)) if pk and str(pk).isdigit() else None
        if delivery is None:
            raise NotFound()
        return delivery

    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        endpoint = request.query_params.get("endpoint")
        if endpoint is not None:
            if not endpoint.isdigit():
                return Response({"endpoint": ["A whole number."]}, status=status.HTTP_400_BAD_REQUEST)
            rows = rows.filter(endpoint_id=int(endpoint))
        return self._page(rows, DeliveryOut)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(DeliveryWithAttemptsOut(self._delivery(pk)).data)

    @action(detail=True, methods=["post"])
    def redeliver(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.redeliver(actor=acting_user(request), delivery=self._delivery(pk))
        return Response(DeliveryOut(delivery).data, status=status.HTTP_202_ACCEPTED)
