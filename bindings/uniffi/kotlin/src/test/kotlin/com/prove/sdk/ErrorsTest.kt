package com.prove.sdk

import com.prove.sdk.models.*
import java.util.UUID
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** Every error kind, raised for real, with its subclass, kind and fields. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private val sandbox = TestSandbox()
    private val client = sandbox.client()

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    private inline fun <reified E : ProveException> raised(kind: ErrorKind, noinline call: suspend () -> Any?): E {
        val e = assertThrows<E> { runBlocking { call() } }
        assertEquals(kind, e.kind, e.toString())
        assertTrue(e.reason.isNotEmpty())
        assertTrue(e.message!!.contains("reason="), e.message)
        assertTrue(e.toString().startsWith(kindName(kind) + ": "), e.toString())
        return e
    }

    private fun kindName(kind: ErrorKind) = kind.name.split('_').joinToString("") { it.lowercase().replaceFirstChar(Char::uppercase) }

    private fun fault(json: String) = sandbox.fault(JSONObject(json))

    @Test
    fun everyKindWithItsFields() {
        runBlocking { client.domain.id() } // a token first, so that faults hit the operations
        // Validation before the network: the field, no status.
        val v = raised<ProveException.Validation>(ErrorKind.VALIDATION) {
            client.flow.start(StartRequest(flowType = FlowType.Desktop, phoneNumber = "2001001693"))
        }
        assertEquals("finalTargetUrl", v.field)
        assertNull(v.status)
        // Validation from Prove (400): status and code.
        val v400 = raised<ProveException.Validation>(ErrorKind.VALIDATION) {
            client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001009999"))
        }
        assertEquals(400, v400.status)
        assertNotNull(v400.code)
        assertEquals("V3StartRequest", v400.operation)
        // Auth: wrong credentials.
        ProveClient(sandbox.settings().copy(clientSecret = "wrong-secret")).use { bad ->
            val a = raised<ProveException.Auth>(ErrorKind.AUTH) { bad.domain.id() }
            assertEquals(401, a.status)
            assertEquals(8002L, a.code)
            assertFalse(a.toString().contains("wrong-secret"))
        }
        // RateLimited, with Retry-After and the request id of the call.
        fault("""{"kind":"status","status":429,"retryAfter":2,"path":"/v3/identity","count":1}""")
        val r = raised<ProveException.RateLimited>(ErrorKind.RATE_LIMITED) {
            client.identityManager.enroll(EnrollIdentityRequest(phoneNumber = "2001004031", clientRequestId = "req-429"))
        }
        assertEquals(429, r.status)
        assertEquals(2000L, r.retryAfterMs)
        assertEquals("req-429", r.requestId)
        assertTrue(r.operation!!.contains("Enroll"), r.operation)
        // StepOutOfOrder, with the correlation id.
        val started = runBlocking { client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695")) }
        val s = raised<ProveException.StepOutOfOrder>(ErrorKind.STEP_OUT_OF_ORDER) {
            client.flow.complete(CompleteRequest(correlationId = started.correlationId, individual = CompleteIndividual(firstName = "A", lastName = "B")))
        }
        assertEquals(403, s.status)
        assertTrue(s.code in listOf(1003L, 8003L), "${s.code}")
        assertEquals(started.correlationId, s.correlationId)
        assertEquals("V3CompleteRequest", s.operation)
        // NotFound.
        val n = raised<ProveException.NotFound>(ErrorKind.NOT_FOUND) { client.identityManager.get(UUID.randomUUID().toString()) }
        assertEquals(404, n.status)
        // Api (5xx).
        fault("""{"kind":"status","status":500,"path":"/v3/domain/id","count":1}""")
        val api = raised<ProveException.Api>(ErrorKind.API) { client.domain.id() }
        assertEquals(500, api.status)
        assertEquals(8000L, api.code)
        // Timeout.
        fault("""{"kind":"latency","ms":1000,"path":"/v3/domain/id","count":1}""")
        raised<ProveException.Timeout>(ErrorKind.TIMEOUT) { client.domain.id(CallOptions(timeoutMs = 100.0)) }
        // Transport: the connection dropped without an answer.
        fault("""{"kind":"drop","path":"/v3/domain/linked","count":1}""")
        val t = raised<ProveException.Transport>(ErrorKind.TRANSPORT) { client.domain.linked() }
        assertNull(t.status)
        // Decode: malformed JSON.
        fault("""{"kind":"malformedJson","path":"/v3/domain/id","count":1}""")
        raised<ProveException.Decode>(ErrorKind.DECODE) { client.domain.id() }
        // Webhook.
        raised<ProveException.Webhook>(ErrorKind.WEBHOOK) { verifyWebhook("Bearer not.a.jwt", "{}", listOf("s")) }
        sandbox.clearFaults()
        // Every kind of the core has its subclass.
        assertEquals(10, ErrorKind.entries.size)
    }

    @Test
    fun validationNamesTheFieldOfEveryShape() = runBlocking<Unit> {
        val cases = listOf<Pair<String, suspend () -> Any?>>(
            "phoneNumber" to { client.identityManager.enroll(EnrollIdentityRequest(phoneNumber = "call me")) },
            "correlationId" to { client.flow.validate(ValidateRequest(correlationId = "not-a-uuid")) },
            "dob" to { client.flow.challenge(ChallengeRequest(correlationId = UUID.randomUUID().toString(), dob = "17/01/1981")) },
            "ssn" to { client.flow.challenge(ChallengeRequest(correlationId = UUID.randomUUID().toString(), ssn = "12")) },
            "flowType" to { client.flow.start(StartRequest(flowType = FlowType.Other("tablet"), phoneNumber = "2001001695")) },
            "items[1].phoneNumber" to {
                client.identityManager.batchEnroll(
                    BatchEnrollIdentitiesRequest(
                        items = listOf(
                            BatchEnrollItem.Enrollment(EnrollIdentityItem(phoneNumber = "2001004031")),
                            BatchEnrollItem.Enrollment(EnrollIdentityItem(phoneNumber = "x")),
                        ),
                    ),
                )
            },
            "proveId" to { client.identityManager.get("../domain/id") },
            "limit" to { client.identityManager.batchGet(BatchGetOptions(limit = -3)) },
            "retry.maxRetries" to { client.domain.id(CallOptions(retry = RetrySettings(maxRetries = -1))) },
        )
        sandbox.resetCounters()
        for ((field, call) in cases) {
            val e = assertThrows<ProveException.Validation> { runBlocking { call() } }
            assertEquals(field, e.field, e.toString())
            assertNull(e.status)
        }
        assertEquals(0, sandbox.counters().getInt("totalRequests"), "nothing was sent")
    }
}
