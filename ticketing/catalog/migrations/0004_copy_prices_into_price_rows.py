"""Each ticket type's and add-on's price, in the shop's currency, becomes its first price row."""

from django.db import migrations


def copy_prices(apps, schema_editor):
    TicketType = apps.get_model("catalog", "TicketType")
    TicketTypePrice = apps.get_model("catalog", "TicketTypePrice")
    AddOn = apps.get_model("catalog", "AddOn")
    AddOnPrice = apps.get_model("catalog", "AddOnPrice")
    TicketTypePrice.objects.bulk_create(
        [
            TicketTypePrice(ticket_type_id=pk, currency=currency, amount_minor=price)
            for pk, currency, price in TicketType.objects.values_list("pk", "currency", "price_minor")
        ],
        ignore_conflicts=True,
    )
    AddOnPrice.objects.bulk_create(
        [
            AddOnPrice(addon_id=pk, currency=currency, amount_minor=price)
            for pk, currency, price in AddOn.objects.values_list("pk", "currency", "price_minor")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_prices_per_currency_and_tax_category")]

    operations = [migrations.RunPython(copy_prices, migrations.RunPython.noop)]
