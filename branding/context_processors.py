from typing import Any

from django.http import HttpRequest

from branding.selectors import current_theme, legal_pages, platform_brand_required, platform_notice


def theme(request: HttpRequest) -> dict[str, Any]:
    """The shop's look for every page: theme, legal page links and, unless the plan removes it,
    the platform's notice. Nothing on the platform host."""
    shop_theme = current_theme()
    context: dict[str, Any] = {"theme": shop_theme, "tenant": getattr(request, "tenant", None)}
    if shop_theme is not None:
        context["legal_pages"] = legal_pages()
        context["platform_notice"] = platform_notice() if platform_brand_required() else ""
    return context
