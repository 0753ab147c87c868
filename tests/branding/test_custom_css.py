"""Custom CSS may restyle, never load, run, position or hide anything; refusals say why."""

from __future__ import annotations

import pytest

from branding.custom_css import sanitize_css
from branding.errors import BrandingError, BrandingErrorCode


def test_allowed_css_is_rebuilt_from_its_parts() -> None:
    css = """
    /* headings */
    h1, .event-title { color: #123456; font-weight: 700 !important; letter-spacing: .02em }
    header.site{background:linear-gradient(90deg, var(--color-primary), rgb(0 0 0 / 50%))}
    ul.events li:nth-child(2n+1) > a { border-bottom: 2px solid hsl(200, 50%, 40%); }
    """
    assert sanitize_css(css) == (
        "h1, .event-title { color: #123456; font-weight: 700 !important; letter-spacing: .02em; }\n"
        "header.site { background: linear-gradient(90deg, var(--color-primary), rgb(0 0 0 / 50%)); }\n"
        # tinycss2 keeps "2n" and "+1" apart with an empty comment so that they read back the same.
        "ul.events li:nth-child(2n/**/+1) > a { border-bottom: 2px solid hsl(200, 50%, 40%); }"
    )
    assert sanitize_css("   ") == ""


@pytest.mark.parametrize(
    ("css", "message"),
    [
        ("body { background: url(https://evil.example/x.png) }", "url() is not allowed"),
        ('body { background: url("//evil.example/x.png") }', "url() is not allowed"),
        ("body { background-color: expression(alert(1)) }", "expression() is not allowed"),
        ("@import 'https://evil.example/x.css';", "@import is not allowed"),
        ("@font-face { font-family: x; }", "@font-face is not allowed"),
        ("body { color: red; @import 'x.css'; }", "@import is not allowed"),
        ("body { background: u\\72l(x.png) }", "backslash escapes are not allowed"),
        ("body { font-family: '</style><script>alert(1)</script>' }", "“<” is not allowed"),
        ("body { position: fixed }", "the property “position” is not allowed"),
        (".platform-notice { display: none }", "the property “display” is not allowed"),
        ("body { behavior: something }", "the property “behavior” is not allowed"),
        ("body { -moz-binding: x }", "the property “-moz-binding” is not allowed"),
        ("body { color: attr(title) }", "the function attr() is not allowed"),
        ("body { background: image-set('x.png' 1x) }", "image-set() is not allowed"),
        ("body { color: javascript:alert(1) }", "is not allowed in “color”"),
        ("body { color: {} }", "is not allowed in “color”"),
        ("{ color: red }", "a rule has no selector"),
        ("body { color: red", None),  # an unclosed block is read to the end, as browsers do
    ],
)
def test_unsafe_css_is_refused_with_a_reason(css: str, message: str | None) -> None:
    if message is None:
        assert sanitize_css(css) == "body { color: red; }"
        return
    with pytest.raises(BrandingError) as refused:
        sanitize_css(css)
    assert refused.value.code == BrandingErrorCode.UNSAFE_CSS
    assert refused.value.field == "custom_css"
    assert message in refused.value.message


def test_refusals_name_the_line() -> None:
    with pytest.raises(BrandingError) as refused:
        sanitize_css("h1 { color: red }\n\nh2 { background: url(x.png) }")
    assert refused.value.message.startswith("Line 3: ")


def test_very_long_css_is_refused() -> None:
    with pytest.raises(BrandingError, match="limited to 20,000 characters"):
        sanitize_css("p { color: red }\n" * 2000)
