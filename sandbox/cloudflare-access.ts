// Stand-in for Cloudflare Access in front of the gateway's /ops routes (docs/operations.md): its own
// RS256 key, published where Access publishes a team's keys, and a sign-in page that sets the
// `CF_Authorization` cookie as Access does after the identity provider let a person in. The cookie
// is set on the sandbox's host, which the local gateway shares (cookies ignore the port), so the
// browser sends it to the gateway as it would to a deployed one behind Access.
//   GET  /access/cdn-cgi/access/certs          the team's key set
//   GET  /access/sign-in?redirect_url=…        the sign-in page (an email, as the identity provider would ask)
//   POST /access/sign-in                       sets the cookie (24 h, Access's default session), back to redirect_url
//   POST /__sandbox/access/token {email, audience?, expiresIn?}   a token for tests, signed with the team's key
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { json, readJson, type SandboxRoute } from "./http.ts";

export interface AccessOptions {
  /** The issuer the gateway expects: ACCESS_TEAM_DOMAIN (this sandbox's /access). */
  teamDomain: string;
  /** The application's AUD tag: ACCESS_AUD. */
  audience: string;
}

const SESSION_SECONDS = 24 * 60 * 60;

/**
 * The operator dashboard's link on the local stack: the sandbox's Access sign-in, then the dashboard.
 * Both on one host (127.0.0.1), since the cookie set at sign-in goes to that host whatever the port.
 */
export function dashboardSignInLink(sandboxUrl: string, gatewayUrl: string): string {
  return `${sandboxUrl}/access/sign-in?redirect_url=${encodeURIComponent(`${gatewayUrl}/ops/dashboard`)}`;
}

export function cloudflareAccess(options: AccessOptions): SandboxRoute {
  const key = teamKey();
  const sign = async (email: string, audience = options.audience, expiresIn = SESSION_SECONDS) => {
    const { privateKey, kid } = await key;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email, type: "app", identity_nonce: crypto.randomUUID(), country: "KH" })
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer(options.teamDomain)
      .setAudience([audience])
      .setSubject(crypto.randomUUID())
      .setIssuedAt(Math.min(now, now + expiresIn - 1))
      .setNotBefore(Math.min(now, now + expiresIn - 1))
      .setExpirationTime(now + expiresIn)
      .sign(privateKey);
  };

  return async (req, url) => {
    const path = url.pathname;
    if (req.method === "GET" && path === "/access/cdn-cgi/access/certs") return json({ keys: [(await key).publicJwk] });
    if (path === "/access/sign-in") {
      if (req.method === "GET") return signInPage(url.searchParams.get("redirect_url") ?? "");
      if (req.method === "POST") {
        const form = new URLSearchParams(await req.text());
        const email = (form.get("email") ?? "").trim();
        const redirect = form.get("redirect_url") ?? "";
        if (!/^[^@\s]+@[^@\s]+$/.test(email)) return json({ error: "email must be an email address" }, 400);
        if (!sameHost(redirect, url)) return json({ error: "redirect_url must be on this host (the cookie is set here)" }, 400);
        return new Response(null, {
          status: 302,
          headers: {
            location: redirect,
            "set-cookie": `CF_Authorization=${await sign(email)}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Lax`,
          },
        });
      }
    }
    if (req.method === "POST" && path === "/__sandbox/access/token") {
      const body = (await readJson(req)) as { email?: unknown; audience?: unknown; expiresIn?: unknown } | undefined;
      if (typeof body?.email !== "string") return json({ error: "email required" }, 400);
      const audience = typeof body.audience === "string" ? body.audience : undefined;
      const expiresIn = typeof body.expiresIn === "number" ? body.expiresIn : undefined;
      return json({ token: await sign(body.email, audience, expiresIn) }, 201);
    }
    return undefined;
  };
}

async function teamKey(): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = crypto.randomUUID();
  return { privateKey, kid, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

function sameHost(redirect: string, here: URL): boolean {
  try {
    const target = new URL(redirect);
    return (target.protocol === "http:" || target.protocol === "https:") && target.hostname === here.hostname;
  } catch {
    return false;
  }
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(redirect: string): Response {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in: Cloudflare Access (sandbox)</title></head><body>
<h1>Sign in to AMK Payment Hub operations</h1>
<p>The local sandbox stands in for Cloudflare Access and the insurer's identity provider: any email signs in.</p>
<form method="post" action="/access/sign-in">
<input type="hidden" name="redirect_url" value="${escape(redirect)}">
<label>Email <input type="email" name="email" id="email" value="operator@example.com" required></label>
<button type="submit" id="sign-in">Sign in</button>
</form></body></html>`;
  return new Response(page, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
