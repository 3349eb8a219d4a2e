"""GeoReport v2's two formats: the same data as a JSON array or object, or as
XML elements named as the spec names them."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 (writing only, never parsing)

from django.http import HttpResponse, JsonResponse

FORMATS = ("json", "xml")
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
# Characters XML 1.0 cannot carry: left out rather than written as invalid XML.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The XML name of one item of a list, by the list's name.
_ITEM_NAMES = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "services": "service",
    "errors": "error",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        name = _ITEM_NAMES.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    """`value` (a list or a dict) as JSON, or as XML under `root`."""
    if fmt == "xml":
        return HttpResponse(
            to_xml(root, value), content_type=XML_CONTENT_TYPE, status=status
        )
    return JsonResponse(
        value, safe=False, status=status, json_dumps_params={"ensure_ascii": False}
    )


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """The spec's error answer: `[{"code", "description"}]` or `<errors>`."""
    value = [{"code": status, "description": str(text)} for text in descriptions]
    return respond(fmt if fmt in FORMATS else "json", "errors", value, status)
