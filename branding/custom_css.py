"""A reseller's own CSS, parsed and rebuilt from an allow-list so that it can only restyle.

The CSS is parsed with tinycss2 (the CSS Syntax Level 3 parser WeasyPrint uses) and
written out again from its parts: only style rules with simple selectors and allowed
properties, whose values hold colours, lengths, keywords and a few functions. Anything
else is refused with a message that says what and where, never silently dropped: no
at-rules (@import, @font-face), no url() or image(), no expression(), no escapes, no
positioning or hiding (the platform's own notice must stay visible).
"""

from __future__ import annotations

from collections.abc import Iterable

import tinycss2
from tinycss2 import ast

from branding.errors import BrandingError, BrandingErrorCode

MAX_LENGTH = 20_000

ALLOWED_PROPERTIES = frozenset(
    {
        "color",
        "background",
        "background-color",
        "border",
        "border-color",
        "border-style",
        "border-width",
        "border-radius",
        "border-top",
        "border-right",
        "border-bottom",
        "border-left",
        "border-block",
        "border-inline",
        "outline",
        "outline-color",
        "outline-offset",
        "box-shadow",
        "text-shadow",
        "margin",
        "margin-top",
        "margin-right",
        "margin-bottom",
        "margin-left",
        "margin-block",
        "margin-inline",
        "padding",
        "padding-top",
        "padding-right",
        "padding-bottom",
        "padding-left",
        "padding-block",
        "padding-inline",
        "font",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "line-height",
        "letter-spacing",
        "word-spacing",
        "text-align",
        "text-decoration",
        "text-transform",
        "max-width",
        "min-height",
        "list-style",
    }
)
ALLOWED_FUNCTIONS = frozenset(
    {"rgb", "rgba", "hsl", "hsla", "calc", "var", "min", "max", "clamp", "linear-gradient", "radial-gradient"}
)
SELECTOR_FUNCTIONS = frozenset({"not", "is", "where", "nth-child", "nth-of-type", "nth-last-child"})
SELECTOR_LITERALS = frozenset({".", ",", ">", "+", "~", "*", ":", "=", "-"})
VALUE_LITERALS = frozenset({",", "/", "+", "-", "*", "%"})
FORBIDDEN_FUNCTIONS = {
    "url": "url() is not allowed: custom CSS cannot load files or images",
    "expression": "expression() is not allowed: custom CSS cannot run code",
    "image": "image() is not allowed: custom CSS cannot load files or images",
    "image-set": "image-set() is not allowed: custom CSS cannot load files or images",
    "element": "element() is not allowed",
}


def _refuse(message: str, node: ast.Node | None = None) -> BrandingError:
    where = f"Line {node.source_line}: " if node is not None and getattr(node, "source_line", None) else ""
    return BrandingError(BrandingErrorCode.UNSAFE_CSS, f"{where}{message}.", field="custom_css")


def _check_selector(tokens: Iterable[ast.Node], rule: ast.Node) -> None:
    for token in tokens:
        if isinstance(token, ast.WhitespaceToken | ast.IdentToken | ast.HashToken | ast.StringToken):
            continue
        if isinstance(token, ast.NumberToken | ast.DimensionToken):
            continue  # :nth-child(2n+1)
        if isinstance(token, ast.LiteralToken) and token.value in SELECTOR_LITERALS:
            continue
        if isinstance(token, ast.SquareBracketsBlock):
            _check_selector(token.content, rule)
            continue
        if isinstance(token, ast.FunctionBlock) and token.lower_name in SELECTOR_FUNCTIONS:
            _check_selector(token.arguments, rule)
            continue
        raise _refuse(f"this selector is not allowed: “{tinycss2.serialize(rule.prelude).strip()}”", rule)


def _check_value(tokens: Iterable[ast.Node], declaration: ast.Declaration) -> None:
    for token in tokens:
        if isinstance(
            token,
            ast.WhitespaceToken
            | ast.IdentToken
            | ast.NumberToken
            | ast.PercentageToken
            | ast.DimensionToken
            | ast.HashToken
            | ast.StringToken,
        ):
            continue
        if isinstance(token, ast.LiteralToken) and token.value in VALUE_LITERALS:
            continue
        if isinstance(token, ast.URLToken):
            raise _refuse(FORBIDDEN_FUNCTIONS["url"], declaration)
        if isinstance(token, ast.FunctionBlock):
            if token.lower_name in FORBIDDEN_FUNCTIONS:
                raise _refuse(FORBIDDEN_FUNCTIONS[token.lower_name], declaration)
            if token.lower_name not in ALLOWED_FUNCTIONS:
                raise _refuse(f"the function {token.name}() is not allowed", declaration)
            _check_value(token.arguments, declaration)
            continue
        if isinstance(token, ast.ParenthesesBlock):
            _check_value(token.content, declaration)
            continue
        raise _refuse(f"“{tinycss2.serialize([token])}” is not allowed in “{declaration.name}”", declaration)


def _declarations(rule: ast.QualifiedRule) -> list[str]:
    written = []
    for declaration in tinycss2.parse_declaration_list(
        rule.content, skip_comments=True, skip_whitespace=True
    ):
        if isinstance(declaration, ast.ParseError):
            raise _refuse(f"cannot read this declaration ({declaration.message})", declaration)
        if isinstance(declaration, ast.AtRule):
            raise _refuse(f"@{declaration.at_keyword} is not allowed", declaration)
        if not isinstance(declaration, ast.Declaration):
            raise _refuse("only declarations like “color: #333” are allowed inside a rule", declaration)
        if declaration.lower_name not in ALLOWED_PROPERTIES:
            raise _refuse(
                f"the property “{declaration.name}” is not allowed (allowed: colours, backgrounds, "
                "borders, shadows, spacing, fonts and text)",
                declaration,
            )
        _check_value(declaration.value, declaration)
        value = tinycss2.serialize(declaration.value).strip()
        if not value:
            raise _refuse(f"“{declaration.name}” has no value", declaration)
        important = " !important" if declaration.important else ""
        written.append(f"{declaration.lower_name}: {value}{important};")
    return written


def sanitize_css(css: str) -> str:
    """The reseller's CSS rebuilt from its allowed parts; raises BrandingError on anything else."""
    css = css.strip()
    if not css:
        return ""
    if len(css) > MAX_LENGTH:
        raise _refuse(f"custom CSS is limited to {MAX_LENGTH:,} characters")
    # “<” could close the <style> element the CSS is served in; escapes could hide
    # a forbidden name from a reader (tinycss2 decodes them, but people review this too).
    if "<" in css:
        raise _refuse("“<” is not allowed in custom CSS")
    if "\\" in css:
        raise _refuse("backslash escapes are not allowed in custom CSS")
    rules = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if isinstance(rule, ast.ParseError):
            raise _refuse(f"cannot read this CSS ({rule.message})", rule)
        if isinstance(rule, ast.AtRule):
            raise _refuse(f"@{rule.at_keyword} is not allowed: custom CSS may only contain style rules", rule)
        if not isinstance(rule, ast.QualifiedRule):
            raise _refuse("only style rules are allowed", rule)
        _check_selector(rule.prelude, rule)
        selector = " ".join(tinycss2.serialize(rule.prelude).split())
        if not selector:
            raise _refuse("a rule has no selector", rule)
        body = " ".join(_declarations(rule))
        rules.append(f"{selector} {{ {body} }}")
    return "\n".join(rules)
