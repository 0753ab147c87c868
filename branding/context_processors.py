from typing import Any

from django.http import HttpRequest

from branding.selectors import current_theme


def theme(request: HttpRequest) -> dict[str, Any]:
    return {"theme": current_theme(), "tenant": getattr(request, "tenant", None)}
