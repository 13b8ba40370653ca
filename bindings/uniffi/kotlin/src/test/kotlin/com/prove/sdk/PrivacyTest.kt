package com.prove.sdk

import com.prove.sdk.models.*
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.slf4j.Marker
import org.slf4j.event.Level
import org.slf4j.helpers.LegacyAbstractLogger

/**
 * Printing records, settings and errors hides personal data and secrets (records print through
 * the core's redacting `Debug`, exported by uniffi); the values themselves stay intact. Logging
 * reaches SLF4J without them.
 */
class PrivacyTest {
    private val phone = "2001001695"
    private val ssn = "847350596"

    private fun assertHidden(text: String, vararg secrets: String) {
        for (s in secrets) assertFalse(text.contains(s), "'$s' shows in: $text")
    }

    @Test
    fun recordsPrintWithoutPersonalDataAndKeepTheirValues() {
        val req = StartRequest(flowType = FlowType.Mobile, phoneNumber = phone, ssn = ssn, dob = "1981-01-17", emailAddress = "milo@example.com")
        val text = req.toString()
        assertHidden(text, phone, ssn, "1981-01-17", "milo@example.com")
        assertTrue(text.contains("<redacted>") && text.contains("StartRequest"), text)
        assertEquals(phone, req.phoneNumber, "the value itself is intact")
        val individual = CompleteIndividual(firstName = "Milo", lastName = "Pinson", ssn = ssn, addresses = listOf(CompleteAddress(address = "39 South Trail", city = "San Antonio")))
        val complete = CompleteRequest(correlationId = "0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60", individual = individual)
        assertHidden(complete.toString(), "Milo", "Pinson", ssn, "39 South Trail")
        assertTrue(complete.toString().contains("0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60"), "ids stay readable")
        assertHidden(BatchEnrollItem.Enrollment(EnrollIdentityItem(phoneNumber = phone)).toString(), phone)
        assertHidden(MobileNumberInput(mobileNumber = phone).toString(), phone)
        assertHidden(requestFromJson("identityManager.lookupByPhone", """{"mobileNumber":"$phone"}""").toString(), phone)
        val settings = ClientSettings(clientId = "my-id", clientSecret = "super-secret-value", baseUrl = "http://127.0.0.1:9")
        assertHidden(settings.toString(), "super-secret-value")
        assertTrue(settings.toString().contains("my-id"))
    }

    @Test
    fun answersAndErrorsOfRealCallsPrintWithoutPersonalData() = runBlocking<Unit> {
        TestSandbox().use { sb ->
            sb.client().use { client ->
                val s = client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = phone))
                client.flow.validate(ValidateRequest(correlationId = s.correlationId))
                val c = client.flow.challenge(ChallengeRequest(correlationId = s.correlationId, dob = "1981-01-17"))
                assertEquals("Milo", c.individual?.firstName)
                assertHidden(c.toString(), "Milo", "Pinson", "1981-01-17")
                assertHidden(s.toString(), s.authToken)
                val e = assertThrows<ProveException.Validation> {
                    runBlocking { client.identityManager.enroll(EnrollIdentityRequest(phoneNumber = "555-$ssn")) }
                }
                assertHidden(e.toString() + e.message + e.reason, ssn)
                val auth = assertThrows<ProveException.Auth> {
                    runBlocking { ProveClient(sb.settings().copy(clientSecret = "leaky-secret")).use { it.domain.id() } }
                }
                assertHidden(auth.toString() + auth.message, "leaky-secret")
                assertHidden(client.toString(), sb.clientSecret)
            }
        }
    }

    /** An SLF4J logger that keeps what it is given. */
    private class Recording : LegacyAbstractLogger() {
        val lines = CopyOnWriteArrayList<String>()
        override fun isTraceEnabled() = false
        override fun isDebugEnabled() = true
        override fun isInfoEnabled() = true
        override fun isWarnEnabled() = true
        override fun isErrorEnabled() = true
        override fun getFullyQualifiedCallerName(): String? = null
        override fun handleNormalizedLoggingCall(level: Level, marker: Marker?, msg: String?, args: Array<out Any?>?, t: Throwable?) {
            lines += "$level ${org.slf4j.helpers.MessageFormatter.basicArrayFormat(msg, args)}"
        }
    }

    @Test
    fun logsReachSlf4jWithoutSecretsOrPersonalData() = runBlocking<Unit> {
        val logger = Recording()
        TestSandbox().use { sb ->
            sb.client().use { client ->
                ProveLogging.install(logger, LogLevel.DEBUG).use {
                    client.identityManager.enroll(EnrollIdentityRequest(phoneNumber = "2001004031", clientCustomerId = "cust-private"))
                    client.identityManager.lookupByPhone("2001004031").let { }
                    runCatching { client.identityManager.get("no-such-identity") }
                }
                val before = logger.lines.size
                client.domain.id() // after close(): no more records
                assertEquals(before, logger.lines.size)
            }
            val all = logger.lines.joinToString("\n")
            assertTrue(logger.lines.any { it.startsWith("DEBUG") && it.contains("operation=") && it.contains("prove request") }, all)
            assertTrue(logger.lines.any { it.startsWith("WARN") && it.contains("status=404") }, all)
            assertTrue(all.contains("/v3/identity/{mobileNumber}/lookup"), "path templates, not raw paths: $all")
            assertHidden(all, "2001004031", "cust-private", sb.clientSecret, "no-such-identity")
        }
    }
}
