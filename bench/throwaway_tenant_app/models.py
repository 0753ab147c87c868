from django.db import models


class Sample(models.Model):
    # The columns the benchmark adds (note, code) live only in its migrations.
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name
