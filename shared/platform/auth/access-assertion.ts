// Cloudflare Access identities for the operator routes (docs/operations.md, "Signing in with
// Cloudflare Access"): Access signs the operator in with the insurer's identity provider and sends
// the worker its application token, in the `Cf-Access-Jwt-Assertion` header and the
// `CF_Authorization` cookie. Verified with jose against the team's certificate set (fetched and
// cached as the bearer tokens' JWKS is), with its issuer, the application's AUD tag and expiry.
import { errors, jwtVerify } from "jose";
import { PaymentError } from "../../payments/errors.ts";
import { remoteKeySet, type Client } from "./bearer-token.ts";

export interface AccessVerification {
  /** `https://<team>.cloudflareaccess.com`: the tokens' issuer, and where its certificates are. */
  teamDomain: string;
  /** The Access application's AUD tag. */
  audience: string;
}

export const ACCESS_HEADER = "cf-access-jwt-assertion";
export const ACCESS_COOKIE = "CF_Authorization";

/** Where Access publishes the keys it signs with (the same path on every team domain). */
export function accessCertsUrl(teamDomain: string): string {
  return `${teamDomain}/cdn-cgi/access/certs`;
}

/**
 * The operator an Access token names: its `email` (a person), or a service token's `common_name`
 * (a machine, e.g. the deploy's health check). Access grants the operator scope by its own policy:
 * whoever it lets through may operate.
 */
export async function verifyAccessAssertion(assertion: string | undefined, access: AccessVerification): Promise<Client> {
  if (!assertion) throw unauthorized("no Cloudflare Access assertion (header or cookie)");
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(assertion, remoteKeySet(accessCertsUrl(access.teamDomain)), {
      issuer: access.teamDomain,
      audience: access.audience,
      algorithms: ["RS256"],
      requiredClaims: ["exp", "iat"],
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError) throw unauthorized(`Access ${error.code}: ${error.message}`);
    throw error;
  }
  const who = [payload.email, payload.common_name].find((v): v is string => typeof v === "string" && v.trim() !== "");
  if (!who) throw unauthorized("Access token names no email nor service token");
  return { id: who, scopes: new Set(["payments:operate"]) };
}

function unauthorized(reason: string): PaymentError {
  return new PaymentError("UNAUTHORIZED", "Sign in with Cloudflare Access, or send a bearer token", { reason });
}
