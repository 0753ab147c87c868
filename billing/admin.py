"""The platform console for billing: plans and fee rules (written through the services), and
read-only views of subscriptions, the ledger, payouts, reconciliation runs and reports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from billing import entitlements, services, subscriptions
from billing.errors import BillingError
from billing.ledger.models import LedgerEntry, LedgerTransaction, ReconciliationMismatch, ReconciliationRun
from billing.models import FeeRule, Plan, ProviderEvent, Subscription
from billing.payouts.models import Payout, PayoutAccount, PayoutSchedule
from billing.reports.models import Report, ReportSchedule
from core.errors import DomainError

PLAN_FIELDS = [
    "code",
    "name",
    "monthly_fee_minor",
    "currency",
    "trial_days",
    "limits",
    "features",
    "is_public",
]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records are written by services only; the console shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceWrittenAdmin(admin.ModelAdmin):
    """Saves go through a durable service; the admin's own atomic block would nest it."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> Any:
        if request.method == "POST":
            return self._changeform_view(request, object_id, form_url, extra_context)  # type: ignore[attr-defined]
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = PLAN_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            terms: dict[str, Any] = {field: data.get(field) for field in PLAN_FIELDS}
            services.clean_plan_terms(**terms)
        except BillingError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


@admin.register(Plan)
class PlanAdmin(ServiceWrittenAdmin):
    form = PlanForm
    list_display = ["code", "name", "monthly_fee_minor", "currency", "trial_days", "is_public"]
    search_fields = ["code", "name"]
    readonly_fields = ["stripe_product_id", "stripe_price_id"]

    def save_model(self, request: HttpRequest, obj: Plan, form: Any, change: bool) -> None:
        terms: dict[str, Any] = {field: form.cleaned_data[field] for field in PLAN_FIELDS}
        actor: Any = request.user
        try:
            if change:
                saved = services.update_plan(actor=actor, plan=Plan.objects.get(pk=obj.pk), **terms)
            else:
                saved = services.create_plan(actor=actor, **terms)
        except BillingError as error:
            messages.error(request, f"Not saved: {error.message}")
            return
        obj.pk = saved.pk


class FeeRuleForm(forms.ModelForm):
    class Meta:
        model = FeeRule
        fields = ["plan", "tenant", "item_type", "channel", "currency", "percent_bp", "fixed_minor"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            services.clean_fee_terms(
                percent_bp=data["percent_bp"],
                fixed_minor=data["fixed_minor"],
                item_type=data.get("item_type", ""),
                channel=data.get("channel", ""),
                currency=data.get("currency", ""),
            )
        except BillingError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


@admin.register(FeeRule)
class FeeRuleAdmin(ServiceWrittenAdmin):
    form = FeeRuleForm
    list_display = [
        "__str__",
        "plan",
        "tenant",
        "item_type",
        "channel",
        "currency",
        "percent_bp",
        "fixed_minor",
    ]
    list_filter = ["plan", "item_type", "channel", "currency"]

    def save_model(self, request: HttpRequest, obj: FeeRule, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            rule = services.set_fee_rule(
                actor=request.user,  # type: ignore[arg-type]
                plan=data.get("plan"),
                tenant=data.get("tenant"),
                item_type=data.get("item_type", ""),
                channel=data.get("channel", ""),
                currency=data.get("currency", ""),
                percent_bp=data["percent_bp"],
                fixed_minor=data["fixed_minor"],
            )
        except BillingError as error:
            messages.error(request, f"Not saved: {error.message}")
            return
        obj.pk = rule.pk


class ChangePlanForm(forms.ModelForm):
    """The console changes a reseller's plan through the subscription service (usage, Stripe, audit)."""

    class Meta:
        model = Subscription
        fields = ["plan"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = data.get("plan")
        if plan is not None and self.instance.pk and plan.pk != self.instance.plan_id:
            try:
                entitlements.require_usage_within(self.instance.tenant, plan)
            except BillingError as error:
                self.add_error("plan", error.message)
        return data


@admin.register(Subscription)
class SubscriptionAdmin(ServiceWrittenAdmin):
    """Read-only but for the plan, which changes through ``change_plan`` (refused when usage is over)."""

    form = ChangePlanForm
    list_display = ["tenant", "plan", "status", "trial_ends_at", "grace_until", "suspended_for_nonpayment"]
    list_filter = ["status", "plan", "suspended_for_nonpayment"]
    readonly_fields = [
        "tenant",
        "status",
        "trial_ends_at",
        "current_period_end",
        "grace_until",
        "suspended_for_nonpayment",
        "billing_email",
        "stripe_customer_id",
        "stripe_subscription_id",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # subscriptions start at sign-up

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        plan = form.cleaned_data["plan"]
        current = Subscription.objects.get(pk=obj.pk)
        if plan.pk == current.plan_id:
            return
        try:
            subscriptions.change_plan(tenant=current.tenant, plan=plan, actor=request.user)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(request, f"Not changed: {error.message}")


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "type", "event_id", "account", "outcome"]
    list_filter = ["type"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["account", "direction", "amount_minor", "available_on"]
    readonly_fields = ["account", "direction", "amount_minor", "available_on"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "tenant", "kind", "currency", "source_code", "event_name"]
    list_filter = ["kind", "currency"]
    search_fields = ["source_code", "event_name", "idempotency_key", "tenant__name"]
    inlines = [LedgerEntryInline]


class MismatchInline(admin.TabularInline):
    model = ReconciliationMismatch
    fields = ["tenant", "kind", "currency", "ledger_minor", "provider_minor", "provider_reference", "detail"]
    readonly_fields = [
        "tenant",
        "kind",
        "currency",
        "ledger_minor",
        "provider_minor",
        "provider_reference",
        "detail",
    ]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "accounts_checked", "mismatch_count"]
    inlines = [MismatchInline]


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnlyAdmin):
    list_display = [
        "tenant",
        "provider_account_id",
        "status",
        "details_submitted",
        "charges_enabled",
        "payouts_enabled",
        "updated_at",
    ]
    list_filter = ["status", "details_submitted", "payouts_enabled"]
    search_fields = ["tenant__name", "tenant__schema_name", "provider_account_id"]


@admin.register(PayoutSchedule)
class PayoutScheduleAdmin(ReadOnlyAdmin):
    list_display = [
        "tenant",
        "interval",
        "weekly_anchor",
        "monthly_anchor",
        "holding_days",
        "minimum_amounts",
    ]
    list_filter = ["interval"]
    search_fields = ["tenant__name", "tenant__schema_name"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    """Failed payouts: filter by status "Failed"; the processor's code and message say why."""

    list_display = [
        "created_at",
        "tenant",
        "currency",
        "amount_minor",
        "fees_settled_minor",
        "period",
        "status",
        "failure_code",
        "failure_message",
    ]
    list_filter = ["status", "currency", "failure_code"]
    search_fields = ["tenant__name", "tenant__schema_name", "provider_payout_id", "period"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "kind", "format", "period_start", "period_end", "status"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(ReadOnlyAdmin):
    list_display = ["tenant", "kind", "format", "weekday", "last_sent_on"]
