"""prove-sdk for Python: Prove's server API through one Rust core.

``ProveClient`` (synchronous) and ``AsyncProveClient`` (asyncio) call every operation with typed
requests and responses (``prove_sdk.models``), raise ``ProveError`` and one subclass per error
kind (``prove_sdk.errors``), verify webhooks (``prove_sdk.webhooks``) and log through the
standard ``logging`` module (logger ``prove_sdk``). ``prove_sdk.testing`` runs the project's
sandbox emulator in-process for your own tests.

The generated part (models, enums, exceptions, method table and method groups) is in
``prove_sdk._generated``, printed from prove-core's metadata by tools/typegen; the shared model
behaviour is ``prove_sdk._model``.
"""
from __future__ import annotations

from . import _native
from ._base import CallOptions
from ._client import AsyncProveClient, ClientSettings, FromEnvSettings, ProveClient, RetrySettings
from ._generated.errors import (
    ERROR_CLASSES,
    ERROR_KINDS,
    ApiError,
    AuthError,
    DecodeError,
    ErrorKind,
    NotFoundError,
    ProveError,
    RateLimitedError,
    StepOutOfOrderError,
    TimeoutError,
    TransportError,
    ValidationError,
    WebhookError,
)
from ._generated.methods import METHODS, METHODS_BY_NAME, MethodInfo
from .webhooks import (
    SignedWebhook,
    VerifiedWebhook,
    WebhookNotification,
    WebhookPayload,
    WebhookVerifier,
    sign_test_webhook,
    verify_webhook,
    verify_webhook_detailed,
)

__version__ = "0.1.0"
"""The package version."""

CORE_VERSION: str = _native.core_version()
"""The version of the Rust core inside the native module."""

if tuple(_native.methods()) != tuple(m.name for m in METHODS):
    raise ImportError(
        "prove_sdk: the native module does not match prove_sdk/_generated/methods.py; "
        "reinstall the package"
    )

__all__ = [
    "ProveClient",
    "AsyncProveClient",
    "ClientSettings",
    "FromEnvSettings",
    "RetrySettings",
    "CallOptions",
    "METHODS",
    "METHODS_BY_NAME",
    "MethodInfo",
    "ErrorKind",
    "ERROR_KINDS",
    "ERROR_CLASSES",
    "ProveError",
    "ValidationError",
    "AuthError",
    "RateLimitedError",
    "StepOutOfOrderError",
    "NotFoundError",
    "ApiError",
    "TimeoutError",
    "TransportError",
    "DecodeError",
    "WebhookError",
    "verify_webhook",
    "verify_webhook_detailed",
    "WebhookVerifier",
    "WebhookPayload",
    "WebhookNotification",
    "VerifiedWebhook",
    "SignedWebhook",
    "sign_test_webhook",
    "CORE_VERSION",
]
