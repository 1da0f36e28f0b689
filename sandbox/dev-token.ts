// Development bearer tokens (HS256 with JWT_SECRET), for `npm run token`, the sandbox's simulated
// AMK webhook and the tests. Production tokens come from the real identity provider (JWKS).
import { SignJWT } from "jose";

export interface DevTokenRequest {
  secret: string;
  issuer: string;
  audience: string;
  subject: string;
  scopes: string[];
  /** Lifetime in seconds; default one day. */
  expiresIn?: number;
}

export async function mintDevToken(request: DevTokenRequest): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: request.scopes.join(" ") })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setSubject(request.subject)
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + (request.expiresIn ?? 86_400))
    .sign(new TextEncoder().encode(request.secret));
}
