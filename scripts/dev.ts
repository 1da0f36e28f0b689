// `npm run dev`: the whole stack on this machine (scripts/local-stack.ts): the sandbox (AMK,
// Integration Service and Kafka stand-ins), the D1 migrations applied locally, and both workers
// with wrangler dev: gateway on :8080, KHQR on :8081. Every variable of docs/configuration.md can
// be overridden from the process environment or .dev.vars, e.g.
// `INTEGRATION_BASE_URL=http://host:port npm run dev`. The gateway's cron runs every minute, as on
// Cloudflare (scripts/dev-cron.ts). With DATABASE_URL (environment or .dev.vars) the gateway records
// into that PostgreSQL database instead of D1, after its migrations are applied (scripts/dev-postgres.ts).
// It ends by printing a checkout link for a demo premium.
import { join, resolve } from "node:path";
import { dashboardSignInLink } from "../sandbox/cloudflare-access.ts";
import { mintDevToken } from "../sandbox/dev-token.ts";
import { GATEWAY_PORT, KHQR_PORT, SANDBOX_PORT } from "../sandbox/local-config.ts";
import { fireCronEveryMinute } from "./dev-cron.ts";
import { preparePostgresDev } from "./dev-postgres.ts";
import { startLocalStack } from "./local-stack.ts";
import { localDatabaseUrl, localSettings } from "./local-settings.ts";
import { readWranglerConfig } from "./wrangler-config.ts";

const DEMO_CHECKOUT_BILL = "P987654321";

// The README's ports and state folder, unless the environment moves them. A second stack in one
// checkout needs its own ports and DEV_STATE_DIR (which also holds its wrangler dev registry).
const sandboxPort = Number(process.env.SANDBOX_PORT ?? SANDBOX_PORT);
const gatewayPort = Number(process.env.GATEWAY_PORT ?? GATEWAY_PORT);
const khqrPort = Number(process.env.KHQR_PORT ?? KHQR_PORT);
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
const config = localSettings(sandboxUrl);
if (!process.env.KHQR_PUBLIC_URL && khqrPort !== KHQR_PORT) config.KHQR_PUBLIC_URL = `http://localhost:${khqrPort}`;
const stateDir = process.env.DEV_STATE_DIR || ".wrangler";
const pay = sandboxPort === SANDBOX_PORT ? "npm run pay --" : `SANDBOX_URL=${sandboxUrl} npm run pay --`;

const databaseUrl = localDatabaseUrl();
const postgres = databaseUrl ? await preparePostgresDev(databaseUrl) : undefined;

let stopping = false;
let stopCron = () => {};
const stack = await startLocalStack({
  postgres,
  config,
  sandboxPort,
  gatewayPort,
  khqrPort,
  // 8080 -> 9230, 8081 -> 9231: each worker's inspector beside its own port.
  inspectorPorts: [gatewayPort + 1150, khqrPort + 1150],
  stateDir: resolve(stateDir),
  wranglerOutput: "inherit",
  onWorkerExit: (code) => void shutdown(code ?? 1),
});

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  stopCron();
  await stack.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

const [gatewayCron] = readWranglerConfig("wrangler.toml").triggers.crons ?? [];
if (gatewayCron) stopCron = fireCronEveryMinute(gatewayPort, gatewayCron);

const token = config.JWT_SECRET
  ? await mintDevToken({
      secret: config.JWT_SECRET,
      issuer: config.JWT_ISSUER!,
      audience: config.JWT_AUDIENCE!,
      subject: "dev-app",
      scopes: ["payments:inquire", "payments:confirm", "khqr:generate"],
    })
  : undefined;

console.log(`
  AMK Payment Hub — local stack
  gateway   http://localhost:${gatewayPort}/AMK/payments
  khqr      http://localhost:${khqrPort}/khqr
  sandbox   ${stack.sandboxUrl}   (Integration Service /integration, Kafka REST /kafka, AMK /amk)
  events    ${stack.sandboxUrl}/kafka/records
  records   ${postgres ? `PostgreSQL ${postgres.describe} (DATABASE_URL, through a local HYPERDRIVE binding)` : `D1, local (${join(stateDir, "state", "gateway")})`}
  demo premiums: P123456789 (150.00 USD), P987654321 (89.50 USD), A000000123 (400000 KHR)
  pay a generated QR at the sandbox bank:  ${pay} <paymentId>
  cron      the gateway's scheduled handler runs at every minute${gatewayCron ? "" : " (no cron in wrangler.toml: off)"}
${await demoCheckout()}
${operatorDashboard()}
  dev token (app and bank scopes, 24 h; not payments:operate):
  export TOKEN=${token ?? "(JWT_JWKS_URL is set: use a token from your identity provider)"}
`);

/** A checkout link for the demo premium, when the stack runs on the sandbox bank (never a real AMK). */
async function demoCheckout(): Promise<string> {
  if (!token || !config.AMK_BASE_URL?.startsWith(stack.sandboxUrl)) return "";
  const response = await fetch(`http://127.0.0.1:${khqrPort}/khqr/checkout`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ bankCode: "AMK", billNumber: DEMO_CHECKOUT_BILL }),
  }).catch((error: unknown) => ({ status: 0, json: async () => ({ error: { message: String(error) } }) }));
  const body = (await response.json()) as { data?: { paymentId: number; url: string }; error?: { message: string } };
  if (!body.data) {
    return `
  checkout  no demo link for ${DEMO_CHECKOUT_BILL}: ${body.error?.message ?? `HTTP ${response.status}`}
            (already paid? delete ${stateDir} for a clean slate)
`;
  }
  return `
  checkout  open in a browser (or a phone on this network, with KHQR_PUBLIC_URL set to this machine):
            ${body.data.url}
            then pay it at the sandbox bank and watch the page turn "Paid":  ${pay} ${body.data.paymentId}
`;
}

/** The operator dashboard's link, through the sandbox's Cloudflare Access sign-in (when the sandbox plays Access). */
function operatorDashboard(): string {
  if (!config.ACCESS_TEAM_DOMAIN?.startsWith(`${stack.sandboxUrl}/access`)) {
    return config.ACCESS_TEAM_DOMAIN
      ? `  dashboard http://localhost:${gatewayPort}/ops/dashboard (behind your Cloudflare Access, ${config.ACCESS_TEAM_DOMAIN})\n`
      : "";
  }
  return `  dashboard open in a browser, sign in (the sandbox plays Cloudflare Access; any email), then the operator dashboard:
            ${dashboardSignInLink(stack.sandboxUrl, `http://127.0.0.1:${gatewayPort}`)}
`;
}
