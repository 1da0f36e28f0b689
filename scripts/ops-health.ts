// `npm run ops:health -- --url <gateway URL>`: the gateway's own connection check (GET /ops/health),
// printed per connection; exits 1 when any part fails. Credentials as scripts/deploy/gateway-health.ts says.
import { parseArgs } from "node:util";
import { checkGatewayHealth, healthCredentials } from "./deploy/gateway-health.ts";

const { values } = parseArgs({ options: { url: { type: "string" } } });
const url = values.url ?? process.env.GATEWAY_URL;
if (!url) {
  console.error("usage: OPS_HEALTH_TOKEN=… npm run ops:health -- --url https://<gateway>");
  process.exit(2);
}
const health = await checkGatewayHealth(url, healthCredentials());
console.log(`connections of ${url}:`);
for (const line of health.lines) console.log(line);
if (!health.ok) {
  console.error(`\nfailing:\n${health.failures.map((f) => `  - ${f}`).join("\n")}`);
  process.exit(1);
}
console.log("\nall connections ok");
