// `npm run dev`: the whole stack on this machine. Starts the sandbox (AMK, Integration Service and
// Kafka stand-ins), applies the D1 migrations locally, and runs both workers with wrangler dev:
// gateway on :8080, KHQR on :8081. Every variable of external-contracts §1 can be overridden from
// the process environment or .dev.vars, e.g. `INTEGRATION_BASE_URL=http://host:port npm run dev`.
// The gateway's cron runs every minute, as on Cloudflare (scripts/dev-cron.ts). With DATABASE_URL
// (environment or .dev.vars) the gateway records into that PostgreSQL database instead of D1, after
// its migrations are applied (scripts/dev-postgres.ts).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { mintDevToken } from "../sandbox/dev-token.ts";
import { GATEWAY_PORT, KHQR_PORT, SANDBOX_PORT } from "../sandbox/local-config.ts";
import { startSandbox } from "../sandbox/server.ts";
import { fireCronEveryMinute } from "./dev-cron.ts";
import { preparePostgresDev, type PostgresDev } from "./dev-postgres.ts";
import { localDatabaseUrl, localSettings } from "./local-settings.ts";
import { readWranglerConfig } from "./wrangler-config.ts";
import { quietWranglerEnv as quietWrangler } from "./wrangler.ts";

function writeEnvFile(path: string, vars: Record<string, string>) {
  writeFileSync(
    path,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join("\n") + "\n",
    { mode: 0o600 },
  );
}

const sandboxPort = Number(process.env.SANDBOX_PORT ?? SANDBOX_PORT);
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
const config = localSettings(sandboxUrl);
const sandbox = await startSandbox({ port: sandboxPort, config, gatewayUrl: `http://127.0.0.1:${GATEWAY_PORT}` });

const envFile = resolve(".wrangler/dev/workers.env");
mkdirSync(".wrangler/dev", { recursive: true });
writeEnvFile(envFile, config);

// Each worker keeps its local state in its own folder: two workerd processes sharing one would
// contend for the same SQLite files.
const stateOf = (worker: string) => resolve(".wrangler/state", worker);
const databaseUrl = localDatabaseUrl();
let postgres: PostgresDev | undefined;
if (databaseUrl) {
  try {
    postgres = await preparePostgresDev(databaseUrl);
  } catch (error) {
    await sandbox.close();
    throw new Error(`DATABASE_URL: preparing the PostgreSQL records failed: ${error instanceof Error ? error.message : String(error)}`);
  }
} else {
  const migrate = spawnSync(
    "wrangler",
    ["d1", "migrations", "apply", "DB", "--local", "-c", "wrangler.toml", "--persist-to", stateOf("gateway")],
    {
      stdio: "inherit",
      env: quietWrangler,
    },
  );
  if (migrate.status !== 0) {
    await sandbox.close();
    throw new Error("applying the D1 migrations locally failed");
  }
}

const children: ChildProcess[] = [];
function wranglerDev(worker: string, configPath: string, port: number, inspectorPort: number, extraEnv: Record<string, string> = {}) {
  const child = spawn(
    "wrangler",
    [
      "dev",
      "-c",
      configPath,
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(inspectorPort),
      "--env-file",
      envFile,
      "--persist-to",
      stateOf(worker),
      "--show-interactive-dev-session=false",
      "--test-scheduled",
    ],
    { stdio: ["ignore", "inherit", "inherit"], env: { ...quietWrangler, ...extraEnv } },
  );
  child.on("exit", (code) => {
    console.error(`wrangler dev (${configPath}) exited with ${code}`);
    shutdown(code ?? 1);
  });
  children.push(child);
}

let stopping = false;
let stopCron = () => {};
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  stopCron();
  for (const child of children) child.kill("SIGINT");
  await sandbox.close();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

wranglerDev("gateway", postgres?.configPath ?? "wrangler.toml", GATEWAY_PORT, 9230, postgres?.env);
wranglerDev("khqr", "workers/khqr/wrangler.toml", KHQR_PORT, 9231);

/** Waits until wrangler answers on `port`, so the banner comes after wrangler's own output. */
async function ready(port: number): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`nothing answers on port ${port} after two minutes`);
}
await Promise.all([ready(GATEWAY_PORT), ready(KHQR_PORT)]);
const [gatewayCron] = readWranglerConfig("wrangler.toml").triggers.crons ?? [];
if (gatewayCron) stopCron = fireCronEveryMinute(GATEWAY_PORT, gatewayCron);

const token = config.JWT_SECRET
  ? await mintDevToken({
      secret: config.JWT_SECRET,
      issuer: config.JWT_ISSUER!,
      audience: config.JWT_AUDIENCE!,
      subject: "dev-app",
      scopes: ["payments:inquire", "payments:confirm", "khqr:generate"],
    })
  : "(JWT_JWKS_URL is set: use a token from your identity provider)";

console.log(`
  AMK Payment Hub — local stack
  gateway   http://localhost:${GATEWAY_PORT}/AMK/payments
  khqr      http://localhost:${KHQR_PORT}/khqr
  sandbox   ${sandbox.url}   (Integration Service /integration, Kafka REST /kafka, AMK /amk)
  events    ${sandbox.url}/kafka/records
  records   ${postgres ? `PostgreSQL ${postgres.describe} (DATABASE_URL, through a local HYPERDRIVE binding)` : "D1, local (.wrangler/state/gateway)"}
  demo premiums: P123456789 (150.00 USD), P987654321 (89.50 USD), A000000123 (400000 KHR)
  pay a generated QR at the sandbox bank:  npm run pay -- <paymentId>
  cron      the gateway's scheduled handler runs at every minute${gatewayCron ? "" : " (no cron in wrangler.toml: off)"}

  dev token (all scopes, 24 h):
  export TOKEN=${token}
`);
