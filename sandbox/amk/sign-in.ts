// POST /amk/auth/sign-in: partner credentials for a bearer token valid one hour.
import { json, readJson } from "../http.ts";
import { amkFailure } from "./amk-reply.ts";
import type { AmkBankOptions } from "./bank-options.ts";
import type { AmkBankState } from "./bank-state.ts";

export const TOKEN_LIFETIME_S = 3600;

export async function signIn(req: Request, state: AmkBankState, options: AmkBankOptions): Promise<Response> {
  const body = (await readJson(req)) as { username?: unknown; password?: unknown } | undefined;
  if (typeof body?.username !== "string" || typeof body.password !== "string") {
    return amkFailure("400", "username and password are required", 400);
  }
  const counts = state.signIns.get(body.username) ?? { attempts: 0, accepted: 0 };
  counts.attempts += 1;
  state.signIns.set(body.username, counts);
  const accounts = [{ username: options.username, password: options.password }, ...(options.otherAccounts ?? [])];
  if (!accounts.some((a) => a.username === body.username && a.password === body.password)) {
    return amkFailure("401", "Invalid username or password", 401);
  }
  counts.accepted += 1;
  const token = randomToken();
  state.tokens.set(token, { username: body.username, expiresAtMs: Date.now() + TOKEN_LIFETIME_S * 1000 });
  return json({ access_token: token, token_type: "Bearer", expires_in: TOKEN_LIFETIME_S });
}

/** The username behind a live token, or undefined when it is unknown, revoked or expired. */
export function tokenOwner(state: AmkBankState, token: string | undefined): string | undefined {
  if (!token) return undefined;
  const issued = state.tokens.get(token);
  if (!issued) return undefined;
  if (issued.expiresAtMs <= Date.now()) {
    state.tokens.delete(token);
    return undefined;
  }
  return issued.username;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
