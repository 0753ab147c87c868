"""Serializers that build their fields once per class instead of once per instance.

DRF builds a serializer's fields whenever one is made: a ModelSerializer introspects its model
and every serializer deep-copies its declared fields, nested serializers included, which costs
more than reading an order's input or showing the order. ``FieldsBuiltOnce`` builds them once,
for a prototype of the class, and every instance validates and shows with those: DRF's own code
on the same fields, so the same output, the same errors and the same OpenAPI schema.
"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

_built: dict[type[serializers.Serializer], BindingDict] = {}


class FieldsBuiltOnce(serializers.Serializer):
    # No docstring: drf-spectacular would show it as the description of every serializer below.
    # Only for serializers whose fields read nothing from the context or the instance they are
    # bound to (no request, no hyperlinks, no SerializerMethodField, no partial updates): the
    # fields are bound to the prototype, whose context is empty. Validating and showing change
    # no state of the fields, so threads may share them.

    @property
    def fields(self) -> BindingDict:
        fields = _built.get(type(self))
        if fields is None:  # two threads may both build them the first time: equal fields either way
            fields = _fields_built_by_drf(type(self)())
            _built[type(self)] = fields
        return fields


def _fields_built_by_drf(prototype: FieldsBuiltOnce) -> BindingDict:
    fields: BindingDict = super(FieldsBuiltOnce, prototype).fields
    for name, field in fields.items():
        if isinstance(field, serializers.SerializerMethodField | serializers.HyperlinkedRelatedField):
            raise TypeError(f"{type(prototype).__name__}.{name} needs the serializer it is used by.")
    return fields
