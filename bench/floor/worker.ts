// The platform floor for a premium inquiry: only what the spec forces on one (verify an HS256
// bearer token with jose, check its scope, one rate-limit call, one KV read, answer JSON), on the
// same workerd as the gateway. `npm run bench` reports the gateway as a ratio of this.
import { jwtVerify } from "jose";

interface FloorEnv {
  PREMIUM_CACHE: KVNamespace;
  CLIENT_RATE_LIMIT: { limit(options: { key: string }): Promise<{ success: boolean }> };
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

export default {
  async fetch(request, env) {
    const started = performance.now();
    const answer = await floorInquiry(request, env);
    // The gateway's Server-Timing, without the steps: what the client saw beyond the handler is
    // mostly wrangler dev's own proxying, common to both.
    answer.headers.set("server-timing", `handler;dur=${(performance.now() - started).toFixed(2)}`);
    return answer;
  },
} satisfies ExportedHandler<FloorEnv>;

async function floorInquiry(request: Request, env: FloorEnv): Promise<Response> {
  const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!token) return Response.json({ success: false }, { status: 401 });
  let payload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(env.JWT_SECRET), {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      algorithms: ["HS256"],
    }));
  } catch {
    return Response.json({ success: false }, { status: 401 });
  }
  if (
    !String(payload.scope ?? "")
      .split(" ")
      .includes("payments:inquire")
  )
    return Response.json({ success: false }, { status: 403 });
  if (!(await env.CLIENT_RATE_LIMIT.limit({ key: String(payload.sub) })).success) return Response.json({ success: false }, { status: 429 });
  const query = new URL(request.url).searchParams.get("query") ?? "";
  const premium = await env.PREMIUM_CACHE.get(`premium:v1:${query}`, "json");
  return Response.json({ success: true, data: premium });
}
