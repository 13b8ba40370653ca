package com.prove.sdk

import com.prove.sdk.models.*
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Coroutine cancellation reaches the core; many concurrent calls share one token. */
class ConcurrencyTest {
    @Test
    fun cancellingTheCoroutineDropsTheRustFutureAndItsRequest() = runBlocking<Unit> {
        TestSandbox().use { sb ->
            sb.client().use { client ->
                val im = client.identityManager
                // A control enrolment (it also fetches the token): the lookup finds it.
                im.enroll(EnrollIdentityRequest(phoneNumber = "2001004035"))
                assertFalse(im.lookupByPhone("2001004035").items.isNullOrEmpty())
                sb.fault(JSONObject().put("kind", "latency").put("ms", 1500).put("path", "/v3/identity").put("count", 1))
                var outcome: Throwable? = null
                val job = launch(Dispatchers.Default) {
                    try {
                        im.enroll(EnrollIdentityRequest(phoneNumber = "2001004031"))
                    } catch (e: Throwable) {
                        outcome = e
                        throw e
                    }
                }
                delay(300)
                val t0 = System.nanoTime()
                job.cancel()
                withTimeout(1000) { job.join() }
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000, "cancelled promptly")
                assertTrue(outcome is CancellationException, "$outcome")
                // Past the fault's delay: had the core kept the request going, the sandbox would
                // have finished it and the number would be enrolled now.
                delay(1800)
                val found = runCatching { im.lookupByPhone("2001004031") }
                found.exceptionOrNull()?.let { assertTrue(it is ProveException.NotFound, "$it") }
                assertTrue(found.getOrNull()?.items.isNullOrEmpty(), "enrolled after all: ${found.getOrNull()}")
                // The client is still usable.
                assertEquals(36, client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695")).correlationId.length)
            }
        }
    }

    @Test
    fun cancellingAListingFlowStopsThePageInFlight() = runBlocking<Unit> {
        TestSandbox().use { sb ->
            sb.client().use { client ->
                client.identityManager.enroll(EnrollIdentityRequest(phoneNumber = "2001004031"))
                sb.fault(JSONObject().put("kind", "latency").put("ms", 3000).put("path", "/v3/identity").put("count", 1))
                val t0 = System.nanoTime()
                assertThrows<CancellationException> {
                    runBlocking { withTimeout(300) { client.identityManager.list().collect { } } }
                }
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000)
            }
        }
    }

    @Test
    fun aThousandConcurrentCallsOnAColdCacheMakeOneTokenRequest() = runBlocking<Unit> {
        TestSandbox().use { sb ->
            sb.client().use { client ->
                val n = 1000
                val results = (1..n).map { async(Dispatchers.Default) { client.domain.id() } }.awaitAll()
                assertEquals(n, results.size)
                assertTrue(results.all { it.pcid.isNotEmpty() })
                assertEquals(1, sb.tokenRequests(), "exactly one token request")
                assertEquals(n, sb.requestsTo("/v3/domain/id"))
            }
        }
    }

    @Test
    fun callsFromManyThreadsShareTheClient() {
        TestSandbox().use { sb ->
            sb.client().use { client ->
                val threads = (1..16).map {
                    Thread {
                        repeat(10) { runBlocking { client.domain.linked() } }
                    }.apply { start() }
                }
                threads.forEach { it.join(30_000) }
                assertEquals(160, sb.requestsTo("/v3/domain/linked"))
                assertEquals(1, sb.tokenRequests())
            }
        }
    }
}
