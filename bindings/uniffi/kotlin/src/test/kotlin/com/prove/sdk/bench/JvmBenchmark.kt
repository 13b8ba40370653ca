package com.prove.sdk.bench

import com.prove.sdk.*
import com.prove.sdk.models.*
import java.lang.management.ManagementFactory
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import org.json.JSONObject
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.condition.EnabledIfSystemProperty
import com.prove.sdk.TestSandbox

/**
 * The Kotlin client against a hand-written `java.net.http.HttpClient` client making the same
 * call (`POST /v3/start`, JSON in and out, the token cached), against one release sandbox, in one
 * run. Not a test: it runs only when asked for, and prints a table.
 *
 * ```sh
 * bindings/uniffi/generate.sh --release && cargo build --release -p prove-sandbox
 * cd bindings/uniffi/kotlin && PROVE_SANDBOX_BIN=$PWD/../../../target/<triple>/release/prove-sandbox \
 *   mvn -q -B test -Dtest=JvmBenchmark -Dprove.bench=true -Dsurefire.failIfNoSpecifiedTests=false
 * ```
 */
@EnabledIfSystemProperty(named = "prove.bench", matches = "true")
class JvmBenchmark {
    private val seconds = System.getProperty("prove.bench.seconds", "4").toDouble()
    private val warmup = System.getProperty("prove.bench.warmup", "3").toDouble()
    private val body = """{"flowType":"mobile","phoneNumber":"2001001695"}"""

    /** A client as one would write it by hand: a token cached in a field, JSON by org.json. */
    private class HandWritten(private val base: String, private val id: String, private val secret: String) {
        val http: HttpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build()
        @Volatile private var token: String? = null

        private suspend fun token(): String {
            token?.let { return it }
            val form = "grant_type=client_credentials&client_id=${URLEncoder.encode(id, Charsets.UTF_8)}" +
                "&client_secret=${URLEncoder.encode(secret, Charsets.UTF_8)}"
            val req = HttpRequest.newBuilder(URI.create("$base/token"))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build()
            val res = http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).await()
            check(res.statusCode() == 200) { "token: ${res.statusCode()}" }
            return JSONObject(res.body()).getString("access_token").also { token = it }
        }

        /** `POST /v3/start` with `sendAsync` (or the blocking `send` on an IO thread). */
        suspend fun start(body: String, blocking: Boolean = false): Pair<String, String> {
            val req = HttpRequest.newBuilder(URI.create("$base/v3/start"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer ${token()}")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()
            suspend fun once() = if (blocking) {
                withContext(Dispatchers.IO) { http.send(req, HttpResponse.BodyHandlers.ofString()) }
            } else {
                http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).await()
            }
            // One retry when a kept-alive connection was closed under the request, as the SDK does.
            val res = try { once() } catch (e: java.io.IOException) { once() }
            check(res.statusCode() == 200) { "start: ${res.statusCode()} ${res.body()}" }
            val json = JSONObject(res.body())
            return json.getString("correlationId") to json.getString("authToken")
        }
    }

    private data class Row(val name: String, val inFlight: Int, val calls: Int, val perSecond: Double, val cpuUsPerCall: Double, val p50Ms: Double, val p99Ms: Double)

    private fun cpuNanos(): Long = (ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean).processCpuTime

    /** Runs [call] from [inFlight] coroutines for the configured time; latencies and CPU. */
    private fun measure(name: String, inFlight: Int, call: suspend () -> Any): Row = runBlocking {
        // Warm-up (the JIT, connections, the token): a fixed time, like the measurement.
        val warm = System.nanoTime() + (warmup * 1e9).toLong()
        (1..inFlight).map { async(Dispatchers.Default) { while (System.nanoTime() < warm) call() } }.awaitAll()
        val latencies = LongArray(5_000_000)
        val n = AtomicInteger()
        val mutex = Mutex()
        val cpu0 = cpuNanos()
        val t0 = System.nanoTime()
        val deadline = t0 + (seconds * 1e9).toLong()
        (1..inFlight).map {
            launch(Dispatchers.Default) {
                val mine = ArrayList<Long>(100_000)
                while (System.nanoTime() < deadline) {
                    val s = System.nanoTime()
                    call()
                    mine.add(System.nanoTime() - s)
                }
                mutex.withLock { for (l in mine) latencies[n.getAndIncrement()] = l }
            }
        }.forEach { it.join() }
        val elapsed = (System.nanoTime() - t0) / 1e9
        val cpu = cpuNanos() - cpu0
        val count = n.get()
        val sorted = latencies.copyOf(count).also { it.sort() }
        Row(name, inFlight, count, count / elapsed, cpu / 1e3 / count, sorted[count / 2] / 1e6, sorted[(count * 99) / 100] / 1e6)
    }

    @Test
    fun kotlinClientAgainstAHandWrittenHttpClient() {
        TestSandbox().use { sb ->
            val sdk = ProveClient(sb.settings(retry = null))
            val raw = HandWritten(sb.baseUrl, sb.clientId, sb.clientSecret)
            val req = StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695")
            val rows = mutableListOf<Row>()
            val onlySdk = System.getProperty("prove.bench.only") == "sdk"
            for (inFlight in listOf(1, 64)) {
                // Alternate, so neither side always runs on a warmer machine.
                if (!onlySdk) {
                    rows += measure("java.net.http HttpClient, sendAsync (hand-written)", inFlight) { raw.start(body) }
                    rows += measure("java.net.http HttpClient, send on IO threads (hand-written)", inFlight) { raw.start(body, blocking = true) }
                }
                rows += measure("prove-sdk Kotlin (uniffi)", inFlight) { sdk.flow.start(req) }
            }
            if (onlySdk) {
                for (r in rows) println(r)
                return
            }
            // The cost of crossing into the native library and back, without the network: a call
            // refused by validation (the request record goes in, the error comes out).
            val invalid = StartRequest(flowType = FlowType.Desktop, phoneNumber = "2001001695")
            rows += measure("prove-sdk Kotlin, refused before the network (FFI only)", 64) {
                try { sdk.flow.start(invalid) } catch (e: ProveException.Validation) { e }
            }
            // Token requests under 1000 concurrent calls on a cold cache.
            val cold = 1000
            sb.resetCounters()
            ProveClient(sb.settings(retry = null)).use { fresh ->
                runBlocking { (1..cold).map { async(Dispatchers.Default) { fresh.flow.start(req) } }.awaitAll() }
            }
            val sdkTokens = sb.tokenRequests()
            sb.resetCounters()
            val freshRaw = HandWritten(sb.baseUrl, sb.clientId, sb.clientSecret)
            runBlocking { (1..cold).map { async(Dispatchers.Default) { freshRaw.start(body) } }.awaitAll() }
            val rawTokens = sb.tokenRequests()
            sdk.close()

            println()
            println("| client | in flight | calls | calls/s | CPU µs/call | p50 ms | p99 ms |")
            println("|---|---|---|---|---|---|---|")
            for (r in rows) {
                println("| ${r.name} | ${r.inFlight} | ${r.calls} | ${"%.0f".format(r.perSecond)} | ${"%.0f".format(r.cpuUsPerCall)} | ${"%.2f".format(r.p50Ms)} | ${"%.2f".format(r.p99Ms)} |")
            }
            for (inFlight in listOf(1, 64)) {
                val s = rows.first { it.inFlight == inFlight && it.name == "prove-sdk Kotlin (uniffi)" }
                // Against the better of the two hand-written variants.
                val h = rows.filter { it.inFlight == inFlight && !it.name.startsWith("prove-sdk") }.maxBy { it.perSecond }
                println("ratio at $inFlight in flight: throughput ${"%.2f".format(s.perSecond / h.perSecond)}x, CPU per call ${"%.2f".format(s.cpuUsPerCall / h.cpuUsPerCall)}x")
            }
            println("token requests for $cold concurrent cold calls: prove-sdk $sdkTokens, hand-written $rawTokens")
        }
    }
}
