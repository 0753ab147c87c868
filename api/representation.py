"""Output serializers that build their fields once per class instead of once per instance shown.

DRF builds a serializer's fields whenever one is made (a ModelSerializer introspects its model
and deep-copies every declared field, nested serializers included), which costs more than
turning an order into data. Showing an instance needs none of that again: its fields read
attributes and format values. So ``FieldsBuiltOnce.to_representation`` runs DRF's own loop over
the fields of one prototype of the class. Input validation and the OpenAPI schema still use the
fields DRF builds per instance.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject

_built: dict[type[serializers.Serializer], tuple[Field, ...]] = {}


class FieldsBuiltOnce(serializers.Serializer):
    # No docstring: drf-spectacular would show it as the description of every serializer below.
    # Only for output whose fields read nothing from the serializer's context or state (no
    # request, no hyperlinks, no SerializerMethodField): the prototype has an empty context.

    def to_representation(self, instance: Any) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for field in _readable_fields(type(self)):  # DRF's Serializer.to_representation from here
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            shown[field.field_name] = None if check_for_none is None else field.to_representation(attribute)
        return shown


def _readable_fields(serializer_class: type[serializers.Serializer]) -> tuple[Field, ...]:
    fields = _built.get(serializer_class)
    if fields is None:  # two threads may both build them the first time: the same fields either way
        fields = tuple(field for field in serializer_class().fields.values() if not field.write_only)
        for field in fields:
            if isinstance(field, serializers.SerializerMethodField | serializers.HyperlinkedRelatedField):
                raise TypeError(f"{serializer_class.__name__}.{field.field_name} needs its own serializer.")
        _built[serializer_class] = fields
    return fields
