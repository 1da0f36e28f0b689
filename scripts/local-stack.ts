// The local stack as one call: the sandbox (AMK, Integration Service, Kafka stand-ins), the D1
// migrations applied locally (or the gateway pointed at a prepared PostgreSQL), and both workers
// under wrangler dev, on the ports given.
// `npm run dev` runs it on the fixed ports of the README; the browser test on free ports, with
// its own state folder so it never meets a developer's running `npm run dev`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { startSandbox } from "../sandbox/server.ts";
import type { PostgresDev } from "./dev-postgres.ts";
import { quietWranglerEnv } from "./wrangler.ts";

export interface LocalStackOptions {
  /** Worker settings (localSettings()); KHQR_PUBLIC_URL should name khqrPort. */
  config: Record<string, string>;
  sandboxPort: number;
  gatewayPort: number;
  khqrPort: number;
  inspectorPorts: [number, number];
  /** Local D1/KV/DO state (`{stateDir}/state/{gateway,khqr}`) and the stack's own wrangler dev registry (`{stateDir}/registry`). */
  stateDir: string;
  /** Where wrangler's own output goes. */
  wranglerOutput: "inherit" | "ignore";
  /** Called when a worker's wrangler exits on its own. */
  onWorkerExit?: (code: number | null) => void;
  /** The gateway records into this PostgreSQL (prepared by dev-postgres.ts) instead of local D1. */
  postgres?: PostgresDev;
}

export interface LocalStack {
  sandboxUrl: string;
  gatewayUrl: string;
  khqrUrl: string;
  stop(): Promise<void>;
}

function writeEnvFile(path: string, vars: Record<string, string>) {
  writeFileSync(
    path,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join("\n") + "\n",
    { mode: 0o600 },
  );
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const gatewayUrl = `http://127.0.0.1:${options.gatewayPort}`;
  const khqrUrl = `http://127.0.0.1:${options.khqrPort}`;
  const sandbox = await startSandbox({ port: options.sandboxPort, config: options.config, gatewayUrl });
  // The KHQR worker finds the gateway through wrangler's dev registry, a folder of one file per
  // running worker. wrangler's default is one folder for the whole machine, which a stack killed
  // with SIGKILL leaves holding its dead gateway: the next KHQR worker binds to it and every call
  // fails ("Network connection lost"). So each state folder has its own registry, emptied here:
  // whatever is in it belongs to a stack of this folder that is gone (a live one holds the ports).
  const registryDir = resolve(options.stateDir, "registry");
  rmSync(registryDir, { recursive: true, force: true });
  const wranglerEnv = { ...quietWranglerEnv, WRANGLER_REGISTRY_PATH: registryDir };

  const devDir = resolve(options.stateDir, "dev");
  mkdirSync(devDir, { recursive: true });
  const envFile = resolve(devDir, "workers.env");
  writeEnvFile(envFile, options.config);

  // Each worker keeps its local state in its own folder: two workerd processes sharing one would
  // contend for the same SQLite files.
  const stateOf = (worker: string) => resolve(options.stateDir, "state", worker);
  const migrate = options.postgres
    ? { status: 0 } // migrated by dev-postgres.ts
    : spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "-c", "wrangler.toml", "--persist-to", stateOf("gateway")], {
        stdio: ["ignore", options.wranglerOutput, options.wranglerOutput],
        env: wranglerEnv,
      });
  if (migrate.status !== 0) {
    await sandbox.close();
    throw new Error("applying the D1 migrations locally failed");
  }

  const children: ChildProcess[] = [];
  let stopping = false;
  const wranglerDev = (worker: string, configPath: string, port: number, inspectorPort: number, extraEnv: Record<string, string> = {}) => {
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
      { stdio: ["ignore", options.wranglerOutput, options.wranglerOutput], env: { ...wranglerEnv, ...extraEnv } },
    );
    child.on("exit", (code) => {
      if (stopping) return;
      console.error(`wrangler dev (${configPath}) exited with ${code}`);
      options.onWorkerExit?.(code);
    });
    children.push(child);
  };

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGINT");
            // wrangler normally stops within a second; never hang a test run on it.
            setTimeout(() => (child.kill("SIGKILL"), done()), 5_000).unref();
          }),
      ),
    );
    await sandbox.close();
  };

  wranglerDev(
    "gateway",
    options.postgres?.configPath ?? "wrangler.toml",
    options.gatewayPort,
    options.inspectorPorts[0],
    options.postgres?.env,
  );
  wranglerDev("khqr", "workers/khqr/wrangler.toml", options.khqrPort, options.inspectorPorts[1]);
  try {
    await Promise.all([answers(gatewayUrl), answers(khqrUrl)]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { sandboxUrl: sandbox.url, gatewayUrl, khqrUrl, stop };
}

/** Waits until wrangler answers at `url`. */
async function answers(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`nothing answers at ${url} after two minutes`);
}
