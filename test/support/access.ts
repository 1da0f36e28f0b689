// Cloudflare Access assertions for the operator routes: signed by the sandbox's Access team key
// (sandbox/cloudflare-access.ts), or forged with a key Access never published.
import { env } from "cloudflare:workers";
import { generateKeyPair, SignJWT } from "jose";

export async function accessToken(email: string, options: { audience?: string; expiresIn?: number } = {}): Promise<string> {
  const response = await fetch(`${env.SANDBOX_URL}/__sandbox/access/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, ...options }),
  });
  if (response.status !== 201) throw new Error(`minting an Access token failed: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** Every claim right, signed with a key of our own. */
export async function forgedAccessToken(email: string): Promise<string> {
  const { privateKey } = await generateKeyPair("RS256");
  return new SignJWT({ email, type: "app" })
    .setProtectedHeader({ alg: "RS256", kid: "forged" })
    .setIssuer(env.ACCESS_TEAM_DOMAIN as string)
    .setAudience([env.ACCESS_AUD as string])
    .setSubject(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(privateKey);
}

/** Headers a browser page of the gateway sends with an Access session: the cookie and its own origin. */
export function accessSession(token: string, via: "header" | "cookie" = "cookie"): Record<string, string> {
  const name = via === "cookie" ? "cookie" : "cf-access-jwt-assertion";
  return { [name]: via === "cookie" ? `CF_Authorization=${token}` : token, origin: "https://gateway.test" };
}
