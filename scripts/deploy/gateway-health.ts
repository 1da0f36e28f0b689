// Calls a gateway's GET /ops/health (docs/operations.md, "The connection check") and says, per
// connection, what passed and what failed. Used by the end of `npm run deploy` and by
// `npm run ops:health`. Credentials, from the environment: OPS_HEALTH_TOKEN (a bearer token with
// payments:operate), and/or an Access service token (CF_ACCESS_CLIENT_ID, CF_ACCESS_CLIENT_SECRET)
// when Cloudflare Access guards /ops/*.

export interface HealthCredentials {
  bearer?: string;
  accessClientId?: string;
  accessClientSecret?: string;
}

export interface GatewayHealth {
  ok: boolean;
  /** One line per connection, for the terminal. */
  lines: string[];
  /** What failed, in words: the connections, or the call itself. */
  failures: string[];
}

export function healthCredentials(env: NodeJS.ProcessEnv = process.env): HealthCredentials {
  return { bearer: env.OPS_HEALTH_TOKEN, accessClientId: env.CF_ACCESS_CLIENT_ID, accessClientSecret: env.CF_ACCESS_CLIENT_SECRET };
}

interface Connection {
  name: string;
  ok: boolean;
  verdict: string;
  latencyMs: number;
  target: string;
}

export async function checkGatewayHealth(gatewayUrl: string, credentials: HealthCredentials, timeoutMs = 30_000): Promise<GatewayHealth> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (credentials.bearer) headers.authorization = `Bearer ${credentials.bearer}`;
  if (credentials.accessClientId && credentials.accessClientSecret) {
    headers["cf-access-client-id"] = credentials.accessClientId;
    headers["cf-access-client-secret"] = credentials.accessClientSecret;
  }
  if (Object.keys(headers).length === 1) {
    return failed(
      "no credentials: set OPS_HEALTH_TOKEN (payments:operate) or CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET (an Access service token)",
    );
  }
  const url = `${gatewayUrl.replace(/\/$/, "")}/ops/health`;
  let response: Response;
  try {
    response = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return failed(`${url} unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status >= 300 && response.status < 400) {
    return failed(`${url} redirected to ${response.headers.get("location") ?? "?"}: Access wants a sign-in (give an Access service token)`);
  }
  const body = (await response.json().catch(() => undefined)) as
    { data?: { ok?: boolean; connections?: Connection[] }; error?: { code?: string; message?: string } } | undefined;
  const connections = body?.data?.connections;
  if (response.status !== 200 || !Array.isArray(connections)) {
    const error = body?.error ? `${body.error.code}: ${body.error.message}` : "not the connection report";
    return failed(`${url} answered HTTP ${response.status} (${error})`);
  }
  const lines = connections.map(
    (c) => `  ${c.ok ? "ok     " : "FAILING"} ${c.name.padEnd(19)} ${String(c.latencyMs).padStart(5)} ms  ${c.verdict} (${c.target})`,
  );
  const failures = connections.filter((c) => !c.ok).map((c) => `${c.name}: ${c.verdict}`);
  return { ok: failures.length === 0 && body?.data?.ok === true, lines, failures };
}

function failed(reason: string): GatewayHealth {
  return { ok: false, lines: [], failures: [reason] };
}
