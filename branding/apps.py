from django.apps import AppConfig


class BrandingConfig(AppConfig):
    name = "branding"
    verbose_name = "Branding"

    def ready(self) -> None:
        from billing.entitlements import Limit, count_usage_with
        from branding.selectors import custom_domains_in_use

        # Plan changes count pending requests too: verifying one later needs no second check.
        count_usage_with(Limit.CUSTOM_DOMAINS, custom_domains_in_use)
