// The checkout pages that say no. The 404 page is one fixed text for every bad link (forged,
// altered, expired, unknown payment): it must not tell which of these it was.
import type { Context } from "hono";
import { toPaymentError } from "#shared/payments/errors.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { pageHeaders } from "./page-headers.ts";

const NOT_FOUND_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Page not found</title></head>
<body>
<h1>Page not found</h1>
<p>This payment link is not valid. Please ask for a new payment link in the app.</p>
</body>
</html>
`;

const UNAVAILABLE_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Please try again</title></head>
<body>
<h1>Please try again</h1>
<p>We cannot show this payment right now. Please try again in a minute.</p>
</body>
</html>
`;

const TOO_MANY_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Please wait a moment</title></head>
<body>
<h1>Please wait a moment</h1>
<p>This payment link was opened too often just now. Please try again in a minute.</p>
</body>
</html>
`;

/** A checkout link or a client address past its limit (checkout-limits.ts). */
export function tooManyPage(c: Context): Response {
  return c.body(TOO_MANY_PAGE, 429, { ...pageHeaders(), "retry-after": "60" });
}

export function notFoundPage(c: Context): Response {
  return c.body(NOT_FOUND_PAGE, 404, pageHeaders());
}

export function unavailablePage(c: Context): Response {
  return c.body(UNAVAILABLE_PAGE, 503, { ...pageHeaders(), "retry-after": "30" });
}

/** The page for a failure behind a checkout link: 404 when there is nothing to pay, else "try again"; the cause goes to the log. */
export function problemPage(c: Context<KhqrEnv>, thrown: unknown): Response {
  const error = toPaymentError(thrown);
  c.set("error", { code: error.code, reason: error.reason ?? error.details ?? error.message });
  return error.status === 404 ? notFoundPage(c) : unavailablePage(c);
}

/** What `work` answers, or the page for its failure: every checkout route's call to the gateway or AMK goes through here. */
export async function orProblemPage<T>(c: Context<KhqrEnv>, work: () => Promise<T>): Promise<T | Response> {
  try {
    return await work();
  } catch (thrown) {
    return problemPage(c, thrown);
  }
}
