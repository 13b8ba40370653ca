package com.prove.sdk

/**
 * Verifies one webhook delivery whose raw body was read as text (UTF-8): see the generated
 * `verifyWebhook` taking the body's bytes, which is what to use when the bytes are at hand.
 */
@Throws(ProveException::class)
fun verifyWebhook(authorization: String, body: String, secrets: List<String>, options: WebhookOptions? = null): VerifiedWebhook =
    verifyWebhook(authorization, body.toByteArray(Charsets.UTF_8), secrets, options)

/** Verifies one delivery whose body was read as text (UTF-8). */
@Throws(ProveException::class)
fun WebhookVerifier.verify(authorization: String, body: String): VerifiedWebhook =
    verify(authorization, body.toByteArray(Charsets.UTF_8))
