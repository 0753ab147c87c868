"""The storefront's region switcher: the shop's regions and the buyer's, read only when a page shows them."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from ticketing.taxes.models import Region
from ticketing.taxes.selectors import buyer_region


class RegionChoice:
    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def current(self) -> Region | None:
        return buyer_region(self._request)

    @cached_property
    def regions(self) -> list[Region]:
        self.current  # noqa: B018 (reads the regions with the buyer's, once per request)
        return list(getattr(self._request, "_shop_regions", []))


def regions(request: HttpRequest) -> dict[str, Any]:
    return {"region_choice": RegionChoice(request)}
