from django.db import migrations

PLANS = [
    {"code": "starter", "name": "Starter", "monthly_fee_minor": 0, "limits": {"events": 5, "staff_seats": 2},
     "features": []},
    {"code": "growth", "name": "Growth", "monthly_fee_minor": 4900, "limits": {"events": 50, "staff_seats": 10},
     "features": ["custom_domains", "api", "remove_platform_brand"]},
    {"code": "enterprise", "name": "Enterprise", "monthly_fee_minor": 29900,
     "limits": {"events": None, "staff_seats": None},
     "features": ["custom_domains", "api", "remove_platform_brand", "dynamic_pricing", "seating"]},
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for plan in PLANS:
        Plan.objects.update_or_create(code=plan["code"], defaults={**plan, "currency": "EUR"})


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(create_plans, migrations.RunPython.noop)]
