// What a public checkout link may cost: its status streams and renewals are limited per link and
// per client address (CHECKOUT_RATE_LIMIT, 60 a minute each), so a leaked link opened in a loop,
// or one address opening many links, cannot turn into unbounded reads of the payment records.
import type { Context } from "hono";
import type { KhqrEnv } from "../khqr-env.ts";
import { tooManyPage } from "./problem-pages.ts";

/** The 429 page when the link or the caller's address is past its limit, else null. */
export async function checkoutLimited(c: Context<KhqrEnv>, paymentId: number): Promise<Response | null> {
  const limiter = c.env.CHECKOUT_RATE_LIMIT;
  if (!limiter) return null;
  // Cloudflare always sets the caller's address; only a local run may lack it.
  const address = c.req.header("cf-connecting-ip");
  const keys = [`link:${paymentId}`, ...(address ? [`ip:${address}`] : [])];
  const outcomes = await Promise.all(keys.map((key) => limiter.limit({ key })));
  return outcomes.every((o) => o.success) ? null : tooManyPage(c);
}
