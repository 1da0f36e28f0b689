// Stand-in for the insurer's Integration Service (docs/contracts.md).
//   GET  /integration/premiums?query=...           the contract
//   POST /__sandbox/premiums                        seed one premium; `availability` makes it fail
//   GET  /__sandbox/premiums/calls?query=...        how often the contract route was asked for it
import { bearerToken, json, readJson, type SandboxRoute } from "./http.ts";

export interface SandboxPremium {
  id: number;
  policyNumber: string;
  payer: string;
  amount: number;
  currency: string;
  dueDate: string;
  /** "unavailable" answers 503, "timeout" never answers: how tests make the service fail. */
  availability?: "ok" | "unavailable" | "timeout";
}

export function integrationService(token: string, seed: readonly SandboxPremium[]): SandboxRoute {
  const premiums = new Map<string, SandboxPremium>(seed.map((p) => [p.policyNumber, { ...p }]));
  const calls = new Map<string, number>();

  return async (req, url) => {
    if (req.method === "GET" && url.pathname === "/integration/premiums") {
      if (bearerToken(req) !== token) return json({ error: "unauthorized" }, 401);
      const query = url.searchParams.get("query") ?? "";
      calls.set(query, (calls.get(query) ?? 0) + 1);
      const premium = premiums.get(query);
      if (!premium) return json({ error: "no premium due" }, 404);
      if (premium.availability === "unavailable") return json({ error: "backend down" }, 503);
      if (premium.availability === "timeout") return new Promise<Response>(() => {});
      const { availability: _ignored, ...body } = premium;
      return json(body);
    }
    if (req.method === "POST" && url.pathname === "/__sandbox/premiums") {
      const premium = (await readJson(req)) as SandboxPremium | undefined;
      if (!premium?.policyNumber) return json({ error: "policyNumber required" }, 400);
      premiums.set(premium.policyNumber, premium);
      return json(premium, 201);
    }
    if (req.method === "GET" && url.pathname === "/__sandbox/premiums/calls") {
      return json({ calls: calls.get(url.searchParams.get("query") ?? "") ?? 0 });
    }
    if (req.method === "GET" && url.pathname === "/__sandbox/premiums") {
      return json([...premiums.values()]);
    }
    return undefined;
  };
}
