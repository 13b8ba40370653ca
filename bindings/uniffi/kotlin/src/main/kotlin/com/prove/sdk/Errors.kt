package com.prove.sdk

import com.prove.sdk.models.ErrorKind

// The fields every ProveException carries, whatever its subclass (ProveException.NotFound,
// ProveException.Validation, …), for handlers that treat every kind alike.

/** The stable kind of the error. */
val ProveException.kind: ErrorKind get() = kind()

/** Human-readable message (Prove's `message`, or ours naming the bad field). */
val ProveException.reason: String get() = reasonText()

/** HTTP status, when Prove answered. */
val ProveException.status: Int? get() = httpStatus()

/** Prove's error code, when the answer carried one. */
val ProveException.code: Long? get() = errorCode()

/** For validation errors raised before the network: the name of the bad field. */
val ProveException.field: String? get() = fieldName()

/** The `Retry-After` delay Prove asked for, in milliseconds. */
val ProveException.retryAfterMs: Long? get() = retryAfterMillis()

/** The `clientRequestId` of the call, when one was sent. */
val ProveException.requestId: String? get() = clientRequestId()

/** The flow's `correlationId`, when known. */
val ProveException.correlationId: String? get() = flowCorrelationId()

/** Prove's operationId of the failed operation, when known. */
val ProveException.operation: String? get() = operationId()
