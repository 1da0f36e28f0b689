// Scenario 6 of "KHQR money on the bank's word": a checkout link is public, so what it costs is
// bounded. Many pages watching one link share one status reading a second; one link has at most
// MAX_STREAMS_PER_PAYMENT open streams in an isolate; and a link or a client address past
// CHECKOUT_RATE_LIMIT (20 a minute in the tests' configuration) gets a 429 page.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_STREAMS_PER_PAYMENT } from "../../workers/khqr/src/status-stream.ts";
import { callKhqrApart as callKhqr, eventReader } from "../support/khqr.ts";
import { seedPremium } from "../support/sandbox.ts";

async function checkoutPath(): Promise<{ path: string; paymentId: number }> {
  const premium = await seedPremium();
  const response = await callKhqr("/khqr/checkout", { method: "POST", body: { bankCode: "AMK", billNumber: premium.policyNumber } });
  expect(response.status).toBe(201);
  const { data } = await response.json<any>();
  return { path: new URL(data.url).pathname, paymentId: data.paymentId };
}

/** The gateway's real RPC entrypoint, counting the status readings the KHQR worker asks it for. */
function countingGateway() {
  const gateway = (exports as any).GatewayEntrypoint;
  const counted = { readings: 0 };
  const binding = {
    premiumForQr: (query: string) => gateway.premiumForQr(query),
    recordQrIssued: (notice: unknown) => gateway.recordQrIssued(notice),
    releaseQrIssuance: (release: unknown) => gateway.releaseQrIssuance(release),
    checkoutDetails: (paymentId: number) => gateway.checkoutDetails(paymentId),
    paymentStatus: (paymentId: number) => ((counted.readings += 1), gateway.paymentStatus(paymentId)),
  };
  return { binding, counted };
}

/** A fixed-window limiter counts per wall-clock minute: start a burst with time to spare in the window. */
async function awayFromMinuteEdge() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
}

const stream = (path: string, options: { env?: Record<string, unknown>; address?: string } = {}) =>
  callKhqr(`${path}/status`, {
    token: null,
    env: options.env,
    headers: { accept: "text/event-stream", ...(options.address ? { "cf-connecting-ip": options.address } : {}) },
  });

describe("the public checkout routes are bounded", () => {
  it(`scenario 6: ${MAX_STREAMS_PER_PAYMENT} pages watching one link cost the gateway about one status reading a second, not one each`, async () => {
    const { path } = await checkoutPath();
    const { binding, counted } = countingGateway();
    const readers = [];
    for (let i = 0; i < MAX_STREAMS_PER_PAYMENT; i++) {
      const response = await stream(path, { env: { GATEWAY: binding } });
      expect(response.status).toBe(200);
      const reader = eventReader(response);
      expect((await reader.next())?.data.status).toBe("PENDING");
      readers.push(reader);
    }
    const before = counted.readings;
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const polled = counted.readings - before;
    for (const reader of readers) await reader.cancel();
    // Unshared, each stream reads every second: 30 readings in 3 s. Shared, about 3: one stream reads
    // while the others wait for its reading.
    expect(polled).toBeGreaterThanOrEqual(2);
    expect(polled).toBeLessThanOrEqual(9);
  }, 15_000); // a 3.1 s watch after ten streams open: more than vitest's 5 s on a slow machine

  it(`scenario 6: one link has at most ${MAX_STREAMS_PER_PAYMENT} open status streams; the next gets a 429 page until one closes`, async () => {
    const { path } = await checkoutPath();
    const readers = [];
    for (let i = 0; i < MAX_STREAMS_PER_PAYMENT; i++) {
      const response = await stream(path);
      expect(response.status).toBe(200);
      readers.push(eventReader(response));
      await readers.at(-1)!.next();
    }
    const refused = await stream(path);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(refused.headers.get("content-type")).toMatch(/^text\/html/);
    await readers[0]!.cancel();
    // A closed stream notices within a poll that nobody listens, and gives its place back.
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const again = await stream(path);
    expect(again.status).toBe(200);
    for (const reader of [...readers.slice(1), eventReader(again)]) await reader.cancel();
  }, 15_000); // a 2.2 s wait after ten streams open, as above

  it("scenario 6: a client address past its limit of stream opens and renewals a minute gets a 429 page", async () => {
    await awayFromMinuteEdge();
    const address = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const links = await Promise.all(Array.from({ length: 3 }, () => checkoutPath()));
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const { path } = links[i % 3]!;
      const response = await (i % 2 === 0
        ? stream(path, { address })
        : callKhqr(`${path}/renew`, { method: "POST", token: null, headers: { "cf-connecting-ip": address } }));
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses.slice(0, 20).every((s) => s === 200 || s === 303)).toBe(true);
    expect(statuses[20]).toBe(429);
  }, 30_000);

  it("scenario 6: one link past its limit a minute gets a 429 page, whatever the address", async () => {
    await awayFromMinuteEdge();
    const { path } = await checkoutPath();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const response = await callKhqr(`${path}/renew`, {
        method: "POST",
        token: null,
        headers: { "cf-connecting-ip": `198.51.100.${i + 1}` },
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 303)).toBe(true);
    expect(statuses[20]).toBe(429);
  }, 30_000);
});
