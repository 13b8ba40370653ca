package com.prove.sdk

import com.prove.sdk.models.*
import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.future.future

/**
 * Every operation of a [ProveClient] as a [CompletableFuture], for Java code that does not use
 * coroutines. A failed call completes the future exceptionally with a [ProveException] (wrapped
 * in a `CompletionException`/`ExecutionException` by `join()`/`get()`). `cancel(true)` on a
 * future drops the call in the native core, as cancelling a coroutine does.
 *
 * ```java
 * ProveFutures prove = client.futures();
 * StartResponse started = prove.getFlow().start(request).join();
 * ```
 */
class ProveFutures internal constructor(client: ProveClient) {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** Pre-Fill and Prove Identity. */
    val flow: Flow = Flow(client.flow)

    /** Verified Users. */
    val verifiedUsers: VerifiedUsers = VerifiedUsers(client.verifiedUsers)

    /** Unified Authentication. */
    val unify: Unify = Unify(client.unify)

    /** Identity Manager. */
    val identityManager: IdentityManager = IdentityManager(client.identityManager)

    /** Identity attributes. */
    val identityData: IdentityData = IdentityData(client.identityData)

    /** Domains. */
    val domain: Domain = Domain(client.domain)

    /** Devices. */
    val device: Device = Device(client.device)

    /** Prove Auth. */
    val auth: Auth = Auth(client.auth)

    private fun <T> future(block: suspend () -> T): CompletableFuture<T> = scope.future { block() }

    /** See [FlowApi]. */
    inner class Flow internal constructor(private val api: FlowApi) {
        @JvmOverloads fun start(request: StartRequest, options: CallOptions? = null) = future { api.start(request, options) }
        @JvmOverloads fun validate(request: ValidateRequest, options: CallOptions? = null) = future { api.validate(request, options) }
        @JvmOverloads fun challenge(request: ChallengeRequest, options: CallOptions? = null) = future { api.challenge(request, options) }
        @JvmOverloads fun complete(request: CompleteRequest, options: CallOptions? = null) = future { api.complete(request, options) }
    }

    /** See [VerifiedUsersApi]. */
    inner class VerifiedUsers internal constructor(private val api: VerifiedUsersApi) {
        @JvmOverloads fun verify(request: VerifyRequest, options: CallOptions? = null) = future { api.verify(request, options) }
        @JvmOverloads fun verifyWithPossession(request: LegacyVerifyRequest, options: CallOptions? = null) =
            future { api.verifyWithPossession(request, options) }
        @JvmOverloads fun verifyStatus(request: VerifyStatusRequest, options: CallOptions? = null) = future { api.verifyStatus(request, options) }
        @JvmOverloads fun verifyBatch(request: VerifyBatchRequest, options: CallOptions? = null) = future { api.verifyBatch(request, options) }
    }

    /** See [UnifyApi]. */
    inner class Unify internal constructor(private val api: UnifyApi) {
        @JvmOverloads fun unify(request: UnifyRequest, options: CallOptions? = null) = future { api.unify(request, options) }
        @JvmOverloads fun status(request: UnifyStatusRequest, options: CallOptions? = null) = future { api.status(request, options) }
        @JvmOverloads fun bind(request: UnifyBindRequest, options: CallOptions? = null) = future { api.bind(request, options) }
    }

    /** See [IdentityManagerApi]. */
    inner class IdentityManager internal constructor(private val api: IdentityManagerApi) {
        @JvmOverloads fun enroll(request: EnrollIdentityRequest, options: CallOptions? = null) = future { api.enroll(request, options) }
        @JvmOverloads fun batchEnroll(request: BatchEnrollIdentitiesRequest, options: CallOptions? = null) =
            future { api.batchEnroll(request, options) }
        @JvmOverloads fun batchGet(query: BatchGetOptions? = null, options: CallOptions? = null) = future { api.batchGet(query, options) }
        @JvmOverloads fun listAll(list: ListIdentitiesOptions? = null, options: CallOptions? = null) = future { api.listAll(list, options) }
        @JvmOverloads fun get(proveId: String, clientRequestId: String? = null, options: CallOptions? = null) =
            future { api.get(proveId, clientRequestId, options) }
        @JvmOverloads fun lookupByPhone(mobileNumber: String, clientRequestId: String? = null, options: CallOptions? = null) =
            future { api.lookupByPhone(mobileNumber, clientRequestId, options) }
        @JvmOverloads fun activate(proveId: String, clientRequestId: String? = null, options: CallOptions? = null) =
            future { api.activate(proveId, clientRequestId, options) }
        @JvmOverloads fun deactivate(proveId: String, clientRequestId: String? = null, options: CallOptions? = null) =
            future { api.deactivate(proveId, clientRequestId, options) }
        @JvmOverloads fun disenroll(proveId: String, clientRequestId: String? = null, options: CallOptions? = null) =
            future { api.disenroll(proveId, clientRequestId, options) }
        @JvmOverloads fun crossDomain(identityId: String, clientRequestId: String? = null, options: CallOptions? = null) =
            future { api.crossDomain(identityId, clientRequestId, options) }
    }

    /** See [IdentityDataApi]. */
    inner class IdentityData internal constructor(private val api: IdentityDataApi) {
        @JvmOverloads fun discover(proveId: String, clientRequestId: String? = null, options: CallOptions? = null) =
            future { api.discover(proveId, clientRequestId, options) }
        @JvmOverloads fun fetch(proveId: String, attributeId: String, clientRequestId: String? = null, options: CallOptions? = null) =
            future { api.fetch(proveId, attributeId, clientRequestId, options) }
    }

    /** See [DomainApi]. */
    inner class Domain internal constructor(private val api: DomainApi) {
        @JvmOverloads fun id(options: CallOptions? = null) = future { api.id(options) }
        @JvmOverloads fun linked(options: CallOptions? = null) = future { api.linked(options) }
        @JvmOverloads fun link(request: DomainLinkRequest, options: CallOptions? = null) = future { api.link(request, options) }
        @JvmOverloads fun confirmLink(request: DomainConfirmLinkRequest, options: CallOptions? = null) = future { api.confirmLink(request, options) }
        @JvmOverloads fun unlink(request: DomainUnlinkRequest, options: CallOptions? = null) = future { api.unlink(request, options) }
    }

    /** See [DeviceApi]. */
    inner class Device internal constructor(private val api: DeviceApi) {
        @JvmOverloads fun revoke(request: DeviceRevokeRequest, options: CallOptions? = null) = future { api.revoke(request, options) }
    }

    /** See [AuthApi]. */
    inner class Auth internal constructor(private val api: AuthApi) {
        @JvmOverloads fun start(request: AuthStartRequest, options: CallOptions? = null) = future { api.start(request, options) }
        @JvmOverloads fun continueAuth(request: AuthContinueRequest, options: CallOptions? = null) = future { api.continueAuth(request, options) }
        @JvmOverloads fun finish(request: AuthFinishRequest, options: CallOptions? = null) = future { api.finish(request, options) }
    }
}
