"""Every UI string is translated for every shop language, with the same placeholders.

The strings are read from the sources the way makemessages reads them (Django's own
template-to-gettext conversion, and gettext calls in Python), without needing xgettext.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
SOURCE_FOLDERS = [
    "accounts",
    "api",
    "billing",
    "branding",
    "core",
    "platform",
    "tenants",
    "ticketing",
    "templates",
]
TRANSLATED_LANGUAGES = ["de", "fr", "es", "ja", "ar"]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
# templatize() writes each {% translate %} and {% blocktranslate %} as a gettext('...') call.
TEMPLATIZED_CALL = re.compile(r"gettext\(u?'((?:[^'\\]|\\.)*)'\)")
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdf]")


def _source_files(suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(
        path
        for folder in SOURCE_FOLDERS
        for path in (ROOT / folder).rglob("*")
        if path.suffix in suffixes and "migrations" not in path.parts
    )


@cache
def ui_strings() -> set[str]:
    found: set[str] = set()
    for path in _source_files((".html", ".txt")):
        text = path.read_text()
        if "{% load i18n" not in text and "{% load " not in text:
            continue
        for match in TEMPLATIZED_CALL.finditer(templatize(text, origin=str(path))):
            found.add(ast.literal_eval(f"'{match.group(1)}'"))
    for path in _source_files((".py",)):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def catalog(language: str) -> Catalog:
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po_file:
        return read_po(po_file, locale=language)


def test_the_sources_have_the_strings_we_expect_to_find() -> None:
    strings = ui_strings()
    # One of each kind: a template {% translate %}, a {% blocktranslate %} with variables, a lazy label.
    assert {"Upcoming events", "Checkout: %(event)s", "Full name", "Use a colour like #1a2b3c."} <= strings
    assert len(strings) > 150


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_ui_string_is_translated_with_the_same_placeholders(language: str) -> None:
    messages = {message.id: message for message in catalog(language) if message.id}
    missing = sorted(ui_strings() - set(messages))
    assert not missing, f"not in locale/{language}: {missing[:5]} (run `make messages`, then translate)"
    untranslated = sorted(
        message_id
        for message_id, message in messages.items()
        if message_id in ui_strings() and (not message.string or message.fuzzy)
    )
    assert not untranslated, f"untranslated or fuzzy in locale/{language}: {untranslated[:5]}"
    for message_id, message in messages.items():
        assert sorted(PLACEHOLDER.findall(str(message.string))) == sorted(
            PLACEHOLDER.findall(str(message_id))
        ), f"{language}: placeholders differ in {message_id!r}"
