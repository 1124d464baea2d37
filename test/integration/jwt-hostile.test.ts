// Issue 3, end to end: JwtStrategy (service-to-service JWTs, jsonwebtoken) behind the real HTTP transport,
// attacked with hostile tokens. Two servers: an HS256 key ring (rotation by kid) and an RS256 public key.
// Every refusal: 401 (400 for request-shape problems), Bearer challenge from the fixed set, no
// resource_metadata (no OAuth metadata configured), JSON-RPC -32001, one auth.failure event without the
// credential, no credential in any log line, and a valid token served right afterwards.
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { JwtStrategy, type AuthFailureReason } from "../../src";
import { signTestJwt } from "../../src/testing";
import {
  assertNoLeak,
  b64url,
  bearer,
  expectRefusal as refuse,
  forge,
  hmacJws,
  nowSeconds,
  rawRequest,
  secretsOf,
  startServer,
  type RawResponse,
  type TestServer,
} from "../fixtures/oauth";
import { httpClient } from "../fixtures/processes";

const ISSUER = "https://auth.internal";
const SECRET_OLD = randomBytes(32).toString("base64url");
const SECRET_NEW = randomBytes(32).toString("base64url");
const WRONG_SECRET = randomBytes(32).toString("base64url");

describe("JwtStrategy end to end: hostile service tokens", () => {
  let hs: TestServer;
  let rs: TestServer;
  let rsa: { publicKey: KeyObject; privateKey: KeyObject };
  let ec: { publicKey: KeyObject; privateKey: KeyObject };
  let goodHs: string;
  let goodRs: string;

  /** A token for the HS server: kid 2026-02 (the new key), issuer and audience right, 5 minutes. */
  const hsToken = (claims: Record<string, unknown> | string = { sub: "svc:billing" }, opts: Partial<Parameters<typeof signTestJwt>[1]> = {}) =>
    signTestJwt(claims, { secret: SECRET_NEW, keyid: "2026-02", issuer: ISSUER, audience: hs.url, ...opts });

  const refuseHs = (request: { headers?: Record<string, string> | [string, string][]; url?: string }, expected: { status?: number; reason: AuthFailureReason | "invalid_request"; secrets: string[] }): Promise<RawResponse> =>
    refuse(hs, goodHs, request, { ...expected, strategy: "jwt", resourceMetadata: null });

  before(async () => {
    rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    hs = await startServer(
      (url) =>
        new JwtStrategy({
          keys: [
            { kid: "2026-01", alg: "HS256", key: SECRET_OLD },
            { kid: "2026-02", alg: "HS256", key: SECRET_NEW },
          ],
          issuer: ISSUER,
          audience: url,
          maxTokenAge: "15m",
        }),
      { name: "jwt-hs" },
    );
    rs = await startServer((url) => new JwtStrategy({ publicKey: rsa.publicKey, issuer: ISSUER, audience: url }), { name: "jwt-rs" });
    goodHs = hsToken();
    goodRs = signTestJwt({ sub: "svc:reports" }, { secret: rsa.privateKey, algorithm: "RS256", issuer: ISSUER, audience: rs.url });
  });
  after(async () => {
    await hs?.close();
    await rs?.close();
  });

  it("serves the official SDK client with valid tokens signed by either key of the ring, and by the RSA key", async () => {
    for (const [url, token, service] of [
      [hs.url, goodHs, "svc:billing"],
      [hs.url, hsToken({ sub: "svc:legacy" }, { secret: SECRET_OLD, keyid: "2026-01" }), "svc:legacy"],
      [rs.url, goodRs, "svc:reports"],
    ] as const) {
      const client = await httpClient(url, bearer(token));
      try {
        const r = await client.callTool({ name: "whoami", arguments: {} });
        assert.deepEqual(r.structuredContent, { subject: service, roles: [], scopes: [], strategy: "jwt" });
      } finally {
        await client.close();
      }
    }
  });

  describe("algorithm attacks", () => {
    const base = () => ({ sub: "svc:billing", iss: ISSUER, aud: hs.url, iat: nowSeconds(), exp: nowSeconds() + 300 });
    const cases: [string, () => TestServer, () => string][] = [
      ["alg: none with an empty signature (HS server)", () => hs, () => forge({ alg: "none", typ: "JWT", kid: "2026-02" }, base())],
      ["alg: none with an empty signature (RS server)", () => rs, () => forge({ alg: "none", typ: "JWT" }, { ...base(), aud: rs.url })],
      [
        "HS256 signed with the RS256 public key (PEM) as the HMAC secret",
        () => rs,
        () => hmacJws({ alg: "HS256", typ: "JWT" }, { ...base(), aud: rs.url }, rsa.publicKey.export({ type: "spki", format: "pem" }).toString()),
      ],
      ["HS512 (outside the list) with a 64-byte secret", () => hs, () => signTestJwt({ sub: "svc:billing" }, { secret: randomBytes(64), algorithm: "HS512", issuer: ISSUER, audience: hs.url })],
      ["a correctly signed RS256 token on the HS server", () => hs, () => signTestJwt({ sub: "svc:billing" }, { secret: rsa.privateKey, algorithm: "RS256", keyid: "2026-02", issuer: ISSUER, audience: hs.url })],
      ["a correctly signed ES256 token on the RS256 server", () => rs, () => signTestJwt({ sub: "svc:billing" }, { secret: ec.privateKey, algorithm: "ES256", issuer: ISSUER, audience: rs.url })],
    ];
    for (const [label, server, make] of cases)
      it(`refuses ${label}: 401 unsupported_algorithm`, async () => {
        const srv = server();
        const token = make();
        await refuse(srv, srv === hs ? goodHs : goodRs, { headers: bearer(token) }, { reason: "unsupported_algorithm", secrets: secretsOf(token), strategy: "jwt", resourceMetadata: null });
      });
  });

  describe("signature and shape attacks", () => {
    const cases: [string, AuthFailureReason, () => string][] = [
      ["a token signed with a wrong secret (kid of a real key)", "bad_signature", () => hsToken(undefined, { secret: WRONG_SECRET })],
      ["a token signed with a wrong secret and no kid (every key tried)", "bad_signature", () => hsToken(undefined, { secret: WRONG_SECRET, keyid: undefined })],
      ["the old key's signature under the new key's kid", "bad_signature", () => hsToken(undefined, { secret: SECRET_OLD })],
      [
        "a tampered payload (roles added, signature kept)",
        "bad_signature",
        () => {
          const [h, p, s] = goodHs.split(".");
          return `${h}.${b64url(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), roles: ["admin"] }))}.${s}`;
        },
      ],
      ["a 3-byte signature", "bad_signature", () => goodHs.slice(0, goodHs.lastIndexOf(".") + 1) + "AAAA"],
      ["a token truncated mid-payload", "malformed_token", () => goodHs.slice(0, goodHs.indexOf(".") + 12)],
      ["non-base64url characters", "malformed_token", () => `${goodHs.split(".")[0]}.e30*!.c2ln`],
      // jws.decode JSON.parses a "typ":"JWT" payload unguarded: a raw SyntaxError must still be a plain 401.
      ["a non-JSON payload with typ JWT (SyntaxError path)", "malformed_token", () => hmacJws({ alg: "HS256", typ: "JWT", kid: "2026-02" }, "{not json", SECRET_NEW)],
      ["a JSON string payload", "malformed_token", () => hsToken('"svc:billing"')],
      ["a JSON array payload", "malformed_token", () => hsToken('["svc:billing"]')],
      ["two segments only", "malformed_token", () => goodHs.slice(0, goodHs.lastIndexOf("."))],
      ["an unknown crit header", "malformed_token", () => hsToken(undefined, { header: { crit: ["exp-v2"], "exp-v2": 1 } })],
      ["a 12 KiB token (under Node's 16 KiB header limit)", "token_too_large", () => `${goodHs.split(".")[0]}.${"A".repeat(12 * 1024)}.${goodHs.split(".")[2]}`],
    ];
    for (const [label, reason, make] of cases)
      it(`refuses ${label}: 401 ${reason}`, async () => {
        const token = make();
        await refuseHs({ headers: bearer(token) }, { reason, secrets: secretsOf(token) });
      });

    it("refuses a 64 KiB token (Node answers 431 before the app, or resets) and keeps serving", async () => {
      const token = `${goodHs.split(".")[0]}.${"A".repeat(64 * 1024)}.${goodHs.split(".")[2]}`;
      const res = await rawRequest(hs.url, { headers: bearer(token) });
      assert.ok(res.status === 431 || res.status === 0, `refused: ${res.status} ${res.error ?? ""}`);
      assertNoLeak("audit events and log lines", hs.cap.all(), secretsOf(token));
      const ok = await rawRequest(hs.url, { headers: bearer(goodHs) });
      assert.equal(ok.status, 200);
    });
  });

  describe("time claims and lifetime", () => {
    const cases: [string, AuthFailureReason, () => string][] = [
      ["an expired token", "expired", () => hsToken(undefined, { expiresIn: -60 })],
      ["nbf an hour in the future", "not_yet_valid", () => hsToken({ sub: "svc:billing", nbf: nowSeconds() + 3600 })],
      ["iat an hour in the future", "issued_in_future", () => hsToken({ sub: "svc:billing", iat: nowSeconds() + 3600, exp: nowSeconds() + 3900 })],
      ["no exp", "missing_exp", () => hsToken(undefined, { expiresIn: null })],
      ["a lifetime (exp - iat) of one hour, over maxTokenAge 15m", "lifetime_too_long", () => hsToken(undefined, { expiresIn: "1h" })],
      ["no iat and exp a day away", "lifetime_too_long", () => hsToken({ sub: "svc:billing", exp: nowSeconds() + 86_400 })],
      ["exp far beyond any date (1e300)", "lifetime_too_long", () => hsToken({ sub: "svc:billing", iat: nowSeconds(), exp: 1e300 })],
    ];
    for (const [label, reason, make] of cases)
      it(`refuses ${label}: 401 ${reason}`, async () => {
        const token = make();
        await refuseHs({ headers: bearer(token) }, { reason, secrets: secretsOf(token) });
      });
  });

  describe("issuer, audience and key id", () => {
    const cases: [string, AuthFailureReason, () => string][] = [
      ["a wrong iss", "wrong_issuer", () => hsToken(undefined, { issuer: "https://evil.example" })],
      ["no iss", "wrong_issuer", () => hsToken(undefined, { issuer: undefined })],
      ["a wrong aud", "wrong_audience", () => hsToken(undefined, { audience: "https://billing.other.example/mcp" })],
      ["an aud for a different resource on the same host", "wrong_audience", () => hsToken(undefined, { audience: hs.url.replace(/\/mcp$/, "/admin") })],
      ["the RS server's aud (token passthrough between services)", "wrong_audience", () => hsToken(undefined, { audience: rs.url })],
      ["no aud", "wrong_audience", () => hsToken(undefined, { audience: undefined })],
      ["no sub", "invalid_credentials", () => hsToken({ scope: "x" })],
      ["an unknown kid", "unknown_key", () => hsToken(undefined, { keyid: "2025-99" })],
      ["a kid that looks like a path", "unknown_key", () => hsToken(undefined, { keyid: "../../../../dev/null" })],
      ["a kid that looks like SQL", "unknown_key", () => hsToken(undefined, { keyid: "x' UNION SELECT 'secret" })],
      // Built by hand: jws base64-encodes the header as latin1, which would mangle the emoji into invalid UTF-8.
      [
        "a kid with quotes, U+2028 and an emoji (header injection)",
        "unknown_key",
        () => hmacJws({ alg: "HS256", typ: "JWT", kid: 'k", error="none\u2028😀' }, { sub: "svc:billing", iss: ISSUER, aud: hs.url, iat: nowSeconds(), exp: nowSeconds() + 300 }, SECRET_NEW),
      ],
      ["a kid whose header is not valid UTF-8 (jws latin1-encodes headers)", "malformed_token", () => hsToken(undefined, { keyid: "k😀" })],
    ];
    for (const [label, reason, make] of cases)
      it(`refuses ${label}: 401 ${reason}`, async () => {
        const token = make();
        const res = await refuseHs({ headers: bearer(token) }, { reason, secrets: secretsOf(token) });
        assert.ok(!/dev\/null|UNION|evil|2025-99/.test(JSON.stringify(res.headers) + hs.cap.all()), "no attacker text is echoed");
      });
  });

  describe("how the credential is sent", () => {
    it("refuses Authorization: Basic with 401 invalid_credentials", async () => {
      const basic = Buffer.from(`svc:billing:${SECRET_NEW}`).toString("base64");
      await refuseHs({ headers: { authorization: `Basic ${basic}` } }, { reason: "invalid_credentials", secrets: [basic, SECRET_NEW] });
    });

    it("refuses an empty bearer with 401 malformed_token", async () => {
      await refuseHs({ headers: { authorization: "Bearer " } }, { reason: "malformed_token", secrets: [] });
    });

    it("refuses two Authorization headers with 400 invalid_request", async () => {
      const forged = hsToken({ sub: "svc:root" }, { secret: WRONG_SECRET });
      await refuseHs({ headers: [["authorization", `Bearer ${goodHs}`], ["authorization", `Bearer ${forged}`]] }, { status: 400, reason: "invalid_request", secrets: [...secretsOf(forged), goodHs.split(".")[2]] });
    });

    it("refuses a token in the query string with 400 invalid_request", async () => {
      await refuseHs({ url: `${hs.url}?access_token=${goodHs}` }, { status: 400, reason: "invalid_request", secrets: [goodHs.split(".")[2]] });
    });
  });

  describe("hostile claims never grant roles they do not name", () => {
    const hostile: [string, () => string][] = [
      [
        'an own "__proto__": {"roles": ["admin"]} claim',
        () => hsToken(`{"sub":"svc:mallory","iss":"${ISSUER}","aud":"${hs.url}","iat":${nowSeconds()},"exp":${nowSeconds() + 300},"__proto__":{"roles":["admin"]}}`),
      ],
      ['"roles": "admin,root" (a string, not a list)', () => hsToken({ sub: "svc:mallory", roles: "admin,root" })],
      ['"roles": [["admin"]] (nested list)', () => hsToken({ sub: "svc:mallory", roles: [["admin"]] })],
    ];
    for (const [label, make] of hostile)
      it(`${label}: whoami shows roles [], the admin tool answers -32003`, async () => {
        const token = make();
        const client = await httpClient(hs.url, bearer(token));
        try {
          const who = await client.callTool({ name: "whoami", arguments: {} });
          assert.deepEqual(who.structuredContent, { subject: "svc:mallory", roles: [], scopes: [], strategy: "jwt" });
          const err = await client.callTool({ name: "admin_only", arguments: {} }).then(
            () => assert.fail("admin_only must be refused"),
            (e: unknown) => e,
          );
          assert.ok(err instanceof McpError, String(err));
          assert.equal(err.code, -32003);
          assert.equal(({} as Record<string, unknown>).roles, undefined, "Object.prototype is untouched");
          assertNoLeak("audit events and log lines", hs.cap.all(), secretsOf(token));
        } finally {
          await client.close();
        }
      });

    it("a token that does name the role is allowed (the check above can fail)", async () => {
      const client = await httpClient(hs.url, bearer(hsToken({ sub: "svc:ops", roles: ["admin"] })));
      try {
        assert.deepEqual((await client.callTool({ name: "admin_only", arguments: {} })).content, [{ type: "text", text: "admin action done" }]);
      } finally {
        await client.close();
      }
    });
  });

  // Mocha runs a suite's own tests before its child suites: this check lives in the last child suite.
  describe("afterwards", () => {
    it("no secret, token or signature of any test above reached a log line or audit event", () => {
      const text = hs.cap.all() + rs.cap.all();
      assertNoLeak("logs", text, [SECRET_OLD, SECRET_NEW, WRONG_SECRET, goodHs, goodHs.split(".")[2], goodRs, goodRs.split(".")[2]]);
      assert.ok(hs.cap.events.filter((e) => e.type === "auth.failure").length >= 30, "the failures above were audited");
    });
  });
});
