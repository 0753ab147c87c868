from django.contrib import admin

from billing.models import Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "monthly_fee_minor", "currency", "is_public"]
    search_fields = ["code", "name"]
