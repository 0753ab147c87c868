"""The platform API on the platform host (public schema): resellers, plans and domains.

Platform admins only: active staff signed in to the console, or holding a platform key
(made with ``manage.py create_platform_api_key``).
"""

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
from api.scopes import PlatformScope
from billing.models import Plan
from tenants.models import Domain, Tenant
from tenants.services import add_domain, provision_tenant, resume_tenant, suspend_tenant

READ = PlatformScope.PLATFORM_READ
WRITE = PlatformScope.PLATFORM_WRITE


class PlanOut(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "code", "name", "monthly_fee_minor", "currency", "trial_days", "limits", "features"]


class DomainOut(serializers.ModelSerializer):
    tenant = serializers.CharField(source="tenant.schema_name")

    class Meta:
        model = Domain
        fields = ["id", "domain", "tenant", "is_primary", "created_at"]


class TenantOut(serializers.ModelSerializer):
    slug = serializers.CharField(source="schema_name")
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Tenant
        fields = [
            "id", "slug", "name", "status", "plan", "default_language", "default_currency", "country",
            "created_at",
        ]  # fmt: skip


class TenantIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    slug = serializers.CharField(max_length=63)
    owner_email = serializers.EmailField()
    plan_code = serializers.CharField(max_length=40, required=False, allow_null=True, default=None)
    default_language = serializers.CharField(max_length=10, default="en")
    default_currency = serializers.CharField(max_length=3, default="EUR")
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DomainIn(serializers.Serializer):
    tenant = serializers.SlugRelatedField(slug_field="schema_name", queryset=Tenant.objects.all())
    hostname = serializers.CharField(max_length=253)


class TenantFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Tenant.Status.choices)

    class Meta:
        model = Tenant
        fields = ["status"]


class TenantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = TenantOut
    filterset_class = TenantFilter
    lookup_field = "schema_name"
    lookup_url_kwarg = "slug"
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]
    scopes = {"list": READ, "retrieve": READ, "create": WRITE, "suspend": WRITE, "resume": WRITE}

    def get_queryset(self) -> QuerySet[Tenant]:
        return (
            Tenant.objects.exclude(schema_name="public")
            .exclude(status=Tenant.Status.POOLED)
            .select_related("plan")
        )

    @extend_schema(request=TenantIn, responses={201: TenantOut})
    def create(self, request: Request) -> Response:
        data = TenantIn(data=request.data)
        data.is_valid(raise_exception=True)
        provisioned = provision_tenant(actor=actor_of(request), **data.validated_data)
        return Response(TenantOut(provisioned.tenant).data, status=201)

    @extend_schema(request=ReasonIn, responses={200: TenantOut})
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, slug: str) -> Response:
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = suspend_tenant(tenant=self.get_object(), actor=actor_of(request), **data.validated_data)
        return Response(TenantOut(tenant).data)

    @extend_schema(request=None, responses={200: TenantOut})
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, slug: str) -> Response:
        tenant = resume_tenant(tenant=self.get_object(), actor=actor_of(request))
        return Response(TenantOut(tenant).data)


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = PlanOut
    ordering_fields = ["id", "position"]
    ordering = ["id"]
    scopes = {"list": READ, "retrieve": READ}

    def get_queryset(self) -> QuerySet[Plan]:
        return Plan.objects.all()


class DomainViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = DomainOut
    ordering_fields = ["id"]
    ordering = ["-id"]
    scopes = {"list": READ, "retrieve": READ, "create": WRITE}

    def get_queryset(self) -> QuerySet[Domain]:
        return Domain.objects.exclude(tenant__schema_name="public").select_related("tenant")

    @extend_schema(request=DomainIn, responses={201: DomainOut})
    def create(self, request: Request) -> Response:
        data = DomainIn(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        domain = add_domain(tenant=values["tenant"], hostname=values["hostname"], actor=actor_of(request))
        return Response(DomainOut(domain).data, status=201)
