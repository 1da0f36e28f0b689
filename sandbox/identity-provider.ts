// Stand-in for the identity provider behind JWT_JWKS_URL (production tokens, docs/api.md):
//   GET  /identity/jwks.json        the published key set
//   POST /__sandbox/jwks {keys}     publish public keys (tests sign with the private halves)
import { json, readJson, type SandboxRoute } from "./http.ts";

export function identityProvider(): SandboxRoute {
  let keys: unknown[] = [];
  return async (req, url) => {
    if (req.method === "GET" && url.pathname === "/identity/jwks.json") return json({ keys });
    if (req.method === "POST" && url.pathname === "/__sandbox/jwks") {
      const body = (await readJson(req)) as { keys?: unknown } | undefined;
      if (!Array.isArray(body?.keys)) return json({ error: "keys must be an array of JWKs" }, 400);
      keys = [...keys, ...body.keys];
      return json({ keys: keys.length }, 201);
    }
    return undefined;
  };
}
