"""The platform console (Django admin on the platform host): resellers and their domains.

Creating, suspending, resuming and closing go through the lifecycle services; the
console never writes a tenant row by itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.errors import DomainError
from tenants import services
from tenants.forms import ProvisionTenantForm
from tenants.models import AuditEntry, Domain, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary", "created_at"]
    readonly_fields = ["created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # custom domains are added through their verification flow

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "schema_name",
        "status",
        "plan",
        "default_language",
        "default_currency",
        "created_at",
    ]
    list_filter = ["status", "plan", "default_currency"]
    search_fields = ["name", "schema_name", "domains__domain"]
    # The plan changes through billing's subscription (usage and Stripe are checked there).
    readonly_fields = ["schema_name", "status", "plan", "created_at", "updated_at"]
    fields = [
        "name",
        "schema_name",
        "status",
        "plan",
        "default_language",
        "default_currency",
        "country",
        "created_at",
        "updated_at",
    ]
    inlines = [DomainInline]
    actions = ["suspend", "resume", "close"]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> Any:
        if object_id is None and request.method == "POST":
            # Provisioning runs its own durable transaction; the admin's usual wrapping
            # atomic block would nest it.
            return self._changeform_view(request, object_id, form_url, extra_context)  # type: ignore[attr-defined]
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tenant]:
        return (
            super().get_queryset(request).exclude(status=Tenant.Status.POOLED).exclude(schema_name="public")
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ProvisionTenantForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                "name",
                "slug",
                "owner_email",
                "hostname",
                "plan",
                "default_language",
                "default_currency",
                "country",
            ]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Tenant, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        try:
            result = services.provision_tenant(
                name=data["name"],
                slug=data["slug"],
                owner_email=data["owner_email"],
                hostname=data.get("hostname") or None,
                plan_code=data["plan"].code if data.get("plan") else None,
                default_language=data["default_language"],
                default_currency=data["default_currency"],
                country=data.get("country", ""),
                actor=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            # The form was checked; a refusal now means a race (e.g. for the slug). Nothing was saved.
            messages.error(request, f"Not created: {error.message}")
            return
        obj.pk = result.tenant.pk
        obj.schema_name = result.tenant.schema_name
        messages.info(request, f"Invitation link for the owner: {result.invitation_url}")

    def _run(self, request: HttpRequest, queryset: QuerySet[Tenant], action: Any, done: str) -> None:
        for tenant in queryset:
            try:
                action(tenant=tenant, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{tenant}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{tenant}: {done}", messages.SUCCESS)

    @admin.action(description="Suspend selected resellers (storefront and API show 503)")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._run(request, queryset, services.suspend_tenant, "suspended")

    @admin.action(description="Resume selected resellers")
    def resume(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._run(request, queryset, services.resume_tenant, "resumed")

    @admin.action(description="Close selected resellers (dump, then drop their schema)")
    def close(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._run(request, queryset, services.close_tenant, "closed; schema dumped and dropped")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "tenant", "actor"]
    list_filter = ["action"]
    search_fields = ["tenant__name", "tenant__schema_name", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
