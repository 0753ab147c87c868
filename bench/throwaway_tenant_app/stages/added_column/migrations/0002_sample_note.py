from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bench_throwaway", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="sample", name="note", field=models.CharField(blank=True, default="", max_length=200)
        ),
    ]
