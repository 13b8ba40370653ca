package com.prove.sdk

import com.prove.sdk.models.*
import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.util.UUID
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** Every guide flow of the server guides, end to end against the sandbox. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowsTest {
    private val sandbox = TestSandbox()
    private val client = sandbox.client()

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    @Test
    fun prefillWithChallenge() = runBlocking<Unit> {
        val s = client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695"))
        assertTrue(s.next.containsKey("v3-validate"))
        val v = client.flow.validate(ValidateRequest(correlationId = s.correlationId))
        assertTrue(v.success && v.next.containsKey("v3-challenge"), v.toString())
        val c = client.flow.challenge(ChallengeRequest(correlationId = s.correlationId, dob = "1981-01-17"))
        assertTrue(c.success && c.next.containsKey("v3-complete"))
        val ind = c.individual!!
        assertEquals("Milo" to "Pinson", ind.firstName to ind.lastName)
        assertFalse(ind.addresses.isNullOrEmpty())
        val done = client.flow.complete(
            CompleteRequest(
                correlationId = s.correlationId,
                individual = CompleteIndividual(firstName = ind.firstName, lastName = ind.lastName, dob = "1981-01-17", ssn = "847350596"),
            ),
        )
        assertTrue(done.success && done.next.containsKey("done"))
        val e = assertThrows<ProveException.StepOutOfOrder> { runBlocking { client.flow.validate(ValidateRequest(correlationId = s.correlationId)) } }
        assertEquals(s.correlationId, e.correlationId)
        assertEquals(403, e.status)
        assertEquals(ErrorKind.STEP_OUT_OF_ORDER, e.kind)
    }

    @Test
    fun identityWithoutChallenge() = runBlocking<Unit> {
        val s = client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001004000"))
        val v = client.flow.validate(ValidateRequest(correlationId = s.correlationId))
        assertTrue(v.success && v.next.containsKey("v3-complete") && !v.next.containsKey("v3-challenge"))
        val done = client.flow.complete(
            CompleteRequest(correlationId = s.correlationId, individual = CompleteIndividual(firstName = "Martina", lastName = "Goodram", dob = "1995-07-26")),
        )
        assertTrue(done.success)
    }

    @Test
    fun prefillWithDesktopPossession() = runBlocking<Unit> {
        val request = StartRequest(flowType = FlowType.Desktop, phoneNumber = "2001001693", finalTargetUrl = "https://www.example.com", ssn = "470806227")
        val s = client.flow.start(request)
        assertFalse(client.flow.validate(ValidateRequest(correlationId = s.correlationId)).success)
        val s2 = client.flow.start(request)
        sandbox.possession(s2.correlationId, "success")
        assertTrue(client.flow.validate(ValidateRequest(correlationId = s2.correlationId)).success)
    }

    @Test
    fun verifiedUsers() = runBlocking<Unit> {
        val vu = client.verifiedUsers
        val m = vu.verifyWithPossession(LegacyVerifyRequest(firstName = "Addy", lastName = "Epinay", phoneNumber = "2001004010", possessionType = PossessionType.Mobile))
        assertEquals(SuccessStatus.Pending, m.success)
        sandbox.possession(m.correlationId, "success")
        assertEquals(SuccessStatus.True, vu.verifyStatus(VerifyStatusRequest(correlationId = m.correlationId)).success)

        val d = vu.verifyWithPossession(
            LegacyVerifyRequest(firstName = "Addy", lastName = "Epinay", phoneNumber = "2001004010", possessionType = PossessionType.Desktop, finalTargetUrl = "https://www.example.com"),
        )
        assertEquals(SuccessStatus.Pending, vu.verifyStatus(VerifyStatusRequest(correlationId = d.correlationId)).success)
        sandbox.possession(d.correlationId, "success")
        assertEquals(SuccessStatus.True, vu.verifyStatus(VerifyStatusRequest(correlationId = d.correlationId)).success)

        val n = vu.verifyWithPossession(
            LegacyVerifyRequest(firstName = "Sheilakathryn", lastName = "Butrimovich", phoneNumber = "2001004011", possessionType = PossessionType.NoPossession),
        )
        assertEquals(SuccessStatus.True, n.success)
        val w = vu.verify(VerifyRequest(phoneNumber = "2001004053", verificationType = VerificationType.VerifiedUser, firstName = "Elena", lastName = "Coldman"))
        assertEquals(SuccessStatus.True, w.success)
        assertNotNull(w.identity?.assuranceLevel)
    }

    @Test
    fun unifiedAuthentication() = runBlocking<Unit> {
        val u = client.unify.unify(
            UnifyRequest(clientRequestId = UUID.randomUUID().toString(), possessionType = PossessionType.Desktop, phoneNumber = "2001004014", finalTargetUrl = "https://www.example.com"),
        )
        assertEquals(SuccessStatus.Pending, u.success)
        sandbox.possession(u.correlationId, "success")
        assertEquals(SuccessStatus.True, client.unify.status(UnifyStatusRequest(correlationId = u.correlationId)).success)

        val m = client.unify.unify(UnifyRequest(clientRequestId = UUID.randomUUID().toString(), possessionType = PossessionType.Mobile, phoneNumber = "2001004014"))
        sandbox.possession(m.correlationId, "otp", otp = "1234")
        val st = client.unify.status(UnifyStatusRequest(correlationId = m.correlationId))
        assertEquals(SuccessStatus.True, st.success)
        assertNotNull(st.deviceId, "a Prove Key is registered")
        val again = client.unify.unify(
            UnifyRequest(clientRequestId = UUID.randomUUID().toString(), possessionType = PossessionType.Mobile, phoneNumber = "2001004014", deviceId = st.deviceId),
        )
        assertEquals(SuccessStatus.True, client.unify.status(UnifyStatusRequest(correlationId = again.correlationId)).success)

        val c = client.unify.unify(UnifyRequest(clientRequestId = UUID.randomUUID().toString(), possessionType = PossessionType.NoPossession, phoneNumber = "2001004015"))
        assertEquals(SuccessStatus.PossessionRequired, client.unify.status(UnifyStatusRequest(correlationId = c.correlationId)).success)
        val b = client.unify.bind(UnifyBindRequest(correlationId = c.correlationId, phoneNumber = "2001004015"))
        assertEquals(SuccessStatus.True, b.success)
        assertNotNull(b.deviceId)
    }

    @Test
    fun identityManagerWithTheFlowListing() = runBlocking<Unit> {
        TestSandbox().use { sb ->
            sb.client().use { c ->
                val im = c.identityManager
                val e = im.enroll(EnrollIdentityRequest(phoneNumber = "2001004031", clientCustomerId = "customer-1"))
                assertTrue(e.success && e.proveId.isNotEmpty())
                val b = im.batchEnroll(
                    BatchEnrollIdentitiesRequest(
                        items = listOf(
                            BatchEnrollItem.Enrollment(EnrollIdentityItem(phoneNumber = "2001004035")),
                            BatchEnrollItem.Enrollment(EnrollIdentityItem(phoneNumber = "2001004036")),
                        ),
                    ),
                )
                assertEquals(2, b.results?.size)
                val pages = im.pageFlow(ListIdentitiesOptions(limit = 2)).toList()
                assertTrue(pages.size >= 2, "several pages: ${pages.size}")
                val items = im.list(ListIdentitiesOptions(limit = 1)).toList()
                assertEquals(3, items.size)
                assertEquals(pages.flatMap { it.results }.map { it.proveId }.sortedBy { it }, items.map { it.proveId }.sortedBy { it })
                val everything = im.listAll(ListIdentitiesOptions(limit = 2))
                assertEquals(3, everything.results.size)
                assertEquals(pages.size.toLong(), everything.pages)
                val first = im.batchGet(BatchGetOptions(limit = 2))
                assertEquals(2, first.results.size)
                val second = im.batchGet(BatchGetOptions(limit = 2, startKey = first.lastKey!!))
                assertEquals(1, second.results.size)
                // The cursor itself, page by page.
                im.pages(ListIdentitiesOptions(limit = 2)).use { cursor ->
                    assertEquals(2, cursor.nextPage()!!.results.size)
                    assertEquals(1L, cursor.pagesFetched())
                    while (cursor.nextPage() != null) { }
                    assertTrue(cursor.isFinished())
                }
                assertEquals(e.proveId, im.get(e.proveId).proveId)
                assertTrue(im.lookupByPhone("2001004031").items!!.any { it.proveId == e.proveId })
                assertTrue(im.deactivate(e.proveId).success == true)
                assertEquals(false, im.get(e.proveId).active)
                assertTrue(im.activate(e.proveId).success == true)
                assertTrue(im.disenroll(e.proveId).success == true)
                val gone = assertThrows<ProveException.NotFound> { runBlocking { im.get(e.proveId) } }
                assertEquals(404, gone.status)
                // A listing error ends the flow by throwing.
                val bad = assertThrows<ProveException.Validation> { runBlocking { im.pageFlow(ListIdentitiesOptions(limit = 500)).toList() } }
                assertEquals("limit", bad.field)
                assertNull(bad.status)
            }
        }
    }

    @Test
    fun aWebhookDeliveredOverHttpIsVerifiedAndParsed() {
        val secret = "whsec-test"
        val received = CopyOnWriteArrayList<VerifiedWebhook>()
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/webhook") { ex ->
            val body = ex.requestBody.readAllBytes()
            val status = try {
                received.add(verifyWebhook(ex.requestHeaders.getFirst("X-Prove-Authorization") ?: "", body, listOf(secret)))
                204
            } catch (e: ProveException.Webhook) {
                401
            }
            ex.sendResponseHeaders(status, -1)
            ex.close()
        }
        server.start()
        try {
            val url = "http://127.0.0.1:${server.address.port}/webhook"
            assertEquals(204, sandbox.deliverWebhook(url, secret, eventType = "DISCONNECT"))
            val n = received.single().notifications.single()
            assertEquals(WebhookEventType.Disconnect, n.eventType)
            assertTrue(n.eventId.isNotEmpty() && n.identityId != null)
            assertNotNull(n.eventTime)
            assertEquals(401, sandbox.deliverWebhook(url, "another-secret"))
        } finally {
            server.stop(0)
        }
    }
}
