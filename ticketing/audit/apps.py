from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ticketing.audit"
    label = "audit"
    verbose_name = "Audit trail"
