// The operator forms' anti-forgery token, one per session: a hash of the credential the page was
// drawn for (the Access assertion, which another site can neither read nor set, or the bearer
// token). Stateless, so it needs no session store; a new Access sign-in gives a new token. Checked
// with the same-origin rule (operator-auth.ts) on every form post.
import type { Context } from "hono";
import { base64url } from "jose";
import { PaymentError } from "#shared/payments/errors.ts";
import type { GatewayEnv } from "../gateway-env.ts";

export async function formToken(c: Context<GatewayEnv>): Promise<string> {
  const credential = c.get("credential");
  if (!credential) throw new Error("formToken needs an authenticated operator (operatorAuth)");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`amk-ops-form\n${credential.scheme}\n${credential.value}`));
  return base64url.encode(new Uint8Array(digest));
}

export async function requireFormToken(c: Context<GatewayEnv>, given: string): Promise<void> {
  const expected = await formToken(c);
  let difference = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i += 1) difference |= expected.charCodeAt(i) ^ (given.charCodeAt(i) || 0);
  if (difference !== 0) {
    throw new PaymentError("FORBIDDEN", "This form has expired or was not drawn for this session; reload the page", {
      reason: "operator form token does not match the session",
    });
  }
}
