// Conformance of prove-sandbox against Prove's official TypeScript SDK, @prove-identity/prove-api
// 0.9.6. Every call below goes through the unmodified SDK over real HTTP on loopback.
//
// Run: cd tests/conformance && npm ci && npm test   (see README.md)

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import * as errors from "@prove-identity/prove-api/models/errors/index.js";

import { makeSdk, sleep, startSandbox } from "./harness.mjs";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Sandbox test users (shared/prove-api/sandbox.md).
const MILO = {
  phoneNumber: "2001001695",
  firstName: "Milo",
  lastName: "Pinson",
  address: "6377 Birchwood Hill",
  city: "Littleton",
  region: "CO",
  postalCode: "80161-2001",
  dob: "1981-01-17",
  ssn: "847350596",
  email: "mpinsonm@dyndns.org",
};
const MARTINA = {
  phoneNumber: "2001004000",
  firstName: "Martina",
  lastName: "Goodram",
  address: "28965 Homewood Plaza",
  city: "Little Rock",
  region: "AR",
  postalCode: "72204",
  dob: "1995-07-26",
  ssn: "490959347",
  email: "mgoodram0@nasa.gov",
};
const VERIFIED_USER = { phoneNumber: "2001004011", firstName: "Sheilakathryn", lastName: "Butrimovich" };
const UNIFY_SHORT_TERM = { phoneNumber: "2001004018" };
const UNIFY_USER = { phoneNumber: "2001004014" };

/** Every phone number, name and email used here: none may appear in the sandbox's log output. */
const PERSONAL_DATA = [MILO, MARTINA, VERIFIED_USER, UNIFY_SHORT_TERM, UNIFY_USER].flatMap((u) =>
  [u.phoneNumber, u.firstName, u.lastName, u.email, u.ssn, u.dob, u.address].filter(Boolean),
);

/** @type {import("./harness.mjs").SandboxProcess} */
let sandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox?.stop();
});

// ---------------------------------------------------------------------------------------------
// helpers

/** Awaits an SDK call that must decode; a decode failure is reported with the SDK's own detail. */
async function decoded(promise) {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof errors.SDKValidationError) {
      assert.fail(`the SDK could not decode the sandbox's answer:\n${err.pretty()}\nraw: ${JSON.stringify(err.rawValue)}`);
    }
    throw err;
  }
}

/** Awaits an SDK call that must be rejected, and returns the error. */
async function rejected(promise) {
  try {
    const value = await promise;
    assert.fail(`expected the call to fail, it returned ${JSON.stringify(value, (k, v) => (k === "httpMeta" ? undefined : v))}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return err;
  }
  return undefined;
}

/**
 * Asserts the exact 0.9.6 schema defect: the call is rejected with SDKValidationError, and the only
 * problems zod reports are `stringFields` (sent by Prove and the sandbox as strings, typed as
 * objects by 0.9.6). Returns the raw response body the sandbox sent (as the SDK parsed it).
 *
 * @param {Promise<unknown>} promise the SDK call
 * @param {string} key the SDK's result key, e.g. "V3VerifyResponse"
 * @param {string[]} stringFields
 */
async function schemaDefect(promise, key, stringFields) {
  const err = await rejected(promise);
  assert.ok(
    err instanceof errors.SDKValidationError,
    `expected SDKValidationError, got ${err?.name}: ${err?.message}`,
  );
  const issues = err.cause?.issues;
  assert.ok(Array.isArray(issues), "SDKValidationError.cause should be a ZodError");
  // What was actually received is read from the raw value (zod 3 and 4 word issues differently).
  const typeAt = (p) => {
    const v = p.reduce((o, k) => (o == null ? undefined : o[k]), err.rawValue);
    return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
  };
  const seen = issues.map((i) => `${i.path.join(".")} ${i.code} expected=${i.expected} received=${typeAt(i.path)}`).sort();
  const wanted = stringFields.map((f) => `${key}.${f} invalid_type expected=object received=string`).sort();
  assert.deepEqual(seen, wanted, `unexpected decode issues:\n${err.pretty()}`);
  const raw = err.rawValue?.[key];
  assert.ok(raw && typeof raw === "object", "SDKValidationError.rawValue should hold the response body");
  assertNoNulls(raw);
  return raw;
}

/** Prove omits absent optional fields; a `null` anywhere would break the SDK's optional schemas. */
function assertNoNulls(value, where = "body") {
  assert.notEqual(value, null, `${where} is null`);
  if (Array.isArray(value)) value.forEach((v, i) => assertNoNulls(v, `${where}[${i}]`));
  else if (typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertNoNulls(v, `${where}.${k}`);
  }
}

/** The last exchange with `path`, whose raw body must be JSON with Content-Type application/json. */
function rawJson(last, path, status = 200) {
  const exchange = last(path);
  assert.ok(exchange, `no exchange recorded for ${path}`);
  assert.equal(exchange.status, status, `${path} status`);
  assert.match(exchange.contentType, /^application\/json\b/, `${path} content-type`);
  const body = JSON.parse(exchange.body);
  assertNoNulls(body, path);
  return body;
}

async function tokenRequests(sbx) {
  const counters = await sbx.counters();
  assert.equal(typeof counters.tokenRequests, "number", `counters: ${JSON.stringify(counters)}`);
  return counters.tokenRequests;
}

function miloStart(sdk) {
  return sdk.v3.v3StartRequest({ flowType: "mobile", phoneNumber: MILO.phoneNumber });
}

// ---------------------------------------------------------------------------------------------

test("the sandbox announces its URL on the first stdout line", () => {
  assert.match(sandbox.firstLine, /^prove-sandbox listening on http:\/\/127\.0\.0\.1:\d+$/);
  const port = Number(new URL(sandbox.baseUrl).port);
  assert.ok(port > 0 && port < 65536, `port ${port}`);
});

describe("OAuth token through the SDK's client-credentials hook", () => {
  test("the hook fetches one token with a form POST and reuses it", async () => {
    const before = await tokenRequests(sandbox);
    const { sdk, exchanges } = makeSdk(sandbox);
    await decoded(miloStart(sdk));
    await decoded(miloStart(sdk));
    assert.equal((await tokenRequests(sandbox)) - before, 1, "one token for two calls");

    const tokenCalls = exchanges.filter((e) => e.path === "/token");
    assert.equal(tokenCalls.length, 1);
    const [tok] = tokenCalls;
    assert.equal(tok.method, "POST");
    assert.equal(tok.requestContentType, "application/x-www-form-urlencoded");
    assert.equal(tok.status, 200);
    assert.match(tok.contentType, /^application\/json\b/);
    const body = JSON.parse(tok.body);
    assert.equal(body.token_type, "Bearer", "the 0.9.6 hook requires exactly 'Bearer'");
    assert.equal(typeof body.access_token, "string");
    assert.ok(body.access_token.length > 0);
    assert.ok(Number.isInteger(body.expires_in) && body.expires_in > 60, `expires_in ${body.expires_in}`);
    assert.equal(exchanges.filter((e) => e.path === "/v3/start" && e.status === 200).length, 2);
  });

  test("v3TokenRequest decodes the token response", async () => {
    const { sdk } = makeSdk(sandbox);
    const res = await decoded(
      sdk.v3.v3TokenRequest({
        clientId: sandbox.clientId,
        clientSecret: sandbox.clientSecret,
        grantType: "client_credentials",
      }),
    );
    const tok = res.v3TokenResponse;
    assert.ok(tok, "v3TokenResponse present");
    assert.equal(tok.tokenType, "Bearer");
    assert.ok(tok.accessToken.length > 0);
    assert.equal(tok.expiresIn, 3600, "default lifetime is Prove's 60 minutes");
  });

  test("v3TokenRequest with a wrong secret is a typed Error401", async () => {
    const { sdk, last } = makeSdk(sandbox);
    const err = await rejected(
      sdk.v3.v3TokenRequest({
        clientId: sandbox.clientId,
        clientSecret: "not-the-secret",
        grantType: "client_credentials",
      }),
    );
    assert.ok(err instanceof errors.Error401, `expected Error401, got ${err?.name}: ${err?.message}`);
    assert.equal(typeof err.data$.message, "string");
    assert.ok(Number.isInteger(err.data$.code), `code ${err.data$.code}`);
    const body = rawJson(last, "/token", 401);
    assert.deepEqual(Object.keys(body).sort(), ["code", "message"]);
  });

  test("after the sandbox revokes tokens: one typed Error401, then the hook fetches a new token", async () => {
    const { sdk, exchanges, last } = makeSdk(sandbox);
    await decoded(miloStart(sdk));
    const before = await tokenRequests(sandbox);
    await sandbox.revokeTokens();

    const err = await rejected(miloStart(sdk));
    assert.ok(err instanceof errors.Error401, `expected Error401, got ${err?.name}: ${err?.message}`);
    assert.ok(Number.isInteger(err.data$.code), `code ${err.data$.code}`);
    assert.equal(typeof err.data$.message, "string");
    rawJson(last, "/v3/start", 401);

    const res = await decoded(miloStart(sdk));
    assert.match(res.v3StartResponse.correlationId, UUID);
    assert.equal((await tokenRequests(sandbox)) - before, 1, "exactly one new token after the 401");
    const tokens = exchanges.filter((e) => e.path === "/token").map((e) => JSON.parse(e.body).access_token);
    assert.equal(tokens.length, 2);
    assert.notEqual(tokens[0], tokens[1], "the new token differs from the revoked one");
  });

  test("a token expired on the sandbox clock: one typed Error401, then a new token", async () => {
    const { sdk, exchanges, last } = makeSdk(sandbox);
    await decoded(miloStart(sdk));
    const before = await tokenRequests(sandbox);
    // The SDK still holds a token it believes valid for an hour; the sandbox clock moves past it.
    const adv = await sandbox.control("POST", "/sandbox/clock/advance", { seconds: 3_601 });
    assert.equal(adv.status, 200, adv.text);

    const err = await rejected(miloStart(sdk));
    assert.ok(err instanceof errors.Error401, `expected Error401, got ${err?.name}: ${err?.message}`);
    rawJson(last, "/v3/start", 401);

    await decoded(miloStart(sdk));
    assert.equal((await tokenRequests(sandbox)) - before, 1);
    assert.equal(exchanges.filter((e) => e.path === "/token").length, 2);
  });

  describe("short token lifetime (--token-lifetime 61, custom credentials)", () => {
    /** @type {import("./harness.mjs").SandboxProcess} */
    let shortLived;
    before(async () => {
      shortLived = await startSandbox({
        clientId: "conformance-client",
        clientSecret: "conformance-secret",
        tokenLifetimeSecs: 61,
      });
    });
    after(async () => {
      await shortLived?.stop();
    });

    test("the hook refreshes 60 s before expiry and calls keep working", async () => {
      const { sdk, exchanges } = makeSdk(shortLived);
      await decoded(miloStart(sdk));
      assert.equal(await tokenRequests(shortLived), 1);
      const first = JSON.parse(exchanges.find((e) => e.path === "/token").body);
      assert.equal(first.expires_in, 61);

      // The hook treats the token as expired once less than 60 s remain: here after about 1 s.
      await sleep(1_500);
      const res = await decoded(miloStart(sdk));
      assert.match(res.v3StartResponse.correlationId, UUID);
      assert.equal(await tokenRequests(shortLived), 2, "a second token was fetched");
      const tokens = exchanges.filter((e) => e.path === "/token");
      assert.equal(tokens.length, 2);
      assert.notEqual(JSON.parse(tokens[0].body).access_token, JSON.parse(tokens[1].body).access_token);
      assert.ok(exchanges.filter((e) => e.path === "/v3/start").every((e) => e.status === 200));
    });

    test("credentials other than the configured ones are refused", async () => {
      const { sdk } = makeSdk(shortLived, { clientID: "prove-sandbox-client", clientSecret: "prove-sandbox-secret" });
      const err = await rejected(miloStart(sdk));
      // The 0.9.6 hook turns any non-2xx token answer into a plain Error, wrapped by the SDK.
      assert.ok(err instanceof errors.UnexpectedClientError, `got ${err?.name}: ${err?.message}`);
      assert.match(String(err.cause?.message), /Unexpected status code/);
    });
  });
});

describe("Pre-Fill with challenge (Milo Pinson)", () => {
  for (const via of ["dob", "ssn"]) {
    test(`start -> validate -> challenge (${via}) -> complete`, async () => {
      const { sdk, last } = makeSdk(sandbox);

      const start = (await decoded(miloStart(sdk))).v3StartResponse;
      assert.match(start.correlationId, UUID);
      assert.equal(typeof start.authToken, "string");
      assert.ok(start.authToken.length > 0);
      assert.deepEqual(start.next, { "v3-validate": "/v3/validate" });
      rawJson(last, "/v3/start");

      const validate = (await decoded(sdk.v3.v3ValidateRequest({ correlationId: start.correlationId })))
        .v3ValidateResponse;
      assert.equal(validate.success, true);
      assert.equal(validate.challengeMissing, true, "neither dob nor ssn was sent on start");
      assert.ok("v3-challenge" in validate.next, `next: ${JSON.stringify(validate.next)}`);
      assert.equal(validate.next["v3-challenge"], "/v3/challenge");
      if (validate.phoneNumber !== undefined) assert.equal(validate.phoneNumber, MILO.phoneNumber);
      rawJson(last, "/v3/validate");

      const challengeReq = { correlationId: start.correlationId, [via]: MILO[via] };
      const challenge = (await decoded(sdk.v3.v3ChallengeRequest(challengeReq))).v3ChallengeResponse;
      assert.equal(challenge.success, true);
      assert.deepEqual(challenge.next, { "v3-complete": "/v3/complete" });
      const person = challenge.individual;
      assert.ok(person, "challenge returns the individual");
      assert.equal(person.firstName, MILO.firstName);
      assert.equal(person.lastName, MILO.lastName);
      assert.ok(Array.isArray(person.addresses) && person.addresses.length >= 1);
      assert.equal(person.addresses[0].address, MILO.address);
      assert.equal(person.addresses[0].city, MILO.city);
      assert.equal(person.addresses[0].region, MILO.region);
      assert.equal(person.addresses[0].postalCode, MILO.postalCode);
      assert.deepEqual(person.emailAddresses, [MILO.email]);
      if (person.dob !== undefined) assert.equal(person.dob, MILO.dob);
      if (person.ssn !== undefined) assert.equal(person.ssn, MILO.ssn);
      // Nothing the sandbox sent was dropped by the SDK's decoder except keys 0.9.6 does not know.
      const rawChallenge = rawJson(last, "/v3/challenge");
      assert.deepEqual(rawChallenge.individual, person);

      const complete = (
        await decoded(sdk.v3.v3CompleteRequest({ correlationId: start.correlationId, individual: person }))
      ).v3CompleteResponse;
      assert.equal(complete.success, true);
      assert.deepEqual(complete.next, { done: "done" });
      rawJson(last, "/v3/complete");
    });
  }
});

describe("Pre-Fill with the challenge data sent on start (Milo Pinson)", () => {
  test("start (dob) -> validate (challengeMissing false) -> challenge with no data -> complete", async () => {
    const { sdk } = makeSdk(sandbox);
    const start = (
      await decoded(sdk.v3.v3StartRequest({ flowType: "mobile", phoneNumber: MILO.phoneNumber, dob: MILO.dob }))
    ).v3StartResponse;
    const validate = (await decoded(sdk.v3.v3ValidateRequest({ correlationId: start.correlationId })))
      .v3ValidateResponse;
    assert.equal(validate.success, true);
    assert.equal(validate.challengeMissing, false, "dob was sent on start");
    assert.equal(validate.next["v3-challenge"], "/v3/challenge");
    const challenge = (await decoded(sdk.v3.v3ChallengeRequest({ correlationId: start.correlationId })))
      .v3ChallengeResponse;
    assert.equal(challenge.success, true);
    assert.equal(challenge.individual?.lastName, MILO.lastName);
    const complete = (
      await decoded(
        sdk.v3.v3CompleteRequest({ correlationId: start.correlationId, individual: challenge.individual }),
      )
    ).v3CompleteResponse;
    assert.equal(complete.success, true);
  });
});

describe("Prove Identity without challenge (Martina Goodram)", () => {
  test("start -> validate (next has v3-complete) -> complete", async () => {
    const { sdk, last } = makeSdk(sandbox);
    const start = (await decoded(sdk.v3.v3StartRequest({ flowType: "mobile", phoneNumber: MARTINA.phoneNumber })))
      .v3StartResponse;
    assert.match(start.correlationId, UUID);
    assert.deepEqual(start.next, { "v3-validate": "/v3/validate" });

    const validate = (await decoded(sdk.v3.v3ValidateRequest({ correlationId: start.correlationId })))
      .v3ValidateResponse;
    assert.equal(validate.success, true);
    assert.ok("v3-complete" in validate.next, `next: ${JSON.stringify(validate.next)}`);
    assert.ok(!("v3-challenge" in validate.next), `next: ${JSON.stringify(validate.next)}`);
    rawJson(last, "/v3/validate");

    const complete = (
      await decoded(
        sdk.v3.v3CompleteRequest({
          correlationId: start.correlationId,
          individual: {
            firstName: MARTINA.firstName,
            lastName: MARTINA.lastName,
            addresses: [
              { address: MARTINA.address, city: MARTINA.city, region: MARTINA.region, postalCode: MARTINA.postalCode },
            ],
            emailAddresses: [MARTINA.email],
            dob: MARTINA.dob,
            ssn: MARTINA.ssn,
          },
        }),
      )
    ).v3CompleteResponse;
    assert.equal(complete.success, true);
    assert.deepEqual(complete.next, { done: "done" });
    rawJson(last, "/v3/complete");
  });
});

describe("Prove error bodies decode into the SDK's typed errors", () => {
  test("a step out of order is a 403 Error403 with Prove's code", async () => {
    const { sdk, last } = makeSdk(sandbox);
    const start = (await decoded(miloStart(sdk))).v3StartResponse;
    const err = await rejected(
      sdk.v3.v3CompleteRequest({
        correlationId: start.correlationId,
        individual: { firstName: MILO.firstName, lastName: MILO.lastName },
      }),
    );
    assert.ok(err instanceof errors.Error403, `expected Error403, got ${err?.name}: ${err?.message}`);
    assert.ok([1003, 8003].includes(err.code), `code ${err.code}`);
    assert.equal(typeof err.data$.message, "string");
    const body = rawJson(last, "/v3/complete", 403);
    assert.deepEqual(Object.keys(body).sort(), ["code", "message"]);
  });

  test("a missing required field is a 400 ErrorT (code 1001) naming the field", async () => {
    const { sdk, last } = makeSdk(sandbox);
    // 0.9.6 types phoneNumber as optional on start; the sandbox requires it, as Prove's sandbox does.
    const err = await rejected(sdk.v3.v3StartRequest({ flowType: "mobile" }));
    assert.ok(err instanceof errors.ErrorT, `expected ErrorT, got ${err?.name}: ${err?.message}`);
    assert.equal(err.code, 1001);
    assert.match(err.data$.message, /phoneNumber/);
    rawJson(last, "/v3/start", 400);
  });

  test("unify without clientRequestId (optional in 0.9.6, required today) is a 400 ErrorT (code 1001)", async () => {
    const { sdk, last } = makeSdk(sandbox);
    const err = await rejected(sdk.v3.v3UnifyRequest({ possessionType: "mobile", phoneNumber: UNIFY_SHORT_TERM.phoneNumber }));
    assert.ok(err instanceof errors.ErrorT, `expected ErrorT, got ${err?.name}: ${err?.message}`);
    assert.equal(err.code, 1001);
    assert.match(err.data$.message, /clientRequestId/);
    rawJson(last, "/v3/unify", 400);
  });

  test("a phone number that is no test user is a 400 ErrorT with code 8007", async () => {
    const { sdk, last } = makeSdk(sandbox);
    const err = await rejected(sdk.v3.v3StartRequest({ flowType: "mobile", phoneNumber: "2001009999" }));
    assert.ok(err instanceof errors.ErrorT, `expected ErrorT, got ${err?.name}: ${err?.message}`);
    assert.equal(err.code, 8007);
    rawJson(last, "/v3/start", 400);
  });

  test("an unknown correlation id is a 400 ErrorT with code 8008", async () => {
    const { sdk, last } = makeSdk(sandbox);
    const err = await rejected(sdk.v3.v3ValidateRequest({ correlationId: "00000000-0000-4000-8000-000000000000" }));
    assert.ok(err instanceof errors.ErrorT, `expected ErrorT, got ${err?.name}: ${err?.message}`);
    assert.equal(err.code, 8008);
    rawJson(last, "/v3/validate", 400);
  });
});

describe("operations 0.9.6 cannot decode (its schemas type string results as objects)", () => {
  test("verify without possession: success/possessionResult/verifyResult are strings", async () => {
    const { sdk } = makeSdk(sandbox);
    const raw = await schemaDefect(
      sdk.v3.v3VerifyRequest({
        possessionType: "none",
        firstName: VERIFIED_USER.firstName,
        lastName: VERIFIED_USER.lastName,
        phoneNumber: VERIFIED_USER.phoneNumber,
        clientRequestId: "conformance-verify-none",
      }),
      "V3VerifyResponse",
      ["possessionResult", "success", "verifyResult"],
    );
    assert.match(raw.correlationId, UUID);
    assert.equal(raw.success, "true");
    assert.equal(raw.possessionResult, "not_applicable");
    assert.equal(raw.verifyResult, "success");
  });

  test("verify with possession -> possession -> verify-status", async () => {
    const { sdk } = makeSdk(sandbox);
    const raw = await schemaDefect(
      sdk.v3.v3VerifyRequest({
        possessionType: "mobile",
        firstName: VERIFIED_USER.firstName,
        lastName: VERIFIED_USER.lastName,
        phoneNumber: VERIFIED_USER.phoneNumber,
        finalTargetUrl: "https://www.example.com",
      }),
      "V3VerifyResponse",
      ["possessionResult", "success", "verifyResult"],
    );
    assert.match(raw.correlationId, UUID);
    assert.equal(raw.success, "pending");
    assert.equal(raw.possessionResult, "pending");
    // The Verified Users guide: verifyResult stays `pending` until possession is decided.
    assert.equal(raw.verifyResult, "pending");
    assert.equal(typeof raw.authToken, "string");

    const poss = await sandbox.possession(raw.correlationId, "success");
    assert.equal(poss.status, 200, poss.text);

    const status = await schemaDefect(
      sdk.v3.v3VerifyStatusRequest({ correlationId: raw.correlationId }),
      "V3VerifyStatusResponse",
      ["possessionResult", "success", "verifyResult"],
    );
    assert.equal(status.success, "true");
    assert.equal(status.possessionResult, "success");
    assert.equal(status.verifyResult, "success");
  });

  test("unify (short-term user) -> unify-status", async () => {
    const { sdk } = makeSdk(sandbox);
    const raw = await schemaDefect(
      sdk.v3.v3UnifyRequest({
        possessionType: "mobile",
        phoneNumber: UNIFY_SHORT_TERM.phoneNumber,
        clientRequestId: "conformance-unify-1",
      }),
      "V3UnifyResponse",
      ["success"],
    );
    assert.match(raw.correlationId, UUID);
    assert.equal(raw.success, "pending");
    assert.equal(typeof raw.authToken, "string");

    const status = await schemaDefect(
      sdk.v3.v3UnifyStatusRequest({ correlationId: raw.correlationId }),
      "V3UnifyStatusResponse",
      ["success"],
    );
    assert.equal(status.success, "true");
    assert.equal(status.phoneNumber, UNIFY_SHORT_TERM.phoneNumber);
  });

  test("unify desktop (Instant Link): pending until the possession control, then true", async () => {
    const { sdk } = makeSdk(sandbox);
    const raw = await schemaDefect(
      sdk.v3.v3UnifyRequest({
        possessionType: "desktop",
        phoneNumber: UNIFY_USER.phoneNumber,
        finalTargetUrl: "https://www.example.com",
        clientRequestId: "conformance-unify-3",
      }),
      "V3UnifyResponse",
      ["success"],
    );
    assert.equal(raw.success, "pending");

    const waiting = await schemaDefect(
      sdk.v3.v3UnifyStatusRequest({ correlationId: raw.correlationId }),
      "V3UnifyStatusResponse",
      ["success"],
    );
    assert.equal(waiting.success, "pending", "no possession yet");

    const poss = await sandbox.possession(raw.correlationId, "success");
    assert.equal(poss.status, 200, poss.text);

    const done = await schemaDefect(
      sdk.v3.v3UnifyStatusRequest({ correlationId: raw.correlationId }),
      "V3UnifyStatusResponse",
      ["success"],
    );
    assert.equal(done.success, "true");
    assert.equal(done.phoneNumber, UNIFY_USER.phoneNumber);
    assert.equal(typeof done.proveId, "string");
  });

  test("unify customer-supplied possession: none -> possession_required -> unify-bind", async () => {
    const { sdk } = makeSdk(sandbox);
    const raw = await schemaDefect(
      sdk.v3.v3UnifyRequest({
        possessionType: "none",
        phoneNumber: UNIFY_USER.phoneNumber,
        clientRequestId: "conformance-unify-2",
      }),
      "V3UnifyResponse",
      ["success"],
    );
    assert.equal(raw.success, "pending");

    const status = await schemaDefect(
      sdk.v3.v3UnifyStatusRequest({ correlationId: raw.correlationId }),
      "V3UnifyStatusResponse",
      ["success"],
    );
    assert.equal(status.success, "possession_required");

    const bind = await schemaDefect(
      sdk.v3.v3UnifyBindRequest({ correlationId: raw.correlationId, phoneNumber: UNIFY_USER.phoneNumber }),
      "V3UnifyBindResponse",
      ["success"],
    );
    assert.equal(bind.success, "true");
    assert.equal(bind.phoneNumber, UNIFY_USER.phoneNumber);
  });
});

test("the sandbox's request log shows no personal data or tokens", () => {
  const out = sandbox.output();
  assert.ok(out.includes("/v3/start"), "the sandbox logs one line per request");
  for (const needle of [...PERSONAL_DATA, "Bearer "]) {
    assert.ok(!out.includes(needle), `sandbox output contains ${JSON.stringify(needle.slice(0, 3))}...`);
  }
});
