"""The default plans name their custom-domain limit (a limit a plan does not name is 0)."""

from django.db import migrations

LIMITS = {"starter": 0, "growth": 3, "enterprise": None}


def name_custom_domain_limits(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for plan in Plan.objects.filter(code__in=LIMITS):
        if "custom_domains" not in plan.limits:
            plan.limits = {**plan.limits, "custom_domains": LIMITS[plan.code]}
            plan.save(update_fields=["limits"])


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_subscription_billing_email")]
    operations = [migrations.RunPython(name_custom_domain_limits, migrations.RunPython.noop)]
