from django.db import migrations

# Per plan: a percentage on every sale, plus a fixed amount per unit sold in the currencies
# the platform prices in. Other currencies pay the percentage only.
FEES = {
    "starter": (500, {"EUR": 99, "USD": 99, "GBP": 89}),
    "growth": (300, {"EUR": 59, "USD": 59, "GBP": 49}),
    "enterprise": (200, {"EUR": 39, "USD": 39, "GBP": 35}),
}
TRIAL_DAYS = {"starter": 30, "growth": 14, "enterprise": 14}
POSITIONS = {"starter": 1, "growth": 2, "enterprise": 3}


def create_fee_rules(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    FeeRule = apps.get_model("billing", "FeeRule")
    for code, (percent_bp, fixed) in FEES.items():
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            continue
        plan.trial_days = TRIAL_DAYS[code]
        plan.position = POSITIONS[code]
        plan.save(update_fields=["trial_days", "position"])
        FeeRule.objects.get_or_create(plan=plan, item_type="", channel="", currency="", defaults={"percent_bp": percent_bp})
        for currency, fixed_minor in fixed.items():
            FeeRule.objects.get_or_create(
                plan=plan,
                item_type="",
                channel="",
                currency=currency,
                defaults={"percent_bp": percent_bp, "fixed_minor": fixed_minor},
            )


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_plan_terms_fee_rules_subscriptions")]
    operations = [migrations.RunPython(create_fee_rules, migrations.RunPython.noop)]
