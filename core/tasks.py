from celery import shared_task
from django.core.mail import EmailMessage


@shared_task(name="core.send_email")
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    from_email: str | None = None,
    reply_to: list[str] | None = None,
) -> None:
    """Deliver one plain-text e-mail (queued after commit by the services); the platform's sender
    unless ``from_email`` names a shop's."""
    EmailMessage(subject=subject, body=body, from_email=from_email, to=to, reply_to=reply_to or None).send()
