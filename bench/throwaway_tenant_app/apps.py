from django.apps import AppConfig


class ThrowawayTenantAppConfig(AppConfig):
    """A tenant app that exists only in the migration benchmark's settings."""

    name = "bench.throwaway_tenant_app"
    label = "bench_throwaway"
