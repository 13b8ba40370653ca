package com.prove.sdk

import com.prove.sdk.models.ErrorKind
import java.net.URLDecoder
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import org.json.JSONPointer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

/**
 * The shared vectors of tests/vectors/, through the typed path: each input is read into the
 * method's request record (`requestFromJson`), crosses into Kotlin, is sent with
 * `client.native.call(request)` (the same core methods as the area objects), and each answer
 * crosses into Kotlin as a record before it is written back as wire JSON for the comparison.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VectorsTest {
    private val sandbox = TestSandbox()
    private val client = sandbox.client(retry = RetrySettings(maxRetries = 0))

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    private fun cases(file: String, section: String = "cases"): List<JSONObject> =
        TestSandbox.vectorFile(file).getJSONArray(section).map { it as JSONObject }

    /** Calls the case's method with its input; the answer as wire JSON, or the error. */
    private fun call(case: JSONObject): Result<JSONObject> = runCatching {
        val input = case.get("input")
        val request = requestFromJson(case.getString("method"), input.toString())
        assertEquals(case.getString("method"), request.method())
        val response = runBlocking { client.native.call(request) }
        JSONObject(responseToJson(response))
    }

    private fun same(expected: Any?, actual: Any?): Boolean = when {
        expected == null || expected == JSONObject.NULL -> actual == null || actual == JSONObject.NULL
        expected is JSONObject -> actual is JSONObject && expected.similar(actual)
        expected is JSONArray -> actual is JSONArray && expected.similar(actual)
        expected is Number && actual is Number -> expected.toDouble() == actual.toDouble()
        else -> expected == actual
    }

    private fun decodeQuery(raw: String): Map<String, String> =
        if (raw.isEmpty()) emptyMap() else raw.split('&').associate {
            val (k, v) = if ('=' in it) it.split('=', limit = 2) else listOf(it, "")
            URLDecoder.decode(k, Charsets.UTF_8) to URLDecoder.decode(v, Charsets.UTF_8)
        }

    @Test
    fun requestsAreSentAsTheVectorsSay() {
        val failures = mutableListOf<String>()
        val all = cases("requests.json")
        for (case in all) {
            val name = case.getString("name")
            sandbox.clearRequests()
            val result = call(case)
            val err = result.exceptionOrNull()
            if (err != null && err !is ProveException) throw err
            if (err is ProveException && err.status == null) {
                failures += "$name: failed locally: $err"
                continue
            }
            val sent = sandbox.apiRequests()
            if (sent.size != 1) {
                failures += "$name: ${sent.size} requests"
                continue
            }
            val got = sent[0]
            val expect = case.getJSONObject("expect")
            if (got.getString("method") != expect.getString("method")) failures += "$name: method ${got.getString("method")}"
            if (got.getString("path") != expect.getString("path")) failures += "$name: path ${got.getString("path")}"
            val rawQuery = got.optString("query", "")
            val wantQuery = expect.getJSONObject("query").toMap().mapValues { it.value.toString() }
            if (decodeQuery(rawQuery) != wantQuery) failures += "$name: query $rawQuery"
            if (expect.has("rawQuery") && rawQuery != expect.getString("rawQuery")) failures += "$name: raw query $rawQuery"
            if (!same(expect.get("body"), got.opt("body"))) failures += "$name: body ${got.opt("body")}"
        }
        assertEquals(emptyList<String>(), failures)
        assertTrue(all.size >= 70)
    }

    @Test
    fun responsesDecodeAndErrorsMapAsTheVectorsSay() {
        val failures = mutableListOf<String>()
        for (case in cases("responses.json")) {
            val name = case.getString("name")
            val respond = case.getJSONObject("respond")
            sandbox.clearRequests()
            sandbox.clearFaults()
            val fault = JSONObject().put("kind", "respond").put("path", respond.getString("path"))
                .put("status", respond.getInt("status")).put("body", respond.getString("body"))
            if (respond.has("contentType")) fault.put("contentType", respond.getString("contentType"))
            if (respond.has("count")) fault.put("count", respond.getInt("count"))
            sandbox.fault(fault)
            val result = call(case)
            sandbox.clearFaults()
            val expect = case.getJSONObject("expect")
            if (expect.has("values")) {
                val out = result.getOrElse { failures += "$name: failed: $it"; continue }
                val values = expect.getJSONObject("values")
                for (pointer in values.keySet()) {
                    val actual = try { JSONPointer(pointer).queryFrom(out) } catch (e: Exception) { null }
                    if (!same(values.get(pointer), actual)) failures += "$name: $pointer is $actual, not ${values.get(pointer)}"
                }
            } else {
                val want = expect.getJSONObject("error")
                val e = result.exceptionOrNull() as? ProveException
                if (e == null) {
                    failures += "$name: no ProveException: ${result.exceptionOrNull() ?: result.getOrNull()}"
                    continue
                }
                if (e.kind.name.replace("_", "").lowercase() != want.getString("kind").lowercase()) failures += "$name: kind ${e.kind}"
                if (want.has("status") && e.status != want.getInt("status")) failures += "$name: status ${e.status}"
                if (want.has("code") && e.code != want.getLong("code")) failures += "$name: code ${e.code}"
                if (want.optBoolean("noCode", false) && e.code != null) failures += "$name: code ${e.code}"
                assertEquals(e.kind, kindOf(e), name)
            }
            if (expect.has("attempts")) {
                val n = sandbox.requests().map { it as JSONObject }.count { it.getString("path") == respond.getString("path") }
                if (n != expect.getInt("attempts")) failures += "$name: $n attempts"
            }
        }
        assertEquals(emptyList<String>(), failures)
    }

    /** The kind a subclass stands for, so that the class and `kind` agree. */
    private fun kindOf(e: ProveException) = when (e) {
        is ProveException.Validation -> ErrorKind.VALIDATION
        is ProveException.Auth -> ErrorKind.AUTH
        is ProveException.RateLimited -> ErrorKind.RATE_LIMITED
        is ProveException.StepOutOfOrder -> ErrorKind.STEP_OUT_OF_ORDER
        is ProveException.NotFound -> ErrorKind.NOT_FOUND
        is ProveException.Api -> ErrorKind.API
        is ProveException.Timeout -> ErrorKind.TIMEOUT
        is ProveException.Transport -> ErrorKind.TRANSPORT
        is ProveException.Decode -> ErrorKind.DECODE
        is ProveException.Webhook -> ErrorKind.WEBHOOK
    }

    @Test
    fun validationNamesTheFieldBeforeTheNetwork() {
        TestSandbox().use { fresh ->
            fresh.client().use { c ->
                val failures = mutableListOf<String>()
                val all = cases("validation.json")
                for (case in all) {
                    val name = case.getString("name")
                    val e = runCatching {
                        val request = requestFromJson(case.getString("method"), case.get("input").toString())
                        runBlocking { c.native.call(request) }
                    }.exceptionOrNull()
                    if (e !is ProveException) {
                        failures += "$name: no ProveException: $e"
                        continue
                    }
                    val kind = e.kind.name.replace("_", "").lowercase()
                    if (kind != case.getString("kind").lowercase()) failures += "$name: kind ${e.kind}"
                    if (e.field != case.getString("field")) failures += "$name: field ${e.field}"
                    if (e.status != null) failures += "$name: status ${e.status}"
                }
                assertEquals(emptyList<String>(), failures)
                assertTrue(all.size >= 250)
                val counters = fresh.counters()
                assertEquals(0, counters.getInt("totalRequests"), "nothing reached the network: $counters")
                assertEquals(0, counters.getInt("tokenRequests"))

                val valid = cases("validation.json", "valid")
                for (case in valid) {
                    val name = case.getString("name")
                    fresh.clearRequests()
                    val e = runCatching {
                        runBlocking { c.native.call(requestFromJson(case.getString("method"), case.get("input").toString())) }
                    }.exceptionOrNull()
                    if (e != null && (e !is ProveException || e.status == null)) failures += "$name: failed locally: $e"
                    if (fresh.apiRequests().isEmpty()) failures += "$name: nothing sent"
                }
                assertEquals(emptyList<String>(), failures)
            }
        }
    }
}
