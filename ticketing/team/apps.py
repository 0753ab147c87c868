from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "ticketing.team"
    label = "team"
    verbose_name = "Team and roles"
