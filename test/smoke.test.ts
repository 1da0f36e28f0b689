import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
it("reaches the sandbox", async () => {
  const r = await fetch(`${env.SANDBOX_URL}/__sandbox`);
  expect(r.status).toBe(200);
});
