// Its own file: it breaks this file's records on purpose (its D1 database, or its PostgreSQL schema).
import { expect, it } from "vitest";
import { callGateway } from "../support/gateway.ts";
import { execute } from "../support/records.ts";
import { tokenFor } from "../support/tokens.ts";

it("GET /ops/health with the record store failing: that part says so, AMK, the Integration Service and Kafka still pass", async () => {
  await execute("ALTER TABLE payments RENAME TO payments_away");
  try {
    const response = await callGateway("/ops/health", { token: await tokenFor(["payments:operate"]) });
    expect(response.status).toBe(200);
    const { data } = await response.json<any>();
    expect(data.ok).toBe(false);
    const byName = Object.fromEntries(data.connections.map((c: any) => [c.name, c]));
    expect(byName["record-store"].ok).toBe(false);
    expect(byName["record-store"].verdict).toMatch(/payments/);
    for (const name of ["amk-payment-verify", "integration-service", "kafka"]) expect(byName[name].ok, name).toBe(true);
  } finally {
    await execute("ALTER TABLE payments_away RENAME TO payments");
  }
});
