// A new QR, counted: the premium from the cache, then the issuance lease, the open QR, the paid
// check and the premium's record side by side, then AMK, then one write: four sequential round
// trips with AMK's. The gateway measured (MEASURE_REQUESTS=true) reports its own in each RPC
// reply, and the KHQR worker adds AMK's (x-round-trips). On D1 and PostgreSQL.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GatewayEntrypoint } from "../../workers/gateway/src/index.ts";
import { callGateway } from "../support/gateway.ts";
import { callKhqrApart as callKhqr } from "../support/khqr.ts";
import { seedPremium } from "../support/sandbox.ts";

const measured = { MEASURE_REQUESTS: "true" };
const measuredGateway = () => new GatewayEntrypoint(createExecutionContext(), { ...env, ...measured } as never);

describe("round trips of a new QR", () => {
  it("a premium the app has just shown: four with AMK's, and the QR shown again costs no AMK call", async () => {
    const premium = await seedPremium();
    expect((await callGateway(`/AMK/payments?query=${premium.policyNumber}`)).status).toBe(200);
    const path = `/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`;
    const minted = await callKhqr(path, { env: { ...measured, GATEWAY: measuredGateway() } });
    expect(minted.status).toBe(200);
    expect(minted.headers.get("x-round-trips")).toBe("4");
    expect(minted.headers.get("server-timing")).toContain("amk.generateQr");

    const again = await callKhqr(path, { env: { ...measured, GATEWAY: measuredGateway() } });
    expect(again.status).toBe(200);
    expect(again.headers.get("x-round-trips")).toBe("2"); // the cache, then the open QR beside the lease
    expect(again.headers.get("server-timing")).not.toContain("amk.generateQr");
  });
});
