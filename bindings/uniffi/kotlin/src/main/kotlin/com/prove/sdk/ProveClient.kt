package com.prove.sdk

import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native

/**
 * A Prove API client: every operation of Prove's server API, grouped by product area
 * (`client.flow.start(request)`), as `suspend` functions taking and returning the generated
 * records of `com.prove.sdk.models`. One token cache and connection pool serve every call, from
 * any thread or coroutine: make one per set of credentials and share it.
 *
 * Errors are [ProveException] (one subclass per [com.prove.sdk.models.ErrorKind]). Cancelling
 * the coroutine of a call drops the call in the native core, with its HTTP request. [close]
 * cancels every call in flight and refuses later ones. Java callers use [futures].
 *
 * ```kotlin
 * ProveClient(ClientSettings(clientId = id, clientSecret = secret, environment = "uat-us")).use { client ->
 *     val started = client.flow.start(StartRequest(flowType = FlowType.Mobile, phoneNumber = "2001001695"))
 * }
 * ```
 */
class ProveClient private constructor(
    /** The generated client this one wraps. */
    val native: NativeProveClient,
) : AutoCloseable {
    /** A client from explicit settings. Does not touch the network. */
    constructor(settings: ClientSettings) : this(NativeProveClient(settings))

    /** Pre-Fill and Prove Identity: start, validate, challenge, complete. */
    val flow: FlowApi = native.flow()

    /** Verified Users: verify (current and possession forms), verify status, batch verify. */
    val verifiedUsers: VerifiedUsersApi = native.verifiedUsers()

    /** Unified Authentication: unify, status, bind. */
    val unify: UnifyApi = native.unify()

    /** Identity Manager: enroll, batch enroll, batch get, pages, get, lookup, (de)activate, disenroll, cross-domain. */
    val identityManager: IdentityManagerApi = native.identityManager()

    /** Identity attributes: discover and fetch. */
    val identityData: IdentityDataApi = native.identityData()

    /** Domains: id, linked, link, confirm link, unlink. */
    val domain: DomainApi = native.domain()

    /** Devices (Prove Keys): revoke. */
    val device: DeviceApi = native.device()

    /** Prove Auth: start, continue, finish. */
    val auth: AuthApi = native.auth()

    /** The base URL operations are sent to. */
    val baseUrl: String get() = native.baseUrl()

    /** Whether [close] has been called. */
    val isClosed: Boolean get() = native.isClosed()

    /** The operations as [java.util.concurrent.CompletableFuture]s, for Java callers. */
    fun futures(): ProveFutures = ProveFutures(this)

    /**
     * Cancels every call in flight (they fail with a `Transport` [ProveException], "the client is
     * closed") and refuses later ones. Idempotent. The native client is freed once this object
     * is garbage (the area objects share it).
     */
    override fun close() {
        native.shutdown()
    }

    override fun toString(): String = "ProveClient(baseUrl=$baseUrl, closed=$isClosed)"

    companion object {
        init {
            // The core wakes a call's coroutine from its runtime's threads through a JNA callback.
            // JNA attaches such a thread to the JVM for each callback and detaches it afterwards
            // unless told otherwise; keeping them attached (as daemon threads) saves that work on
            // every step of every call.
            Native.setCallbackThreadInitializer(
                uniffiRustFutureContinuationCallbackImpl,
                CallbackThreadInitializer(true, false, "prove-sdk-native"),
            )
        }

        /**
         * A client from the environment: `PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET` and
         * `PROVE_BASE_URL` or `PROVE_ENV` (default `uat-us`); the other settings from [settings].
         */
        @JvmStatic
        @JvmOverloads
        fun fromEnv(settings: ClientSettings? = null): ProveClient = ProveClient(clientFromEnv(settings))

        /** Like [fromEnv], reading the variables from [env] instead of the process environment. */
        @JvmStatic
        @JvmOverloads
        fun fromEnv(env: Map<String, String>, settings: ClientSettings? = null): ProveClient =
            ProveClient(clientFromEnvMap(env, settings))

        /** The SDK's version. */
        @JvmStatic
        val version: String get() = sdkVersion()
    }
}
