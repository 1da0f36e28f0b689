// MEASURE_REQUESTS=true (npm run bench): GET /khqr reports where its time went in Server-Timing,
// its drawing of the QR PNG included; without the setting it reports nothing.
import { describe, expect, it } from "vitest";
import { callKhqrApart } from "../support/khqr.ts";
import { seedPremium } from "../support/sandbox.ts";

/** Server-Timing as step name → ms. */
function steps(header: string | null): Map<string, number> {
  return new Map(
    (header ?? "")
      .split(",")
      .filter((part) => part.trim())
      .map((part) => {
        const [name, ...params] = part.trim().split(";");
        return [name!, Number(params.find((p) => p.startsWith("dur="))?.slice(4))];
      }),
  );
}

describe("GET /khqr with MEASURE_REQUESTS=true", () => {
  it("times the gateway and AMK calls, the QR's PNG and the handler", async () => {
    const premium = await seedPremium();
    const response = await callKhqrApart(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`, { env: { MEASURE_REQUESTS: "true" } });
    expect(response.status).toBe(200);
    const timings = steps(response.headers.get("server-timing"));

    expect([...timings.keys()].sort()).toEqual(
      ["amk.generateQr", "cpu.qr-png", "gateway.premiumForQr", "gateway.recordQrIssued", "handler"].sort(),
    );
    for (const ms of timings.values()) expect(ms).toBeGreaterThanOrEqual(0);
    expect(timings.get("handler")).toBeGreaterThanOrEqual(timings.get("amk.generateQr")!);
  });

  it("reports nothing when the setting is off", async () => {
    const premium = await seedPremium();
    const response = await callKhqrApart(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("server-timing")).toBeNull();
  });
});
