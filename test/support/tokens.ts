import { env } from "cloudflare:workers";
import { mintDevToken } from "../../sandbox/dev-token.ts";

export const ALL_SCOPES = ["payments:inquire", "payments:confirm", "khqr:generate"];

/** A valid token for the test environment, unless overridden. */
export function tokenFor(scopes: string[] = ALL_SCOPES, overrides: { subject?: string; expiresIn?: number; secret?: string } = {}) {
  return mintDevToken({
    secret: overrides.secret ?? env.JWT_SECRET,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    subject: overrides.subject ?? `test-client-${crypto.randomUUID()}`,
    scopes,
    expiresIn: overrides.expiresIn,
  });
}
