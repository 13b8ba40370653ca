"""Tests of the generated part of the Python package (prove_sdk._generated) and its base
(prove_sdk._model). Pure Python: no native module is needed.

Run from the repository root: ``python3 python/tests/test_generated.py`` (or
``python3 -m unittest discover -s python/tests``).
"""
from __future__ import annotations

import copy
import json
import keyword
import pickle
import sys
import types
import typing
import unittest
from pathlib import Path
from typing import Any, Dict, List, Set, Type

PYTHON_DIR = Path(__file__).resolve().parents[1]
REPO = PYTHON_DIR.parent

# Import the package's modules from the source tree without running prove_sdk/__init__.py, which
# may load the native module: a bare package object stands in for it.
if "prove_sdk" not in sys.modules:
    _pkg = types.ModuleType("prove_sdk")
    _pkg.__path__ = [str(PYTHON_DIR / "prove_sdk")]
    sys.modules["prove_sdk"] = _pkg

from prove_sdk import _model  # noqa: E402
from prove_sdk._generated import enums, errors, methods, models  # noqa: E402
from prove_sdk._model import REDACTED, Model  # noqa: E402

MODEL_CLASSES: List[Type[Model]] = [getattr(models, name) for name in models.__all__]


def _sample(expr: str, depth: int = 0) -> Any:
    """A value of the type expression (models with their required fields only)."""
    if expr.startswith("union<"):
        # The first alternative (unions hold only refs and scalars, no nested '|').
        return _sample(expr[len("union<") : -1].split("|")[0], depth)
    if expr.startswith("array<"):
        return [_sample(expr[len("array<") : -1], depth)]
    if expr.startswith("map<"):
        return {"k": _sample(expr[len("map<") : -1], depth)}
    if expr.startswith("ref:"):
        cls = getattr(models, expr[len("ref:") :])
        return {f.wire: _sample(f.type, depth + 1) for f in _model.fields(cls) if f.required or depth == 0}
    if expr.startswith("enum:"):
        return enums.KNOWN_VALUES[expr[len("enum:") :]][0]
    return {"string": "s", "boolean": False, "integer": 7, "number": 1.5, "object": {"o": [1]}}[expr]


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


class Models(unittest.TestCase):
    NESTED: Dict[str, Any] = {
        "success": True,
        "next": {"v3-complete": "/v3/complete", "v4-future": "/v4/future"},
        "evaluation": {"risk": {"result": "pass", "reasons": ["A1"], "deep": {"x": [1, 2]}}},
        "individual": {
            "firstName": "Tod",
            "lastName": "Weedall",
            "dob": "1984-12-10",
            "emailAddresses": ["tod@example.com"],
            "addresses": [
                {"address": "39 South Trail", "city": "San Antonio", "region": "TX", "geo": {"lat": 1}},
                {"region": "CA"},
            ],
            "futureIndividualField": "kept",
        },
        "futureTopLevel": {"a": [1, {"b": None}]},
    }

    def test_nested_round_trip_keeps_unknown_keys(self) -> None:
        data = copy.deepcopy(self.NESTED)
        r = models.ChallengeResponse.from_dict(data)
        self.assertIsInstance(r.individual, models.ChallengeIndividual)
        assert r.individual is not None and r.individual.addresses is not None
        self.assertIsInstance(r.individual.addresses[0], models.ChallengeAddress)
        self.assertEqual(r.individual.first_name, "Tod")
        self.assertEqual(r.individual.email_addresses, ["tod@example.com"])
        self.assertEqual(r.individual.addresses[1].region, "CA")
        self.assertIsNone(r.individual.addresses[1].city)
        self.assertEqual(r.next["v4-future"], "/v4/future")
        self.assertEqual(dict(r.unknown_fields), {"futureTopLevel": {"a": [1, {"b": None}]}})
        self.assertEqual(dict(r.individual.unknown_fields), {"futureIndividualField": "kept"})
        self.assertEqual(dict(r.individual.addresses[0].unknown_fields), {"geo": {"lat": 1}})
        self.assertEqual(r.to_dict(), self.NESTED)
        # The model shares nothing with its input or its output.
        data["individual"]["addresses"][0]["geo"]["lat"] = 2
        out = r.to_dict()
        out["evaluation"]["risk"]["deep"]["x"].append(3)
        out["futureTopLevel"]["a"].append(2)
        self.assertEqual(r.to_dict(), self.NESTED)

    def test_to_dict_omits_unset_fields_and_from_dict_treats_null_as_absent(self) -> None:
        a = models.Address(city="Austin")
        self.assertEqual(a.to_dict(), {"city": "Austin"})
        self.assertIsNone(a.region)
        b = models.Address.from_dict({"city": "Austin", "region": None})
        self.assertEqual(b, a)
        self.assertEqual(b.to_dict(), {"city": "Austin"})

    def test_keyword_constructor_uses_snake_case_and_checks_names(self) -> None:
        req = models.StartRequest(flow_type="mobile", phone_number="2001001695", allow_otp_retry=False)
        self.assertEqual(
            req.to_dict(), {"flowType": "mobile", "phoneNumber": "2001001695", "allowOTPRetry": False}
        )
        with self.assertRaisesRegex(TypeError, "unexpected keyword argument 'phone'"):
            models.StartRequest(flow_type="mobile", phone="x")  # type: ignore[call-arg]
        with self.assertRaisesRegex(TypeError, "missing required keyword argument.*flow_type"):
            models.StartRequest(phone_number="x")  # type: ignore[call-arg]
        with self.assertRaises(TypeError):
            typing.cast(Any, models.StartRequest)("mobile")
        # Nested models given to the constructor are written with wire names.
        done = models.CompleteRequest(
            correlation_id="c", individual=models.CompleteIndividual(first_name="Tod", last_name="W")
        )
        self.assertEqual(
            done.to_dict(), {"correlationId": "c", "individual": {"firstName": "Tod", "lastName": "W"}}
        )

    def test_equality(self) -> None:
        a = models.ChallengeResponse.from_dict(copy.deepcopy(self.NESTED))
        b = models.ChallengeResponse.from_dict(copy.deepcopy(self.NESTED))
        self.assertEqual(a, b)
        self.assertFalse(a != b)
        assert b.individual is not None
        b.individual.first_name = "Other"
        self.assertNotEqual(a, b)
        c = models.ChallengeResponse.from_dict({**self.NESTED, "futureTopLevel": 2})
        self.assertNotEqual(a, c, "unknown keys count")
        self.assertNotEqual(a, a.to_dict())
        self.assertNotEqual(models.Address(region="CA"), models.CompleteAddress(region="CA"))
        with self.assertRaises(TypeError):
            hash(a)

    def test_repr_redacts_sensitive_fields(self) -> None:
        r = models.ChallengeResponse.from_dict(copy.deepcopy(self.NESTED))
        text = repr(r)
        for secret in ("Tod", "Weedall", "1984-12-10", "tod@example.com", "39 South Trail", "San Antonio"):
            self.assertNotIn(secret, text)
        self.assertIn(f"first_name={REDACTED}", text)
        self.assertIn(f"city={REDACTED}", text)
        self.assertIn("region='TX'", text)
        self.assertIn("success=True", text)
        # Unknown keys are named, their values hidden.
        self.assertIn(f"unknown_fields={{'futureTopLevel': {REDACTED}}}", text)
        self.assertNotIn("lat", text)
        self.assertNotIn("kept", text)
        started = models.StartResponse(auth_token="secret-token", correlation_id="c-1", next={})
        self.assertNotIn("secret-token", repr(started))
        self.assertIn("correlation_id='c-1'", repr(started))
        self.assertNotIn("2001001695", repr(models.MobileNumberInput(mobile_number="2001001695")))

    def test_from_dict_checks_types_and_required_fields_without_echoing_values(self) -> None:
        with self.assertRaisesRegex(TypeError, r"ChallengeResponse\.individual\.firstName: expected string") as cm:
            models.ChallengeResponse.from_dict({"next": {}, "success": True, "individual": {"firstName": 123456}})
        self.assertNotIn("123456", str(cm.exception))
        with self.assertRaisesRegex(TypeError, r"addresses\[0\]: expected an object"):
            models.ChallengeIndividual.from_dict({"addresses": ["39 South Trail"]})
        with self.assertRaisesRegex(ValueError, "StartResponse: missing required field.*correlationId"):
            models.StartResponse.from_dict({"authToken": "t", "next": {}})
        with self.assertRaises(TypeError):
            models.StartResponse.from_dict([])  # type: ignore[arg-type]
        with self.assertRaisesRegex(TypeError, "expected boolean"):
            models.ValidateResponse.from_dict({"success": "yes", "challengeMissing": False, "next": {}})
        # Integers are not booleans, but integral floats are integers.
        with self.assertRaises(TypeError):
            models.AuthContinueResponseError.from_dict({"message": "m", "code": True})
        self.assertEqual(models.AuthContinueResponseError.from_dict({"message": "m", "code": 4.0}).code, 4)

    def test_unknown_enum_values_are_kept_as_plain_strings(self) -> None:
        req = models.StartRequest.from_dict({"flowType": "hologram"})
        self.assertEqual(req.flow_type, "hologram")
        self.assertIs(type(req.flow_type), str)
        self.assertEqual(req.to_dict(), {"flowType": "hologram"})

    def test_models_pickle(self) -> None:
        r = models.ChallengeResponse.from_dict(copy.deepcopy(self.NESTED))
        back = pickle.loads(pickle.dumps(r))
        self.assertEqual(back, r)
        self.assertEqual(back.to_dict(), self.NESTED)

    def test_every_model_round_trips_with_every_field(self) -> None:
        for cls in MODEL_CLASSES:
            with self.subTest(model=cls.__name__):
                data = _sample(f"ref:{cls.__name__}")
                self.assertEqual(cls.from_dict(data).to_dict(), data)
                # The keyword constructor takes the same values under the snake_case names.
                obj = cls.from_dict(data)
                rebuilt = cls(**{f.name: getattr(obj, f.name) for f in _model.fields(cls)})
                self.assertEqual(rebuilt, obj)

    def test_attribute_names_are_valid_distinct_snake_case(self) -> None:
        reserved = {"to_dict", "from_dict", "unknown_fields"}
        for cls in MODEL_CLASSES:
            names: Set[str] = set()
            for f in _model.fields(cls):
                with self.subTest(model=cls.__name__, wire=f.wire):
                    self.assertTrue(f.name.isidentifier())
                    self.assertFalse(keyword.iskeyword(f.name))
                    self.assertNotIn(f.name, reserved)
                    self.assertEqual(f.name, f.name.lower())
                    self.assertFalse(f.name.startswith("_"))
                    self.assertNotIn(f.name, names)
                    names.add(f.name)
                    # No class attribute (e.g. a method) is shadowed by a field.
                    self.assertFalse(hasattr(cls, f.name), f.name)
        by_wire = {f.wire: f.name for f in _model.fields(models.StartRequest)}
        self.assertEqual(by_wire["allowOTPRetry"], "allow_otp_retry")
        self.assertEqual(by_wire["finalTargetUrl"], "final_target_url")
        by_wire = {f.wire: f.name for f in _model.fields(models.IdvDataInternal)}
        self.assertEqual(by_wire["multiCIPConfidence"], "multi_cip_confidence")
        self.assertEqual(by_wire["dataSource1"], "data_source1")

    def test_every_request_vector_round_trips(self) -> None:
        cases = json.loads((REPO / "tests/vectors/requests.json").read_text())["cases"]
        for case in cases:
            info = methods.METHODS_BY_NAME.get(case["method"])
            with self.subTest(case=case.get("name", case["method"])):
                assert info is not None, case["method"]
                # A null input stands for "no input".
                wire = case["input"] if case["input"] is not None else {}
                req = info.request_type.from_dict(wire)
                self.assertEqual(req.to_dict(), _without_nulls(wire))
                self.assertEqual(dict(req.unknown_fields), {})

    def test_batch_enrol_items_are_read_as_the_shape_they_have(self) -> None:
        wire = {
            "items": [
                {"phoneNumber": "2001004031", "clientCustomerId": "c-1"},
                {"clientName": "Partner", "identityId": "7f1c1a52", "pcid": "pcid-1"},
            ]
        }
        req = models.BatchEnrollIdentitiesRequest.from_dict(copy.deepcopy(wire))
        assert req.items is not None
        self.assertIsInstance(req.items[0], models.EnrollIdentityItem)
        self.assertIsInstance(req.items[1], models.IdentityItem)
        self.assertEqual(req.to_dict(), wire)
        built = models.BatchEnrollIdentitiesRequest(
            items=[
                models.EnrollIdentityItem(phone_number="2001004031", client_customer_id="c-1"),
                models.IdentityItem(client_name="Partner", identity_id="7f1c1a52", pcid="pcid-1"),
            ]
        )
        self.assertEqual(built, req)
        # An item of neither shape fits no alternative; the message names where, not what.
        with self.assertRaisesRegex(TypeError, r"items\[0\]: fits none of the alternatives") as cm:
            models.BatchEnrollIdentitiesRequest.from_dict({"items": [{"clientName": "Secretive"}]})
        self.assertNotIn("Secretive", str(cm.exception))
        with self.assertRaisesRegex(ValueError, "unknown type expression"):
            _model.field("x", "union<ref:A>")

    def test_base_refuses_bad_declarations(self) -> None:
        with self.assertRaisesRegex(ValueError, "unknown type expression"):
            _model.field("x", "strng")
        with self.assertRaisesRegex(ValueError, "default can only be None"):
            _model.field("x", "string", default=1)
        with self.assertRaisesRegex(TypeError, "declared twice"):

            class Twice(Model):
                a: typing.Optional[str] = _model.field("x", "string", default=None)
                b: typing.Optional[str] = _model.field("x", "string", default=None)


class Enums(unittest.TestCase):
    def test_known_values_match_the_literals(self) -> None:
        self.assertTrue(enums.KNOWN_VALUES)
        for name, values in enums.KNOWN_VALUES.items():
            with self.subTest(enum=name):
                self.assertEqual(typing.get_args(getattr(enums, f"Known{name}")), values)
                self.assertEqual(typing.get_args(getattr(enums, name))[-1], str)
        self.assertIn("mobile", enums.KNOWN_VALUES["FlowType"])


class Errors(unittest.TestCase):
    DETAILS: Dict[str, Any] = {
        "message": "slow down",
        "status": 429,
        "code": 1000,
        "field": "phoneNumber",
        "retryAfterMs": 1500,
        "requestId": "req-1",
        "correlationId": "corr-1",
        "operation": "V3StartRequest",
    }

    def test_kind_mapping_is_complete(self) -> None:
        self.assertEqual(len(errors.ERROR_KINDS), 10)
        self.assertEqual(list(errors.ERROR_CLASSES), list(errors.ERROR_KINDS))
        self.assertEqual(list(typing.get_args(errors.ErrorKind)), list(errors.ERROR_KINDS))
        for kind, cls in errors.ERROR_CLASSES.items():
            self.assertEqual(cls.__name__, f"{kind}Error")
            self.assertEqual(cls.KIND, kind)
            self.assertTrue(issubclass(cls, errors.ProveError) and cls is not errors.ProveError)
            self.assertIs(getattr(errors, cls.__name__), cls)
            self.assertTrue(cls.__doc__)
        with self.assertRaises(TypeError):
            errors.ERROR_CLASSES["Validation"] = errors.ProveError  # type: ignore[index]

    def test_every_class_pickles_with_every_attribute(self) -> None:
        for kind in errors.ERROR_KINDS:
            with self.subTest(kind=kind):
                err = errors.from_details({**self.DETAILS, "kind": kind})
                self.assertIs(type(err), errors.ERROR_CLASSES[kind])
                setattr(err, "__notes__", ["a note"])  # add_note() is Python 3.11+
                back = pickle.loads(pickle.dumps(err, protocol=pickle.HIGHEST_PROTOCOL))
                self.assertIs(type(back), type(err))
                for attr in ("kind", "message", "status", "code", "field", "retry_after", "request_id",
                             "correlation_id", "operation"):
                    self.assertEqual(getattr(back, attr), getattr(err, attr), attr)
                self.assertEqual(back.kind, kind)
                self.assertEqual(back.retry_after, 1.5)
                self.assertEqual(str(back), "slow down")
                self.assertEqual(back.args, ("slow down",))
                self.assertEqual(getattr(back, "__notes__"), ["a note"])
                self.assertEqual(back.to_dict(), {**self.DETAILS, "kind": kind})
                self.assertEqual(repr(back), repr(err))

    def test_from_details(self) -> None:
        err = errors.from_details({"kind": "NotFound", "message": "Identity Not Found", "status": 404})
        self.assertIsInstance(err, errors.NotFoundError)
        self.assertIsInstance(err, Exception)
        self.assertEqual((err.kind, err.status, err.code, err.retry_after), ("NotFound", 404, None, None))
        self.assertEqual(err.to_dict(), {"kind": "NotFound", "message": "Identity Not Found", "status": 404})
        future = errors.from_details({"kind": "Quota", "message": "m"})
        self.assertIs(type(future), errors.ProveError)
        self.assertEqual(future.kind, "Quota")
        self.assertEqual(errors.from_details({}).message, "error")
        self.assertEqual(errors.from_details({"kind": "Auth"}).message, "Auth")
        odd = errors.from_details({"kind": "Api", "message": "m", "status": "500", "retryAfterMs": True})
        self.assertEqual((odd.status, odd.retry_after), (None, None))
        self.assertEqual(errors.ValidationError("bad").kind, "Validation")
        self.assertEqual(errors.ProveError("bad").kind, "Api")

    def test_repr_shows_only_the_error_fields(self) -> None:
        err = errors.from_details({**self.DETAILS, "kind": "Auth", "clientSecret": "hunter2", "token": "tok"})
        text = repr(err)
        self.assertTrue(text.startswith("AuthError(kind='Auth', message='slow down', status=429"))
        self.assertIn("retry_after=1.5", text)
        self.assertNotIn("hunter2", text)
        self.assertNotIn("tok'", text)
        self.assertNotIn("hunter2", repr(err.to_dict()))
        self.assertEqual(repr(errors.ApiError("m")), "ApiError(kind='Api', message='m')")


class Methods(unittest.TestCase):
    def test_table(self) -> None:
        names = [m.name for m in methods.METHODS]
        self.assertEqual(len(names), len(set(names)))
        self.assertGreaterEqual(len(names), 30)
        self.assertEqual(names[0], "flow.start")
        self.assertEqual(set(methods.METHODS_BY_NAME), set(names))
        for m in methods.METHODS:
            with self.subTest(method=m.name):
                self.assertTrue(issubclass(m.request_type, Model))
                self.assertTrue(issubclass(m.response_type, Model))
                self.assertTrue(all(part.isidentifier() for part in m.python_name.split(".")))
                self.assertTrue(m.operation_id)
                self.assertEqual(
                    m.client_request_id,
                    any(f.wire == "clientRequestId" for f in _model.fields(m.request_type)),
                )
        self.assertEqual(methods.METHODS_BY_NAME["auth.continue"].python_name, "auth.continue_")
        start = methods.METHODS_BY_NAME["flow.start"]
        self.assertIs(start.request_type, models.StartRequest)
        self.assertIs(start.response_type, models.StartResponse)

    def test_table_matches_the_node_package(self) -> None:
        text = (REPO / "node/lib/generated/methods.cjs").read_text()
        node = json.loads(text[text.index("module.exports = ") + len("module.exports = ") : text.rindex(";")])
        self.assertEqual(
            [(m["name"], m["operationId"], m["requestType"], m["responseType"], m["clientRequestId"]) for m in node],
            [
                (m.name, m.operation_id, m.request_type.__name__, m.response_type.__name__, m.client_request_id)
                for m in methods.METHODS
            ],
        )


if __name__ == "__main__":
    unittest.main()
