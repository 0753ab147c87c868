"""Billing pages and endpoints on the platform host: plans, sign-up, the processor's webhooks."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.forms import FIELD_OF, SignUpForm
from billing.processor.errors import ProcessorError
from billing.processor.webhooks import verified_event
from billing.selectors import plan_offers
from billing.signup import sign_up_reseller
from billing.webhooks import handle_event
from core.errors import DomainError


def _receive(request: HttpRequest, secret: str) -> JsonResponse:
    try:
        event = verified_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature", ""), secret=secret
        )
    except ProcessorError as error:
        return JsonResponse(
            error.as_problem(), status=error.http_status, content_type="application/problem+json"
        )
    return JsonResponse({"received": event["id"], "outcome": handle_event(event=event)})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Events of the platform's own account: subscriptions and invoices (dunning)."""
    return _receive(request, settings.STRIPE_WEBHOOK_SECRET)


@csrf_exempt
@require_POST
def stripe_connect_webhook(request: HttpRequest) -> JsonResponse:
    """Events of resellers' connected accounts: account updates and payouts."""
    return _receive(request, settings.STRIPE_CONNECT_WEBHOOK_SECRET)


def plans_page(request: HttpRequest) -> HttpResponse:
    """The platform's own marketing page: what each plan costs and includes."""
    return render(request, "billing/plans.html", {"offers": plan_offers()})


def sign_up(request: HttpRequest) -> HttpResponse:
    """A prospective reseller signs up; on success they go to their new shop to set a password."""
    form = SignUpForm(request.POST or None, initial={"plan": request.GET.get("plan", "growth")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = sign_up_reseller(
                plan_code=data["plan"],
                name=data["name"],
                subdomain=data["subdomain"],
                owner_email=data["email"],
                default_currency=data["currency"],
                default_language=data["language"],
                country=data.get("country", ""),
            )
        except DomainError as error:  # a race for the subdomain since the form's check
            form.add_error(FIELD_OF.get(error.field or "", None), error.message)
        else:
            return redirect(result.invitation_url)
    return render(request, "billing/signup.html", {"form": form}, status=400 if form.errors else 200)
