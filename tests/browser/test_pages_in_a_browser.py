"""The pages that matter, in a real Chromium: the branding preview follows the form before
anything is saved, a buyer checks out with the keyboard alone, and Arabic pages run right to left."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from branding.selectors import shop_theme
from ticketing.orders.models import Order

from .conftest import OWNER_PASSWORD, BrowserShop

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, *, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", email)
    page.fill("#id_password", OWNER_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base}{next_path}")


def focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: (document.activeElement.textContent || '').trim()})"
    )


def tab_until(page: Page, wanted: Callable[[dict[str, str]], bool], *, limit: int = 60) -> None:
    """Press Tab until the focused element is the one wanted, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted(focused(page)):
            return
    raise AssertionError(f"Tab never reached the element; last focused: {focused(page)}")


def test_the_branding_preview_follows_a_colour_before_it_is_saved(
    browser: Any, browser_shop: BrowserShop, live_url: Callable[[str], str]
) -> None:
    base = live_url(browser_shop.slug)
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, base, email=browser_shop.owner_email, next_path="/backoffice/branding/")
    preview = page.frame_locator('iframe[name="preview"]')
    with schema_context(browser_shop.slug):
        saved_primary = shop_theme().primary_color
    assert saved_primary.lower() != "#8a1538"

    page.fill("#id_primary_color", "#8a1538")  # fires "input", as picking a colour does

    expect(preview.locator("header.site")).to_have_css("background-color", "rgb(138, 21, 56)")
    expect(page.locator("#id_primary_color")).to_have_value("#8a1538")
    with schema_context(browser_shop.slug):
        assert shop_theme().primary_color == saved_primary  # only previewed, nothing saved
    context.close()


def test_a_buyer_checks_out_with_the_keyboard_alone(
    browser: Any, browser_shop: BrowserShop, live_url: Callable[[str], str]
) -> None:
    base = live_url(browser_shop.slug)
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{base}/events/{browser_shop.event.slug}/")
    quantity = page.locator('input[type="number"]').first.get_attribute("id")

    tab_until(page, lambda element: element["id"] == quantity)
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_until(page, lambda element: element["tag"] == "BUTTON" and element["text"] == "Reserve and continue")
    page.keyboard.press("Enter")

    page.wait_for_selector("#id_name")
    tab_until(page, lambda element: element["id"] == "id_name")
    page.keyboard.type("Ada Lovelace")
    tab_until(page, lambda element: element["id"] == "id_email")
    page.keyboard.type("ada@example.com")
    tab_until(page, lambda element: element["tag"] == "BUTTON" and element["text"] == "Place order")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/orders/[A-Z0-9]+/"))  # the order's own page
    with schema_context(browser_shop.slug):
        order = Order.objects.get(buyer_email="ada@example.com")
        assert order.tickets.count() == 2 and order.total_minor == 3000
    expect(page.locator("main")).to_contain_text(order.code)
    context.close()


def brand_box(page: Page) -> dict[str, float]:
    return page.evaluate(
        "() => { const box = document.querySelector('header.site .brand').getBoundingClientRect();"
        " return {left: box.left, right: box.right, width: document.documentElement.clientWidth}; }"
    )


def test_the_arabic_storefront_runs_right_to_left(
    browser: Any, browser_shop: BrowserShop, live_url: Callable[[str], str]
) -> None:
    base = live_url(browser_shop.slug)
    arabic = browser.new_context(locale="ar", viewport={"width": 1000, "height": 800})
    english = browser.new_context(locale="en-US", viewport={"width": 1000, "height": 800})
    rtl, ltr = arabic.new_page(), english.new_page()
    rtl.goto(f"{base}/")
    ltr.goto(f"{base}/")

    assert rtl.get_attribute("html", "dir") == "rtl" and rtl.get_attribute("html", "lang") == "ar"
    assert rtl.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert ltr.evaluate("getComputedStyle(document.body).direction") == "ltr"
    expect(rtl.locator("h1")).to_have_text("الفعاليات القادمة")
    # Mirrored: the shop's name sits at the right edge of the header in Arabic, at the left in English.
    right_to_left, left_to_right = brand_box(rtl), brand_box(ltr)
    assert right_to_left["right"] > right_to_left["width"] - 40 and right_to_left["left"] > 500
    assert left_to_right["left"] < 40 and left_to_right["right"] < 500
    heading = rtl.evaluate("getComputedStyle(document.querySelector('main')).textAlign")
    assert heading in ("start", "right")
    arabic.close()
    english.close()
