"""Every guide flow of the server guides, end to end against the sandbox, with both clients."""
from __future__ import annotations

import asyncio
import http.server
import threading
import uuid
from typing import Any, Iterator, List, Tuple

import pytest

from prove_sdk import NotFoundError, ProveError, StepOutOfOrderError, verify_webhook
from prove_sdk.models import CompleteIndividual
from prove_sdk.testing import Sandbox

from conftest import Blocking


def test_prefill_with_challenge(api: Blocking) -> None:
    s = api.flow.start(flow_type="mobile", phone_number="2001001695")
    assert len(s.correlation_id) == 36 and "v3-validate" in s.next
    v = api.flow.validate(correlation_id=s.correlation_id)
    assert v.success is True and "v3-challenge" in v.next
    c = api.flow.challenge(correlation_id=s.correlation_id, dob="1981-01-17")
    assert c.success is True and "v3-complete" in c.next
    ind = c.individual
    assert ind is not None and ind.first_name == "Milo" and ind.last_name == "Pinson"
    assert ind.addresses
    done = api.flow.complete(
        correlation_id=s.correlation_id,
        individual=CompleteIndividual(
            first_name=ind.first_name,
            last_name=ind.last_name,
            dob="1981-01-17",
            ssn="847350596",
        ),
    )
    assert done.success is True and "done" in done.next
    with pytest.raises(StepOutOfOrderError) as e:
        api.flow.validate(correlation_id=s.correlation_id)
    assert e.value.correlation_id == s.correlation_id and e.value.status == 403


def test_a_step_out_of_order(api: Blocking) -> None:
    s = api.flow.start(flow_type="mobile", phone_number="2001001695")
    with pytest.raises(StepOutOfOrderError) as e:
        api.flow.complete(correlation_id=s.correlation_id, individual={"firstName": "A", "lastName": "B"})
    assert e.value.code in (1003, 8003) and e.value.operation == "V3CompleteRequest"


def test_identity_without_challenge(api: Blocking) -> None:
    s = api.flow.start(flow_type="mobile", phone_number="2001004000")
    v = api.flow.validate(correlation_id=s.correlation_id)
    assert v.success is True and "v3-complete" in v.next and "v3-challenge" not in v.next
    done = api.flow.complete(
        correlation_id=s.correlation_id,
        individual=CompleteIndividual(first_name="Martina", last_name="Goodram", dob="1995-07-26"),
    )
    assert done.success is True


def test_prefill_with_desktop_possession(api: Blocking, prove_sandbox: Sandbox) -> None:
    request = {
        "flowType": "desktop",
        "phoneNumber": "2001001693",
        "finalTargetUrl": "https://www.example.com",
        "ssn": "470806227",
    }
    s = api.flow.start(request)
    assert api.flow.validate(correlation_id=s.correlation_id).success is False
    s2 = api.flow.start(request)
    prove_sandbox.possession(s2.correlation_id, "success")
    assert api.flow.validate(correlation_id=s2.correlation_id).success is True


def test_verified_users(api: Blocking, prove_sandbox: Sandbox) -> None:
    v = api.verified_users.verify_with_possession(
        first_name="Addy", last_name="Epinay", phone_number="2001004010", possession_type="mobile"
    )
    assert v.success == "pending"
    prove_sandbox.possession(v.correlation_id, "success")
    assert api.verified_users.verify_status(correlation_id=v.correlation_id).success == "true"

    d = api.verified_users.verify_with_possession(
        first_name="Addy",
        last_name="Epinay",
        phone_number="2001004010",
        possession_type="desktop",
        final_target_url="https://www.example.com",
    )
    assert api.verified_users.verify_status(correlation_id=d.correlation_id).success == "pending"
    prove_sandbox.possession(d.correlation_id, "success")
    assert api.verified_users.verify_status(correlation_id=d.correlation_id).success == "true"

    n = api.verified_users.verify_with_possession(
        first_name="Sheilakathryn", last_name="Butrimovich", phone_number="2001004011", possession_type="none"
    )
    assert n.success == "true"
    w = api.verified_users.verify(
        phone_number="2001004053", verification_type="verifiedUser", first_name="Elena", last_name="Coldman"
    )
    assert w.success == "true" and w.identity is not None and isinstance(w.identity.assurance_level, str)


def test_unified_authentication(api: Blocking, prove_sandbox: Sandbox) -> None:
    u = api.unify.unify(
        client_request_id=str(uuid.uuid4()),
        possession_type="desktop",
        phone_number="2001004014",
        final_target_url="https://www.example.com",
    )
    assert u.success == "pending"
    prove_sandbox.possession(u.correlation_id, "success")
    assert api.unify.status(correlation_id=u.correlation_id).success == "true"

    m = api.unify.unify(client_request_id=str(uuid.uuid4()), possession_type="mobile", phone_number="2001004014")
    prove_sandbox.possession(m.correlation_id, "otp", otp="1234")
    st = api.unify.status(correlation_id=m.correlation_id)
    assert st.success == "true" and st.device_id, "a Prove Key is registered"
    again = api.unify.unify(
        client_request_id=str(uuid.uuid4()), possession_type="mobile", phone_number="2001004014", device_id=st.device_id
    )
    assert api.unify.status(correlation_id=again.correlation_id).success == "true"

    c = api.unify.unify(client_request_id=str(uuid.uuid4()), possession_type="none", phone_number="2001004015")
    assert api.unify.status(correlation_id=c.correlation_id).success == "possession_required"
    b = api.unify.bind(correlation_id=c.correlation_id, phone_number="2001004015")
    assert b.success == "true" and b.device_id


def _identity_manager(api: Blocking, prove_sandbox: Sandbox, pages: List[Any], items: List[Any]) -> None:
    e = api.identity_manager.enroll(phone_number="2001004031", client_customer_id="customer-1")
    assert e.success is True and e.prove_id
    b = api.identity_manager.batch_enroll(items=[{"phoneNumber": "2001004035"}, {"phoneNumber": "2001004036"}])
    assert len(b.results) == 2
    assert len(pages) >= 2, "several pages"
    from_pages = [i for p in pages for i in p.results]
    assert len(from_pages) == 3
    assert sorted(i.prove_id for i in items) == sorted(i.prove_id for i in from_pages)
    everything = api.identity_manager.list_all(limit=2)
    assert len(everything.results) == 3 and everything.pages == len(pages)
    first = api.identity_manager.batch_get(limit=2)
    assert len(first.results) == 2 and first.last_key
    second = api.identity_manager.batch_get(limit=2, start_key=first.last_key)
    assert len(second.results) == 1
    assert api.identity_manager.get(prove_id=e.prove_id).prove_id == e.prove_id
    found = api.identity_manager.lookup_by_phone(mobile_number="2001004031")
    assert any(i.prove_id == e.prove_id for i in found.items)
    assert api.identity_manager.deactivate(prove_id=e.prove_id).success is True
    assert api.identity_manager.get(prove_id=e.prove_id).active is False
    assert api.identity_manager.activate(prove_id=e.prove_id).success is True
    assert api.identity_manager.disenroll(prove_id=e.prove_id).success is True
    with pytest.raises(NotFoundError) as gone:
        api.identity_manager.get(prove_id=e.prove_id)
    assert gone.value.status == 404


def test_identity_manager_with_the_sync_iterators(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.client()
    from conftest import blocking

    api = blocking(client)
    # Enrol first, then list through the iterators the checks below compare with.
    api.identity_manager.enroll(phone_number="2001004031", client_customer_id="customer-1")
    api.identity_manager.batch_enroll(items=[{"phoneNumber": "2001004035"}, {"phoneNumber": "2001004036"}])
    pages = list(client.identity_manager.pages(limit=2))
    items = list(client.identity_manager.list(limit=1))
    prove_sandbox.control("reset")
    _identity_manager(api, prove_sandbox, pages, items)


def test_identity_manager_with_the_async_iterators(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.async_client()
    from conftest import blocking

    api = blocking(client)
    api.identity_manager.enroll(phone_number="2001004031", client_customer_id="customer-1")
    api.identity_manager.batch_enroll(items=[{"phoneNumber": "2001004035"}, {"phoneNumber": "2001004036"}])

    async def collect() -> Tuple[List[Any], List[Any]]:
        pages = [p async for p in client.identity_manager.pages(limit=2)]
        items = [i async for i in client.identity_manager.list(limit=1)]
        return pages, items

    pages, items = asyncio.run(collect())
    prove_sandbox.control("reset")
    _identity_manager(api, prove_sandbox, pages, items)


def test_a_listing_error_ends_the_iteration_by_raising(prove_client: Any) -> None:
    with pytest.raises(ProveError) as e:
        list(prove_client.identity_manager.pages(limit=500))
    assert e.value.field == "limit" and e.value.status is None


class _Receiver(http.server.BaseHTTPRequestHandler):
    secret = "whsec-test"
    received: List[Any] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            payload = verify_webhook(self.headers.get("X-Prove-Authorization"), body, [self.secret])
        except ProveError:
            self.send_response(401)
        else:
            type(self).received.append(payload)
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Tuple[str, Any]]:
    _Receiver.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook", _Receiver
    finally:
        server.shutdown()
        server.server_close()


def test_a_webhook_delivered_over_http_is_verified_and_parsed(prove_sandbox: Sandbox, receiver: Any) -> None:
    url, handler = receiver
    assert prove_sandbox.deliver_webhook(url, handler.secret, event_type="DISCONNECT") == 204
    [payload] = handler.received
    [n] = payload.notifications
    assert n.event_type == "DISCONNECT" and n.event_id and n.identity_id
    assert n.event_time is not None
    assert prove_sandbox.deliver_webhook(url, "another-secret") == 401
