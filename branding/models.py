"""A reseller's look (tenant schema): one Theme row per shop."""

from django.core.validators import RegexValidator
from django.db import models

hex_color = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a2b3c.")


class Theme(models.Model):
    display_name = models.CharField(max_length=100)
    primary_color = models.CharField(max_length=7, default="#1f4fd1", validators=[hex_color])
    accent_color = models.CharField(max_length=7, default="#f2a900", validators=[hex_color])
    background_color = models.CharField(max_length=7, default="#ffffff", validators=[hex_color])
    text_color = models.CharField(max_length=7, default="#1b1b1b", validators=[hex_color])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One theme per shop: the singleton row has pk 1.
            models.CheckConstraint(condition=models.Q(pk=1), name="theme_singleton"),
        ]

    def __str__(self) -> str:
        return f"Theme of {self.display_name}"
