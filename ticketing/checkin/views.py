"""The back office's scan page: paste or type a ticket code, see at once whether it may enter."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from ticketing.backoffice.access import requires
from ticketing.backoffice.pages import render_page
from ticketing.backoffice.views import actor
from ticketing.checkin.forms import ScanForm
from ticketing.checkin.models import CheckIn
from ticketing.checkin.selectors import recent_check_ins
from ticketing.checkin.services import check_in_ticket
from ticketing.team.roles import Permission

SECTION = "scan"


@requires(Permission.SCAN)
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest) -> HttpResponse:
    admitted: CheckIn | None = None
    refusal: DomainError | None = None
    status = 200
    if request.method == "POST":
        form = ScanForm(request.POST)
        if form.is_valid():
            try:
                admitted = check_in_ticket(
                    code=form.cleaned_data["code"],
                    actor=actor(request),
                    gate=form.cleaned_data["gate"],
                    device="back office",
                )
            except DomainError as error:
                refusal = error
                status = error.http_status
            # A fresh form for the next ticket, keeping the gate.
            form = ScanForm(initial={"gate": form.cleaned_data["gate"]})
        else:
            status = 400
    else:
        form = ScanForm()
    context = {"form": form, "admitted": admitted, "refusal": refusal, "recent": recent_check_ins()}
    return render_page(request, "checkin/scan.html", context, section=SECTION, status=status)
