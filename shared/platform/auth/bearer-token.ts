// Bearer tokens of clients (docs/api.md): a JWT verified with jose against a fixed
// algorithm, issuer and audience. HS256 from a shared secret in development and tests, or a JWKS
// (RS256/ES256) in production when JWT_JWKS_URL is set; never both, never `none`.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { PaymentError } from "../../payments/errors.ts";

export const SCOPES = ["payments:inquire", "payments:confirm", "khqr:generate", "payments:operate"] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenVerification {
  issuer: string;
  audience: string;
  /** HS256 key, used only when no JWKS URL is set. */
  secret?: string;
  jwksUrl?: string;
}

export interface Client {
  /** The token's `sub`: who is calling, and the rate-limit key. */
  id: string;
  scopes: ReadonlySet<string>;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;
const remoteKeySets = new Map<string, KeySet>();

/** The issuer's key set, fetched and cached by jose, its read failures told from the token's own. */
export function remoteKeySet(url: string): KeySet {
  let keySet = remoteKeySets.get(url);
  if (!keySet) {
    const remote = createRemoteJWKSet(new URL(url));
    keySet = (async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        throw keySetUnreadable(error) ? keySetUnavailable(url, error) : error;
      }
    }) as KeySet;
    remoteKeySets.set(url, keySet);
  }
  return keySet;
}

/**
 * The key set could not be read (timeout, an answer other than 200, not JSON, not a key set, no
 * connection): our outage, not a verdict on the token. jose's generic JOSEError is what it throws
 * for a bad answer; the token's own faults (no matching key, an unsupported key) have their own classes.
 */
function keySetUnreadable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === errors.JOSEError.code;
}

/** 503, so a caller retries (the bank does not retry a 401); the cause goes to the log. */
function keySetUnavailable(url: string, error: unknown): PaymentError {
  return new PaymentError("SERVER_UNAVAILABLE", "The token issuer's keys are unavailable; retry later", {
    reason: `JWKS ${new URL(url).host}: ${String(error)}`,
  });
}

export async function verifyBearerToken(authorization: string | undefined, verification: TokenVerification): Promise<Client> {
  const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization ?? "")?.[1];
  if (!token) throw unauthorized("missing or malformed Authorization header");
  const options = {
    issuer: verification.issuer,
    audience: verification.audience,
    requiredClaims: ["exp", "sub"],
  };
  let payload: JWTPayload;
  try {
    if (verification.jwksUrl) {
      ({ payload } = await jwtVerify(token, remoteKeySet(verification.jwksUrl), { ...options, algorithms: ["RS256", "ES256"] }));
    } else {
      const key = new TextEncoder().encode(verification.secret);
      ({ payload } = await jwtVerify(token, key, { ...options, algorithms: ["HS256"] }));
    }
  } catch (error) {
    if (error instanceof errors.JOSEError) throw unauthorized(`${error.code}: ${error.message}`);
    throw error;
  }
  if (typeof payload.sub !== "string" || payload.sub.trim() === "") throw unauthorized("sub must name the client");
  const scope = typeof payload.scope === "string" ? payload.scope : "";
  return { id: payload.sub, scopes: new Set(scope.split(" ").filter(Boolean)) };
}

export function requireScope(client: Client, scope: Scope): void {
  if (!client.scopes.has(scope)) {
    throw new PaymentError("FORBIDDEN", `This token lacks the ${scope} scope`, { reason: `client ${client.id} without ${scope}` });
  }
}

function unauthorized(reason: string): PaymentError {
  return new PaymentError("UNAUTHORIZED", "A valid bearer token is required", { reason });
}
