from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bench_throwaway", "0002_sample_note")]
    operations = [
        migrations.AddField(
            model_name="sample", name="code", field=models.CharField(blank=True, default="", max_length=20)
        ),
    ]
