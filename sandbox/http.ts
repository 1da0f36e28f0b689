// Small helpers shared by the sandbox's stand-ins.

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export async function readJson(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    return undefined;
  }
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.get("authorization") ?? "";
  return header.startsWith("Bearer ") ? header.slice(7) : undefined;
}

export function basicCredentials(req: Request): { username: string; password: string } | undefined {
  const header = req.headers.get("authorization") ?? "";
  if (!header.startsWith("Basic ")) return undefined;
  const decoded = atob(header.slice(6));
  const colon = decoded.indexOf(":");
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** One stand-in: answers the requests under its prefix, or returns undefined to pass. */
export type SandboxRoute = (req: Request, url: URL) => Promise<Response | undefined> | Response | undefined;
