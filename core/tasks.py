from celery import shared_task
from django.core.mail import send_mail


@shared_task(name="core.send_email")
def send_email(*, to: list[str], subject: str, body: str) -> None:
    """Deliver one plain-text e-mail (queued after commit by the services)."""
    send_mail(subject, body, None, to)
