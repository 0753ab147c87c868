# The back office checks roles (ticketing.team.roles.Permission.MANAGE_BRANDING), never Django's
# model permissions: the Meta permission and its auth row were unused.

from django.db import migrations


def drop_permission_row(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="branding", codename="manage_branding").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("branding", "0002_theme_assets_legal_pages_translations_domains"),
    ]

    operations = [
        migrations.AlterModelOptions(name="theme", options={}),
        migrations.RunPython(drop_permission_row, migrations.RunPython.noop, elidable=True),
    ]
