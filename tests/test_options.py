"""Stage types read their options off the stages' constructors (``genai_guard._options``)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from genai_guard._options import PolicyOptions, options_model, stage_type
from genai_guard.context import Context
from genai_guard.errors import PolicyError
from genai_guard.policy import validate_policy
from genai_guard.protocols import StageType
from genai_guard.registry import Registry
from genai_guard.sanitize import PayloadDecoder

REGISTRY = Registry.builtin(entry_points=False)


def _type(name: str) -> StageType:
    found = REGISTRY.get(name)
    assert found is not None
    return found


@pytest.mark.parametrize("type_name", REGISTRY.names)
def test_every_type_builds_from_its_defaults(type_name: str, tmp_path: Path) -> None:
    st_ = _type(type_name)
    options = _minimal(type_name)
    if type_name == "transformer_classifier":
        options["model_path"] = str(tmp_path)
    built = st_.factory(st_.options.model_validate(options), "step")
    assert built.name == "step"
    signature = inspect.signature(type(built))
    own = st_.options.model_fields.keys() - st_.options.__base__.model_fields.keys()
    derived = {st_.options.model_fields[f].alias or f: st_.options.model_fields[f] for f in own}
    for name, param in signature.parameters.items():
        if name in derived and not derived[name].is_required():
            assert derived[name].default == param.default, (type_name, name)


def _minimal(type_name: str) -> dict[str, Any]:
    return {
        "token_budget": {"max_tokens": 10, "encoding_file": None},
        "json_schema": {"schema": {"type": "object"}},
    }.get(type_name, {})


def test_builtin_options_are_the_constructor_keywords() -> None:
    fields = set(_type("payload_decoder").options.model_fields)
    assert fields == set(inspect.signature(PayloadDecoder).parameters) - {"name"}


def test_reserved_field_names_keep_their_policy_key() -> None:
    st_ = _type("json_schema")
    assert "schema" in st_.options.model_json_schema()["properties"]
    built = st_.factory(st_.options.model_validate({"schema": {"type": "object"}}), "json")
    assert built.check('{"a": 1}', Context()).findings == ()
    assert built.check("[1]", Context()).findings != ()


def test_descriptions_come_from_the_docstring() -> None:
    props = _type("unicode").options.model_json_schema()["properties"]
    assert props["max_spans"]["description"].startswith("Most spans listed")


def test_bounds_in_the_signature_give_dotted_policy_errors() -> None:
    policy = {
        "version": 1,
        "name": "bounds",
        "input": [{"type": "unicode"}, {"type": "payload_decoder", "max_depth": 9}],
        "output": [{"type": "json_schema"}],
    }
    with pytest.raises(PolicyError) as info:
        validate_policy(policy, registry=REGISTRY)
    paths = [path for path, _ in info.value.problems]
    assert paths == ["input[1].max_depth", "output[0].schema"]


class _Stage:
    """A test stage.

    Args:
        name: Step name.
        size: How big.
    """

    def __init__(self, *, name: str = "s", size: int = 3, secret: object = None) -> None:
        self.name = name
        self.size = size
        self.secret = secret


class _Extra(PolicyOptions):
    boost: int = 1


def test_policy_only_options_go_to_the_build_function() -> None:
    def build(o: _Extra, step_id: str, kwargs: dict[str, Any]) -> _Stage:
        return _Stage(name=step_id, size=kwargs["size"] * o.boost)

    t = stage_type(
        _Stage, "t", kind="detector", description="", exclude={"secret"}, extra=_Extra, build=build
    )
    built = t.factory(t.options.model_validate({"size": 2, "boost": 5}), "step")
    assert (built.name, built.size) == ("step", 10)


def test_unannotated_parameters_are_refused() -> None:
    class Bare:
        def __init__(self, *, name: str = "b", size=3) -> None:  # type: ignore[no-untyped-def]
            del name, size

    with pytest.raises(TypeError, match="no annotation"):
        options_model(Bare, type_name="bare")


def test_exclusions_must_name_parameters() -> None:
    with pytest.raises(TypeError, match="not parameters"):
        options_model(_Stage, type_name="t", exclude={"sise"})


def test_extra_options_need_a_build_function() -> None:
    with pytest.raises(TypeError, match="build function"):
        stage_type(_Stage, "t", kind="detector", description="", extra=_Extra)


def test_unknown_keys_are_errors() -> None:
    model, _ = options_model(_Stage, type_name="t", exclude={"secret"})
    with pytest.raises(ValidationError):
        model.model_validate({"sise": 3})


def _bounded() -> list[tuple[str, str]]:
    return [
        (t.name, field)
        for t in REGISTRY.types
        for field, info in t.options.model_fields.items()
        if info.annotation in (int, float) and info.metadata and t.name != "transformer_classifier"
    ]


@pytest.mark.parametrize(("type_name", "field"), _bounded())
@settings(max_examples=30, deadline=None)
@given(value=st.one_of(st.integers(-3, 70), st.floats(-1.0, 2.0, allow_nan=False)))
def test_every_bound_a_policy_passes_the_stage_accepts(
    type_name: str, field: str, value: float
) -> None:
    st_ = _type(type_name)
    try:
        opts = st_.options.model_validate({**_minimal(type_name), field: value})
    except ValidationError:
        return
    st_.factory(opts, "step")  # raises if the policy let through what the stage refuses


def test_required_options_are_not_nullable() -> None:
    with pytest.raises(PolicyError) as info:
        validate_policy(
            {"version": 1, "name": "n", "output": [{"type": "json_schema", "schema": None}]},
            registry=REGISTRY,
        )
    assert [path for path, _ in info.value.problems] == ["output[0].schema"]


def test_one_docstring_line_may_describe_several_parameters() -> None:
    props = _type("pii").options.model_json_schema()["properties"]
    assert props["engine"]["description"] == props["max_chars"]["description"]
    assert "PIIDetector" in props["engine"]["description"]
