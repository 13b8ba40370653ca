package com.prove.sdk

import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration
import java.util.concurrent.TimeUnit
import org.json.JSONArray
import org.json.JSONObject

/**
 * The sandbox emulator (the `prove-sandbox` binary named by the system property
 * `prove.sandbox.bin`, or `PROVE_SANDBOX_BIN`) on a free loopback port, with its control
 * endpoints. Each test class starts its own and stops it at the end.
 */
class TestSandbox(vararg extraArgs: String) : AutoCloseable {
    private val process: Process
    val baseUrl: String
    val clientId = "prove-sandbox-client"
    val clientSecret = "prove-sandbox-secret"
    private val http: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    init {
        val bin = System.getProperty("prove.sandbox.bin")?.takeIf { it.isNotBlank() && !it.startsWith("\${") }
            ?: System.getenv("PROVE_SANDBOX_BIN")
            ?: error("set PROVE_SANDBOX_BIN to the prove-sandbox binary (cargo build -p prove-sandbox)")
        require(Files.isExecutable(Paths.get(bin))) { "not an executable: $bin" }
        process = ProcessBuilder(listOf(bin, "--port", "0", "--quiet", "--threads", "2") + extraArgs)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val out = BufferedReader(InputStreamReader(process.inputStream))
        val first = out.readLine() ?: error("prove-sandbox printed nothing")
        baseUrl = first.removePrefix("prove-sandbox listening on ").trim()
        require(baseUrl.startsWith("http://127.0.0.1:")) { first }
        // Keep draining stdout so the process never blocks on a full pipe.
        Thread { out.useLines { lines -> lines.forEach { _ -> } } }.apply { isDaemon = true }.start()
    }

    fun settings(retry: RetrySettings? = RetrySettings(maxRetries = 0)): ClientSettings =
        ClientSettings(clientId = clientId, clientSecret = clientSecret, baseUrl = baseUrl, retry = retry)

    fun client(retry: RetrySettings? = RetrySettings(maxRetries = 0)): ProveClient = ProveClient(settings(retry))

    private fun send(method: String, path: String, body: Any? = null): String {
        val b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(15))
        val publisher = if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body.toString())
        b.method(method, publisher).header("content-type", "application/json")
        val res = http.send(b.build(), HttpResponse.BodyHandlers.ofString())
        check(res.statusCode() in 200..299) { "$method $path: ${res.statusCode()} ${res.body()}" }
        return res.body()
    }

    fun counters(): JSONObject = JSONObject(send("GET", "/sandbox/counters"))
    fun tokenRequests(): Int = counters().getInt("tokenRequests")
    fun requestsTo(route: String): Int = counters().getJSONObject("requestsByPath").optInt(route, 0)
    fun resetCounters() { send("POST", "/sandbox/counters/reset") }
    fun requests(): JSONArray = JSONArray(send("GET", "/sandbox/requests"))
    /** The recorded requests other than `/token`. */
    fun apiRequests(): List<JSONObject> = requests().map { it as JSONObject }.filter { it.getString("path") != "/token" }
    fun clearRequests() { send("DELETE", "/sandbox/requests") }
    fun fault(fault: JSONObject) { send("POST", "/sandbox/faults", fault) }
    fun clearFaults() { send("DELETE", "/sandbox/faults") }
    fun possession(correlationId: String, action: String, otp: String? = null) {
        val body = JSONObject().put("correlationId", correlationId).put("action", action)
        if (otp != null) body.put("otp", otp)
        send("POST", "/sandbox/possession", body)
    }
    fun reset() { send("POST", "/sandbox/reset") }
    fun advanceClock(seconds: Long) { send("POST", "/sandbox/clock/advance", JSONObject().put("seconds", seconds)) }
    fun revokeTokens() { send("POST", "/sandbox/tokens/revoke") }
    fun deliverWebhook(url: String, secret: String, eventType: String? = null): Int {
        val body = JSONObject().put("url", url).put("secret", secret)
        if (eventType != null) body.put("eventType", eventType)
        return JSONObject(send("POST", "/sandbox/webhook/deliver", body)).getInt("status")
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        /** tests/vectors/ of the repository. */
        val vectors: Path = generateSequence(Paths.get("").toAbsolutePath()) { it.parent }
            .map { it.resolve("tests/vectors") }
            .first { Files.isDirectory(it) }

        fun vectorFile(name: String): JSONObject = JSONObject(Files.readString(vectors.resolve(name)))
    }
}
