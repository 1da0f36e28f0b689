// Drives the sandbox bank over HTTP as the KHQR worker does, for the sandbox's own tests. They
// share the sandbox with the other test files, so each signs in with the test-only partner
// account and uses its own invoice and bill numbers.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { SANDBOX_TEST_PARTNER } from "../../sandbox/local-config.ts";

export const AMK = `${env.SANDBOX_URL}/amk`;
export const CONTROLS = `${env.SANDBOX_URL}/__sandbox/amk`;

export const unique = () => String(Math.floor(Math.random() * 9e8) + 1e8);

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

export async function signIn(): Promise<string> {
  const response = await postJson(`${AMK}/auth/sign-in`, {
    username: SANDBOX_TEST_PARTNER.username,
    password: SANDBOX_TEST_PARTNER.password,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

export interface QrReply {
  code: string;
  message: string;
  data?: { qrImage: string; qrString: string };
}

export async function generateQr(token: string, body: Record<string, unknown>): Promise<{ status: number; reply: QrReply }> {
  const response = await postJson(`${AMK}/qr/generator`, body, { authorization: `Bearer ${token}` });
  return { status: response.status, reply: (await response.json()) as QrReply };
}
