// Public types of prove-sdk. Models, enums, method inputs/outputs and the method groups are
// generated from the Rust core into ./generated/types.d.ts, the error classes into
// ./generated/errors.d.ts; this file declares the JavaScript layer.
import type {
  CallOptions,
  GetBatchIdentityItem,
  BatchGetIdentitiesResponse,
  ListIdentities,
  MethodName,
  ProveGroups,
  ProveMethods,
  IdentityManagerApi as GeneratedIdentityManagerApi,
} from './generated/types';

export * from './generated/types';

/**
 * What `options.signal` takes: an `AbortSignal` (from an `AbortController`, `AbortSignal.timeout()`,
 * `AbortSignal.any()`, ...). Declared structurally so that no DOM or Node type library is needed.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  /** What the call rejects with once aborted (an `AbortError` `DOMException` unless one was given). */
  readonly reason?: any;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

declare module './generated/types' {
  interface CallOptions {
    /**
     * Cancels the call (or, for `list()` and `pages()`, the listing): once aborted, the call rejects
     * at once with `signal.reason` and its HTTP request is abandoned; a signal aborted already
     * rejects before anything is sent.
     */
    signal?: AbortSignalLike;
  }
}

/** Retry settings; unset fields keep the defaults (2 retries, 200 ms initial backoff, 5 s cap). */
export interface RetryOptions {
  /** Retries after the first attempt; 0 switches retries off. */
  maxRetries?: number;
  /** First backoff in milliseconds, doubled each retry with full jitter. */
  initialBackoffMs?: number;
  /** Upper bound of one backoff (and of an honoured Retry-After), in milliseconds. */
  maxBackoffMs?: number;
}

/**
 * Settings other than credentials and environment (shared by the constructor and fromEnv). A key
 * that is not a setting throws a ValidationError naming it, with the likely one
 * (`timeoutMS` → "did you mean timeoutMs?").
 */
export interface ClientOptions {
  /** Token endpoint: an absolute URL, or a path resolved against the base URL (default `/token`). */
  tokenUrl?: string;
  /** Total time of one call in milliseconds, retries and token fetch included (default 30 000). */
  timeoutMs?: number;
  /** Connect timeout in milliseconds (default 5 000). */
  connectTimeoutMs?: number;
  /** Time limit of one attempt in milliseconds (default none). */
  attemptTimeoutMs?: number;
  /** Retry policy, or `false` for none. */
  retry?: RetryOptions | false;
  /**
   * Appended to the User-Agent after `node/<version>`: printable ASCII, at most 256 characters
   * together with that prefix.
   */
  userAgentSuffix?: string;
  /**
   * Largest response body accepted, in bytes: a whole number from 1 to 1 GiB (default 4 MiB,
   * 4 194 304). A larger answer is cut off unread and the call fails with a `DecodeError` naming
   * the limit; it is not retried.
   */
  maxResponseBytes?: number;
}

/** Settings of a client. */
export interface ClientConfig extends ClientOptions {
  /** OAuth client id. */
  clientId: string;
  /** OAuth client secret (never logged or shown). */
  clientSecret: string;
  /** `uat-us` (default), `prod-us`, `uat-eu`, `prod-eu`, or an http(s) URL. */
  environment?: 'uat-us' | 'prod-us' | 'uat-eu' | 'prod-eu' | (string & {});
  /** Any base URL, e.g. the sandbox emulator's; wins over `environment`. No `user:password@`. */
  baseUrl?: string;
}

/** `client.identityManager`: the generated methods plus iterators over the identity listing. */
export interface IdentityManagerApi extends GeneratedIdentityManagerApi {
  /** Every identity of every page, one at a time, following `lastKey` for you. */
  list(input?: ListIdentities, options?: CallOptions): AsyncIterableIterator<GetBatchIdentityItem>;
  /** The pages of the identity listing, one at a time. */
  pages(input?: ListIdentities, options?: CallOptions): AsyncIterableIterator<BatchGetIdentitiesResponse>;
}

/** A Prove API client. One instance shares its token cache and connections across all calls. */
export declare class ProveClient implements Omit<ProveGroups, 'identityManager'> {
  constructor(config: ClientConfig);
  /** A client from PROVE_CLIENT_ID, PROVE_CLIENT_SECRET and PROVE_BASE_URL or PROVE_ENV. */
  static fromEnv(options?: ClientOptions): ProveClient;
  /** The base URL operations are sent to. */
  readonly baseUrl: string;
  /** `uat-us`, `prod-us`, `uat-eu`, `prod-eu`, or `custom`. */
  readonly environment: string;
  /** The User-Agent header sent with every request. */
  readonly userAgent: string;
  /** Whether `close()` has been called. */
  readonly closed: boolean;
  /**
   * Closes the client: calls and listings in flight reject at once with a `TransportError` ("the
   * client is closed"), their requests abandoned; later calls reject the same way without touching
   * the network. Idempotent. Resolves once the calls in flight have settled. Also run by
   * `Symbol.asyncDispose` / `Symbol.dispose` where the runtime has them.
   */
  close(): Promise<void>;
  /** Calls a method by name; the grouped methods are shorthands for this. */
  call<M extends MethodName>(
    method: M,
    request?: ProveMethods[M]['request'],
    options?: CallOptions,
  ): Promise<ProveMethods[M]['response']>;

  readonly flow: ProveGroups['flow'];
  readonly verifiedUsers: ProveGroups['verifiedUsers'];
  readonly unify: ProveGroups['unify'];
  readonly identityManager: IdentityManagerApi;
  readonly identityData: ProveGroups['identityData'];
  readonly domain: ProveGroups['domain'];
  readonly device: ProveGroups['device'];
  readonly auth: ProveGroups['auth'];
}

/** One entry of the method table. */
export interface MethodInfo {
  name: MethodName;
  operationId: string;
  requestType: string;
  responseType: string;
  /** Whether the request carries `clientRequestId` (so the per-call option applies). */
  clientRequestId: boolean;
}

/** Every method `ProveClient.call` accepts, in a stable order. */
export declare function methods(): MethodInfo[];

// Error classes (ErrorKind, ProveError, one class per kind, ERROR_CLASSES): generated from the
// core's ErrorKind::ALL into ./generated/errors.d.ts.
export * from './generated/errors';

/** One webhook change event. Unknown fields are kept as sent. */
export interface WebhookNotification {
  eventId: string;
  event?: string;
  eventType: 'PHONE_NUMBER_CHANGE' | 'DISCONNECT' | 'PORT' | 'LINE_TYPE_CHANGE' | 'MOVED_OUT_OF_COVERAGE' | (string & {});
  eventTimestamp?: string;
  clientCustomerId?: string;
  identityId?: string;
  [extra: string]: unknown;
}

/** The body of a webhook delivery. */
export interface WebhookPayload {
  notifications: WebhookNotification[];
  [extra: string]: unknown;
}

/**
 * How webhook deliveries are checked. Unknown or ill-typed options throw a ValidationError naming
 * the option.
 */
export interface WebhookOptions {
  /**
   * Refuse tokens without a `body_sha256` claim (default false: the claim is checked when present).
   * Without the claim the body is not bound to the token at all.
   */
  requireBodyHash?: boolean;
  /**
   * Accept each token once only: the tokens' `jti` are remembered until they expire, and tokens
   * without a `jti` are refused (default false). `WebhookVerifier` only: the memory lives in it.
   */
  rejectReplays?: boolean;
  /** Allowed clock difference for `exp`, `iat` and `nbf`, in milliseconds (default 60 000). */
  leewayMs?: number;
  /** Oldest accepted `iat`, in milliseconds (default 600 000). */
  maxAgeMs?: number;
}

/** Options of a one-off verification: a single call cannot remember earlier tokens. */
export type VerifyWebhookOptions = Omit<WebhookOptions, 'rejectReplays'> & { rejectReplays?: false };

/** A verified delivery with the token's identifying claims. */
export interface VerifiedWebhook {
  /** The parsed body. */
  payload: WebhookPayload;
  /** The token's `jti` claim (undefined when the token has none; always set with `rejectReplays`). */
  jti?: string;
  /** The token's `iat`. */
  issuedAt: Date;
  /** The token's `exp`. */
  expiresAt: Date;
  /** Index, in the given secrets, of the one whose signature matched. */
  secretIndex: number;
}

/**
 * Verifies a webhook delivery (HS256, issuer, time window, body hash when present or required) and
 * parses it. Throws WebhookError naming what failed. Does not refuse replays: use WebhookVerifier.
 */
export declare function verifyWebhook(
  authorizationHeader: string | undefined,
  rawBody: Uint8Array | string,
  secrets: string | readonly string[],
  options?: VerifyWebhookOptions,
): WebhookPayload;

/** Like verifyWebhook, returning the payload with the token's `jti`, `iat`, `exp` and secret index. */
export declare function verifyWebhookDetailed(
  authorizationHeader: string | undefined,
  rawBody: Uint8Array | string,
  secrets: string | readonly string[],
  options?: VerifyWebhookOptions,
): VerifiedWebhook;

/**
 * A webhook verifier kept for the life of the process. With `rejectReplays` it remembers the
 * tokens it accepted until they expire and refuses them the second time.
 */
export declare class WebhookVerifier {
  constructor(secrets: string | readonly string[], options?: WebhookOptions);
  /** Verifies a delivery and returns its parsed body. Throws WebhookError naming what failed. */
  verify(authorizationHeader: string | undefined, rawBody: Uint8Array | string): WebhookPayload;
  /** Verifies a delivery and returns the payload with the token's claims. */
  verifyDetailed(authorizationHeader: string | undefined, rawBody: Uint8Array | string): VerifiedWebhook;
}

/** A signed test delivery. */
export interface SignedWebhook {
  /** Value of the X-Prove-Authorization header. */
  authorization: string;
  /** The body to send, exactly as signed. */
  body: string;
}

/** Signs a webhook delivery exactly as Prove does, for tests of your own endpoint. */
export declare function signTestWebhook(
  secret: string,
  options?: { payload?: WebhookPayload | string | Uint8Array; eventType?: string },
): SignedWebhook;

/** The known webhook event types. */
export declare function webhookEventTypes(): string[];

/** One redacted log record. */
export interface LogRecord {
  level: 'debug' | 'warn';
  message: string;
  operation?: string;
  method?: string;
  /** Path template, never the filled-in path. */
  path?: string;
  attempt?: number;
  status?: number;
  latencyMs?: number;
  outcome?: string;
}

/**
 * Sends the SDK's redacted HTTP events to `logger`, or stops when it is null. Ill-typed or unknown
 * options throw a ValidationError naming the option, leaving the current logger in place.
 */
export declare function setLogger(
  logger: ((record: LogRecord) => void) | null,
  options?: { level?: 'debug' | 'warn' } | null,
): void;

/** Version of this package. */
export declare const VERSION: string;
