"""The API's reference as an accessible page of the site, built from the same OpenAPI document as Swagger UI.

Swagger UI needs JavaScript and fails axe-core; this page is server-rendered, works everywhere, and cannot drift
from the API: every operation, parameter, body field, answer and schema comes from ``api.get_openapi_schema()``.
"""

import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

WHERE = {"query": "dans l'adresse", "path": "dans le chemin", "header": "en-tête", "cookie": "cookie"}
TYPES = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen (true ou false)",
    "object": "objet",
    "null": "null",
}
CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> SafeString:
    """Escaped text with `code` spans."""
    return mark_safe(CODE.sub(r"<code>\1</code>", html.escape(text or "", quote=False)))  # noqa: S308 - escaped


def blocks(text: str) -> SafeString:
    """Paragraphs and "- " lists of a description, escaped."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = block.splitlines()
        if lines and lines[0].startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                elif items:
                    items[-1] += " " + line.strip()
            out.append("<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>")
        elif block.strip():
            out.append(f"<p>{inline(' '.join(line.strip() for line in lines))}</p>")
    return mark_safe("".join(out))  # noqa: S308 - every part is escaped by inline()


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def describe_type(schema: dict[str, Any]) -> SafeString:
    """A schema's type in words, with links to the named schemas."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return mark_safe(f'<a href="#schema-{html.escape(name)}">{html.escape(name)}</a>')  # noqa: S308
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            parts = [describe_type(part) for part in schema[combined] if part.get("type") != "null"]
            nullable = any(part.get("type") == "null" for part in schema[combined])
            words = " ou ".join(parts) + (" (ou null)" if nullable else "")
            return mark_safe(words)  # noqa: S308 - parts are safe
    kind = schema.get("type", "")
    if kind == "array":
        return mark_safe(f"liste de {describe_type(schema.get('items', {}))}")  # noqa: S308
    words = html.escape(TYPES.get(kind, kind or "valeur"))
    if "enum" in schema:
        values = ", ".join(f"<code>{html.escape(str(value))}</code>" for value in schema["enum"])
        words += f", l'une de : {values}"
    if "format" in schema:
        words += f" ({html.escape(schema['format'])})"
    return mark_safe(words)  # noqa: S308


def limits(schema: dict[str, Any]) -> str:
    parts = []
    for key, label in (("minLength", "au moins {} caractères"), ("maxLength", "au plus {} caractères")):
        if key in schema:
            parts.append(label.format(schema[key]))
    for key, label in (("minimum", "au moins {}"), ("maximum", "au plus {}"), ("maxItems", "{} éléments au plus")):
        if key in schema:
            parts.append(label.format(schema[key]))
    if "default" in schema and schema["default"] not in ("", None, []):
        parts.append(f"par défaut {schema['default']}")
    if schema.get("examples"):
        parts.append(f"exemple : {schema['examples'][0]}")
    return ", ".join(parts)


@dataclass
class Field:
    name: str
    type: SafeString
    required: bool
    description: SafeString
    limits: str
    where: str = ""


@dataclass
class Answer:
    status: str
    description: SafeString
    type: SafeString | None


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: SafeString
    parameters: list[Field] = field(default_factory=list)
    body: SafeString | None = None
    answers: list[Answer] = field(default_factory=list)
    needs_token: bool = False


@dataclass
class Schema:
    name: str
    description: SafeString
    fields: list[Field]


def _fields(schema: dict[str, Any]) -> list[Field]:
    required = set(schema.get("required", []))
    return [
        Field(
            name=name,
            type=describe_type(prop),
            required=name in required,
            description=inline(prop.get("description", "")),
            limits=limits(prop),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def build(document: dict[str, Any]) -> dict[str, Any]:
    operations = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            parameters = [
                Field(
                    name=parameter["name"],
                    type=describe_type(parameter.get("schema", {})),
                    required=bool(parameter.get("required")),
                    description=inline(
                        parameter.get("description") or parameter.get("schema", {}).get("description", "")
                    ),
                    limits=limits(parameter.get("schema", {})),
                    where=WHERE.get(parameter.get("in", ""), parameter.get("in", "")),
                )
                for parameter in operation.get("parameters", [])
            ]
            body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            answers = []
            for status, answer in operation.get("responses", {}).items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                answers.append(
                    Answer(
                        str(status), inline(answer.get("description", "")), describe_type(schema) if schema else None
                    )
                )
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=operation.get("operationId") or re.sub(r"[^a-z0-9]+", "-", f"{method}{path}".lower()),
                    summary=operation.get("summary", ""),
                    description=blocks(operation.get("description", "")),
                    parameters=parameters,
                    body=describe_type(body_schema) if body_schema else None,
                    answers=answers,
                    needs_token=bool(operation.get("security")),
                )
            )
    schemas = [
        Schema(name=name, description=inline(schema.get("description", "")), fields=_fields(schema))
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    ]
    info = document.get("info", {})
    return {
        "title": info.get("title", ""),
        "version": info.get("version", ""),
        "description": blocks(info.get("description", "")),
        "operations": operations,
        "schemas": schemas,
    }
