package com.prove.sdk

import com.prove.sdk.models.ErrorKind
import java.security.MessageDigest
import java.util.Base64
import java.util.UUID
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Webhook verification: typed notifications, rotation, options, and the attacks it refuses. */
class WebhooksTest {
    private val secret = "whsec-kotlin"
    private val body = """{"notifications":[{"eventId":"e-1","event":"x","eventType":"PORT","eventTimestamp":"2025-01-31T12:00:00Z","clientCustomerId":"cust-9","identityId":"i-1","futureField":1}],"batch":7}"""

    private fun b64(bytes: ByteArray) = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)

    private fun sha256Hex(s: String) = MessageDigest.getInstance("SHA-256").digest(s.toByteArray()).joinToString("") { "%02x".format(it) }

    /** A token signed with HMAC-SHA256 under [key], with the given header and claims. */
    private fun token(
        claims: JSONObject = claims(),
        header: JSONObject = JSONObject().put("alg", "HS256").put("typ", "JWT"),
        key: String = secret,
        hmac: String = "HmacSHA256",
    ): String {
        val signingInput = b64(header.toString().toByteArray()) + "." + b64(claims.toString().toByteArray())
        val mac = Mac.getInstance(hmac).apply { init(SecretKeySpec(key.toByteArray(), hmac)) }
        return "Bearer $signingInput." + b64(mac.doFinal(signingInput.toByteArray()))
    }

    private fun claims(now: Long = System.currentTimeMillis() / 1000): JSONObject =
        JSONObject().put("iss", "Prove Identity").put("iat", now).put("exp", now + 300)
            .put("jti", UUID.randomUUID().toString()).put("body_sha256", sha256Hex(body))

    @Test
    fun aSignedDeliveryVerifiesIntoTypedNotifications() {
        val v = verifyWebhook(token(), body, listOf("old-secret", secret))
        assertEquals(1, v.secretIndex, "the second secret matched (rotation)")
        val n = v.notifications.single()
        assertEquals(WebhookEventType.Port, n.eventType)
        assertEquals("cust-9", n.clientCustomerId)
        assertEquals(1, JSONObject(n.extraJson).getInt("futureField"), "unknown fields are kept")
        assertEquals(7, JSONObject(v.extraJson).getInt("batch"))
        assertEquals(1738324800L, n.eventTime!!.epochSecond)
        assertFalse(n.toString().contains("cust-9"), n.toString())
        // signTestWebhook makes deliveries the verifier accepts; an unknown event type is kept.
        val signed = signTestWebhook(secret, eventType = "SOMETHING_NEW")
        val other = verifyWebhook(signed.authorization, signed.body, listOf(secret)).notifications.single().eventType
        assertEquals(WebhookEventType.Other("SOMETHING_NEW"), other)
        assertFalse(signed.toString().contains(signed.authorization.removePrefix("Bearer ")))
    }

    @Test
    fun attacksAreRefused() {
        val now = System.currentTimeMillis() / 1000
        val attacks = mapOf(
            "wrong secret" to token(key = "not-the-secret"),
            "alg none" to token(header = JSONObject().put("alg", "none")).substringBeforeLast('.') + ".",
            "HS512" to token(header = JSONObject().put("alg", "HS512").put("typ", "JWT"), hmac = "HmacSHA512"),
            "no alg" to token(header = JSONObject().put("typ", "JWT")),
            "expired" to token(claims(now - 3600)),
            "issued in the future" to token(claims(now + 3600)),
            "other issuer" to token(claims().put("iss", "Someone Else")),
            "no exp" to token(claims().apply { remove("exp") }),
            "body of another delivery" to token(claims().put("body_sha256", sha256Hex("{}"))),
            "not a JWT" to "Bearer abc",
            "oversized" to "Bearer " + "a".repeat(20_000),
        )
        for ((name, auth) in attacks) {
            val e = assertThrows<ProveException.Webhook>(name) { verifyWebhook(auth, body, listOf(secret)) }
            assertEquals(ErrorKind.WEBHOOK, e.kind)
            assertFalse(e.toString().contains(secret), name)
        }
        // A tampered body under a valid token.
        val e = assertThrows<ProveException.Webhook> { verifyWebhook(token(), body.replace("PORT", "DISCONNECT"), listOf(secret)) }
        assertFalse(e.toString().contains("DISCONNECT"))
        // No secret at all.
        assertThrows<ProveException.Webhook> { verifyWebhook(token(), body, emptyList()) }
    }

    @Test
    fun optionsBodyHashAndReplays() {
        val withoutHash = token(claims().apply { remove("body_sha256") })
        verifyWebhook(withoutHash, body, listOf(secret))
        assertThrows<ProveException.Webhook> {
            verifyWebhook(withoutHash, body, listOf(secret), WebhookOptions(requireBodyHash = true))
        }
        val oneCall = assertThrows<ProveException.Validation> {
            verifyWebhook(token(), body, listOf(secret), WebhookOptions(rejectReplays = true))
        }
        assertEquals("rejectReplays", oneCall.field)
        WebhookVerifier(listOf(secret), WebhookOptions(rejectReplays = true)).use { verifier ->
            val t = token()
            verifier.verify(t, body)
            assertThrows<ProveException.Webhook>("a replay") { verifier.verify(t, body) }
            verifier.verify(token(), body)
        }
        val bad = assertThrows<ProveException.Validation> { WebhookVerifier(listOf(secret), WebhookOptions(leewayMs = -1.0)) }
        assertEquals("leewayMs", bad.field)
    }
}
