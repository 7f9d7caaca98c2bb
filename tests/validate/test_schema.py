"""JSON in answers: locate, repair, validate against pydantic or JSON Schema."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from genai_guard import Action, ConfigurationError, Context, Direction, Pipeline, Step
from genai_guard.validate import SchemaValidator

CTX = Context(direction=Direction.OUTPUT)


class Item(BaseModel):
    name: str
    price: float


class Order(BaseModel):
    order_id: int
    items: list[Item]


SCHEMA = {
    "type": "object",
    "required": ["order_id", "items"],
    "additionalProperties": False,
    "properties": {
        "order_id": {"type": "integer", "minimum": 1},
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/item"},
        },
        "note": {"type": "string", "maxLength": 20},
    },
    "$defs": {
        "item": {
            "type": "object",
            "required": ["name", "price"],
            "properties": {"name": {"type": "string"}, "price": {"type": "number"}},
        }
    },
}

GOOD = '{"order_id": 7, "items": [{"name": "tea", "price": 3.5}]}'


def test_valid_json_returns_the_parsed_object() -> None:
    out = SchemaValidator(schema=SCHEMA).check(GOOD, CTX)
    assert (out.findings, out.text, out.data["order_id"]) == ((), None, 7)


def test_pydantic_model_returns_an_instance() -> None:
    out = SchemaValidator(model=Order).check(GOOD, CTX)
    assert isinstance(out.data, Order)


def test_fenced_json_is_found_and_unwrapped() -> None:
    text = f"Here is the order:\n```json\n{GOOD}\n```\nAnything else?"
    out = SchemaValidator(schema=SCHEMA).check(text, CTX)
    assert (out.findings, out.text) == ((), GOOD)


def test_repair_fixes_single_quotes_and_trailing_commas() -> None:
    text = "{'order_id': 7, 'items': [{'name': 'tea', 'price': 3.5},],}"
    out = SchemaValidator(schema=SCHEMA).check(text, CTX)
    assert out.findings == ()
    assert out.data == {"order_id": 7, "items": [{"name": "tea", "price": 3.5}]}


def test_repair_is_a_modification_in_a_pipeline() -> None:
    p = Pipeline(output=[Step(SchemaValidator(schema=SCHEMA))])
    d = p.check_output('{"order_id": 7, "items": [{"name": "tea", "price": 3.5},]}')
    assert d.action is Action.MODIFY


def test_without_repair_broken_json_is_invalid() -> None:
    out = SchemaValidator(schema=SCHEMA, repair=False).check('{"order_id": 7,}', CTX)
    assert [f.rule_id for f in out.findings] == ["output.schema.invalid_json"]


def test_no_json_is_reported() -> None:
    out = SchemaValidator(schema=SCHEMA).check("Sorry, I do not know.", CTX)
    assert [f.rule_id for f in out.findings] == ["output.schema.no_json"]


def test_schema_errors_carry_paths() -> None:
    text = '{"order_id": 0, "items": [{"name": "tea", "price": "cheap"}], "extra": 1}'
    out = SchemaValidator(schema=SCHEMA).check(text, CTX)
    paths = sorted(f.metadata["path"] for f in out.findings)
    assert paths == ["extra", "items[0].price", "order_id"]


def test_pydantic_errors_carry_paths() -> None:
    out = SchemaValidator(model=Order).check('{"order_id": 1, "items": [{"name": "x"}]}', CTX)
    assert [f.metadata["path"] for f in out.findings] == ["items[0].price"]


def test_missing_required_property_is_reported() -> None:
    out = SchemaValidator(schema=SCHEMA).check('{"items": []}', CTX)
    assert {f.metadata["path"] for f in out.findings} == {"order_id", "items"}


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"enum": ["a", "b"]}, '"c"'),
        ({"type": "string", "pattern": "^[0-9]+$"}, '"12a"'),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, '"x"'),
        ({"type": "array", "uniqueItems": True}, "[1, 1]"),
        ({"type": "integer"}, "true"),
    ],
)
def test_keyword_violations(schema: dict[str, object], value: str) -> None:
    out = SchemaValidator(schema=schema).check(f"```json\n[{value}]\n```", CTX)
    wrapped = SchemaValidator(schema={"type": "array", "items": schema}).check(f"[{value}]", CTX)
    assert out.findings or wrapped.findings


def test_unsupported_keyword_is_rejected() -> None:
    with pytest.raises(ConfigurationError):
        SchemaValidator(schema={"type": "object", "patternProperties": {}})


def test_model_or_schema_is_required() -> None:
    with pytest.raises(ConfigurationError):
        SchemaValidator()
