import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { callGateway } from "../support/gateway.ts";
import { seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";

// Production verifies tokens against the identity provider's JWKS (the sandbox stands in for it).
const jwks = () => ({ JWT_JWKS_URL: `${env.SANDBOX_URL}/identity/jwks.json` });
let privateKey: CryptoKey;
const kid = `test-${crypto.randomUUID()}`;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  privateKey = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" };
  const response = await fetch(`${env.SANDBOX_URL}/__sandbox/jwks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ keys: [publicJwk] }),
  });
  expect(response.status).toBe(201);
});

function rs256Token(issuer = env.JWT_ISSUER) {
  return new SignJWT({ scope: "payments:inquire" })
    .setProtectedHeader({ alg: "RS256", kid })
    .setSubject("mobile-app")
    .setIssuer(issuer)
    .setAudience(env.JWT_AUDIENCE)
    .setExpirationTime("5m")
    .sign(privateKey);
}

describe("bearer tokens verified against a JWKS", () => {
  it("accepts an RS256 token signed by a published key", async () => {
    const premium = await seedPremium();
    const response = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { token: await rs256Token(), env: jwks() });
    expect(response.status).toBe(200);
  });

  it("refuses an HS256 token, even one signed with JWT_SECRET, once a JWKS is configured", async () => {
    const response = await callGateway("/AMK/payments?query=P123456789", { token: await tokenFor(["payments:inquire"]), env: jwks() });
    expect(response.status).toBe(401);
  });

  it("refuses an RS256 token with the wrong issuer", async () => {
    const response = await callGateway("/AMK/payments?query=P123456789", { token: await rs256Token("https://evil.example"), env: jwks() });
    expect(response.status).toBe(401);
  });

  // A 401 tells the bank its call was refused and is not retried: a key set we cannot read is our
  // outage, answered 503 so the bank retries, never a verdict on the token.
  it.each([
    ["answers an error", () => `${env.SANDBOX_URL}/identity/no-such-key-set.json`],
    ["is unreachable", () => "http://127.0.0.1:1/jwks.json"],
  ])("answers 503, not 401, while the key set %s", async (_case, url) => {
    const response = await callGateway("/AMK/payments?query=P123456789", { token: await rs256Token(), env: { JWT_JWKS_URL: url() } });
    expect(response.status).toBe(503);
    expect((await response.json<any>()).error.code).toBe("SERVER_UNAVAILABLE");
  });
});
