package com.prove.sdk

import com.prove.sdk.models.*
import java.util.UUID
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** Every operation through the typed area objects, per-call options, settings, fromEnv. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTest {
    private val sandbox = TestSandbox()
    private val client = sandbox.client()

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    /** Runs [call], then returns the path of the one API request it sent. */
    private fun sentPath(call: suspend () -> Any?): Pair<Any?, String> {
        sandbox.clearRequests()
        val out = try {
            runBlocking { call() }
        } catch (e: ProveException) {
            // A Prove answer is fine for calls without matching state; never a local failure.
            assertTrue((e.status ?: 0) >= 400, "not an answer from the sandbox: $e")
            e
        }
        val sent = sandbox.apiRequests()
        assertEquals(1, sent.size, "one request: $sent")
        return out to sent[0].getString("path")
    }

    @Test
    fun everyOperationReachesItsPathAndDecodesTheAnswer() = runBlocking<Unit> {
        val enrolled = client.identityManager.enroll(EnrollIdentityRequest(phoneNumber = "2001004031", clientCustomerId = "ops-1"))
        val id = enrolled.proveId
        val auth = AuthStartRequest(
            requestId = "req-1",
            subjects = AuthStartRequestSubjects(
                mobile = AuthStartRequestSubjectMobile(claim = AuthStartRequestSubjectMobileClaim(mobileNumber = "2001001695")),
            ),
        )
        val started = try { client.auth.start(auth) } catch (e: ProveException) { null }
        val authId = started?.authId ?: "auth-1"
        val results = listOf(
            sentPath { client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695")) } to "/v3/start",
            sentPath { client.flow.validate(ValidateRequest(correlationId = UUID.randomUUID().toString())) } to "/v3/validate",
            sentPath { client.flow.challenge(ChallengeRequest(correlationId = UUID.randomUUID().toString(), dob = "1981-01-17")) } to "/v3/challenge",
            sentPath {
                client.flow.complete(CompleteRequest(correlationId = UUID.randomUUID().toString(), individual = CompleteIndividual(firstName = "A", lastName = "B")))
            } to "/v3/complete",
            sentPath {
                client.verifiedUsers.verify(VerifyRequest(phoneNumber = "2001004053", verificationType = VerificationType.VerifiedUser, firstName = "Elena", lastName = "Coldman"))
            } to "/v3/verify",
            sentPath {
                client.verifiedUsers.verifyWithPossession(
                    LegacyVerifyRequest(firstName = "Addy", lastName = "Epinay", phoneNumber = "2001004010", possessionType = PossessionType.NoPossession),
                )
            } to "/v3/verify",
            sentPath { client.verifiedUsers.verifyStatus(VerifyStatusRequest(correlationId = UUID.randomUUID().toString())) } to "/v3/verify-status",
            sentPath {
                client.verifiedUsers.verifyBatch(
                    VerifyBatchRequest(items = listOf(VerifyBatchRequestItem(phoneNumber = "2001004053", verificationType = VerificationType.VerifiedUser, firstName = "Elena", lastName = "Coldman"))),
                )
            } to "/v3/verify/batch",
            sentPath {
                client.unify.unify(UnifyRequest(clientRequestId = UUID.randomUUID().toString(), possessionType = PossessionType.NoPossession, phoneNumber = "2001004015"))
            } to "/v3/unify",
            sentPath { client.unify.status(UnifyStatusRequest(correlationId = UUID.randomUUID().toString())) } to "/v3/unify-status",
            sentPath { client.unify.bind(UnifyBindRequest(correlationId = UUID.randomUUID().toString(), phoneNumber = "2001004015")) } to "/v3/unify-bind",
            sentPath { client.identityManager.enroll(EnrollIdentityRequest(phoneNumber = "2001004032")) } to "/v3/identity",
            sentPath {
                client.identityManager.batchEnroll(
                    BatchEnrollIdentitiesRequest(items = listOf(BatchEnrollItem.Enrollment(EnrollIdentityItem(phoneNumber = "2001004035")))),
                )
            } to "/v3/identity/batch",
            sentPath { client.identityManager.batchGet(BatchGetOptions(limit = 10)) } to "/v3/identity",
            sentPath { client.identityManager.get(id) } to "/v3/identity/$id",
            sentPath { client.identityManager.lookupByPhone("2001004031") } to "/v3/identity/2001004031/lookup",
            sentPath { client.identityManager.deactivate(id) } to "/v3/identity/$id/deactivate",
            sentPath { client.identityManager.activate(id) } to "/v3/identity/$id/activate",
            sentPath { client.identityManager.crossDomain(id) } to "/v3/identity/$id/cross-domain",
            sentPath { client.identityData.discover(id) } to "/v3/discover",
            sentPath { client.identityData.fetch(id, UUID.randomUUID().toString()) } to "/v3/fetch",
            sentPath { client.domain.id() } to "/v3/domain/id",
            sentPath { client.domain.linked() } to "/v3/domain/linked",
            sentPath { client.domain.link(DomainLinkRequest(pcid = "pcid-other")) } to "/v3/domain/link",
            sentPath { client.domain.confirmLink(DomainConfirmLinkRequest(pcid = "pcid-other")) } to "/v3/domain/confirm-link",
            sentPath { client.domain.unlink(DomainUnlinkRequest(pcidTo = "pcid-other")) } to "/v3/domain/unlink",
            sentPath { client.device.revoke(DeviceRevokeRequest(clientRequestId = "r-1", deviceId = "device-unknown")) } to "/v3/device/revoke",
            sentPath { client.auth.start(auth) } to "/v1/server/auth/start",
            sentPath {
                client.auth.continueAuth(
                    AuthContinueRequest(
                        authId = authId, requestId = "req-2",
                        subjects = AuthContinueRequestSubjects(mobile = AuthContinueRequestSubjectMobile(claim = AuthContinueRequestSubjectMobileClaim(mobileNumber = "2001001695"))),
                    ),
                )
            } to "/v1/server/auth/continue",
            sentPath { client.auth.finish(AuthFinishRequest(authId = authId)) } to "/v1/server/auth/finish",
            sentPath { client.identityManager.disenroll(id) } to "/v3/identity/$id",
        )
        var answered = 0
        for ((result, expected) in results) {
            val (out, path) = result
            assertEquals(expected, path)
            if (out !is ProveException) answered++
        }
        // With listAll (below) every one of the core's 32 methods is called through its typed method.
        val all = client.identityManager.listAll(ListIdentitiesOptions(limit = 50))
        assertTrue(all.results.isNotEmpty() && all.pages >= 1, all.toString())
        assertEquals(31, results.size)
        assertTrue(answered >= 20, "answered: $answered")
        assertEquals(32, methodNames().size)
    }

    @Test
    fun typedAnswersKeepEveryField() = runBlocking<Unit> {
        val started = client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695"))
        assertEquals(36, started.correlationId.length)
        assertTrue(started.next.containsKey("v3-validate"), started.next.toString())
        val v = client.flow.validate(ValidateRequest(correlationId = started.correlationId))
        assertTrue(v.success)
        val body = sandbox.requests().map { it as JSONObject }.last { it.getString("path") == "/v3/start" }.getJSONObject("body")
        assertEquals(setOf("flowType", "phoneNumber"), body.keySet(), "absent optional fields are omitted")
        // Data classes: equality, copy.
        val req = StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695")
        assertEquals(req, req.copy())
        assertNotEquals(req, req.copy(phoneNumber = "2001001696"))
    }

    @Test
    fun perCallOptionsApply() = runBlocking<Unit> {
        client.domain.id()
        sandbox.fault(JSONObject().put("kind", "latency").put("ms", 1500).put("path", "/v3/domain/id").put("count", 1))
        val t0 = System.nanoTime()
        val e = assertThrows<ProveException.Timeout> { runBlocking { client.domain.id(CallOptions(timeoutMs = 200.0)) } }
        assertEquals(ErrorKind.TIMEOUT, e.kind)
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1400)
        // Retries per call override the client's (off here).
        sandbox.clearFaults()
        sandbox.resetCounters()
        sandbox.fault(JSONObject().put("kind", "status").put("status", 503).put("path", "/v3/domain/id").put("count", 2))
        client.domain.id(CallOptions(retry = RetrySettings(maxRetries = 2, initialBackoffMs = 1.0, maxBackoffMs = 5.0)))
        assertEquals(3, sandbox.requestsTo("/v3/domain/id"))
        sandbox.fault(JSONObject().put("kind", "status").put("status", 503).put("path", "/v3/domain/id").put("count", 1))
        val api = assertThrows<ProveException.Api> { runBlocking { client.domain.id() } }
        assertEquals(503, api.status)
        val bad = assertThrows<ProveException.Validation> { runBlocking { client.domain.id(CallOptions(timeoutMs = -1.0)) } }
        assertEquals("timeoutMs", bad.field)
    }

    @Test
    fun settingsAreCheckedNamingTheSetting() {
        val base = sandbox.settings()
        for ((settings, field) in listOf(
            base.copy(timeoutMs = 0.0) to "timeoutMs",
            base.copy(clientSecret = null) to "clientSecret",
            base.copy(baseUrl = null, environment = "mars") to "environment",
            base.copy(retry = RetrySettings(maxBackoffMs = 1e300)) to "retry.maxBackoffMs",
            base.copy(maxResponseBytes = 0) to "maxResponseBytes",
            base.copy(baseUrl = "http://user:pw@127.0.0.1:9") to "baseUrl",
        )) {
            val e = assertThrows<ProveException.Validation> { ProveClient(settings) }
            assertEquals(field, e.field, e.toString())
            assertEquals(null, e.status)
        }
        val env = mapOf("PROVE_CLIENT_ID" to sandbox.clientId, "PROVE_CLIENT_SECRET" to sandbox.clientSecret, "PROVE_BASE_URL" to sandbox.baseUrl)
        ProveClient.fromEnv(env, ClientSettings(timeoutMs = 5000.0)).use { c ->
            assertEquals(sandbox.baseUrl, c.baseUrl)
            assertEquals(36, runBlocking { c.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695")) }.correlationId.length)
        }
        val missing = assertThrows<ProveException.Validation> { ProveClient.fromEnv(mapOf("PROVE_CLIENT_ID" to "x")) }
        assertEquals("PROVE_CLIENT_SECRET", missing.field)
        assertTrue(ProveClient.version.isNotEmpty())
    }

    @Test
    fun closeCancelsCallsInFlightAndRefusesLaterOnes() = runBlocking<Unit> {
        val c = sandbox.client()
        c.domain.id()
        sandbox.fault(JSONObject().put("kind", "latency").put("ms", 3000).put("path", "/v3/domain/linked").put("count", 1))
        val call = async(Dispatchers.Default) {
            runCatching { c.domain.linked() }
        }
        delay(300)
        val t0 = System.nanoTime()
        c.close()
        val e = call.await().exceptionOrNull()
        assertTrue(e is ProveException.Transport, "$e")
        assertEquals("the client is closed", (e as ProveException).reason)
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000)
        assertTrue(c.isClosed)
        val later = assertThrows<ProveException.Transport> { runBlocking { c.domain.id() } }
        assertEquals("the client is closed", later.reason)
        c.close() // idempotent
        sandbox.clearFaults()
    }
}
