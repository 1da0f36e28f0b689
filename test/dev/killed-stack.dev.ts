// `npm run dev` after a stack that died without cleaning up (SIGKILL, a closed terminal, the OOM
// killer) must work: GET /khqr crosses the service binding from the KHQR worker to the gateway,
// which a dead stack's leftovers used to break for good. Runs the real `npm run dev` twice, on
// free ports and its own state folder, so a developer's running `npm run dev` is not disturbed.
// Run by `npm test` (scripts/test.ts).
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localConfig } from "../../sandbox/local-config.ts";
import { freePort } from "../../scripts/free-port.ts";

const STARTUP_MS = 180_000;
/** How long a started stack may answer GET /khqr with an error before the check fails. */
const ANSWER_MS = 10_000;

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer()
      .once("error", () => done(false))
      .listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });
}

/** A free port whose neighbour +1150 (where `npm run dev` puts the worker's inspector) is free too. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 1150 <= 65_535 && (await portFree(port + 1150))) return port;
  }
}

interface DevRun {
  child: ChildProcess;
  output: () => string;
  /** The app token `npm run dev` printed. */
  token: string;
}

/** The process groups this test started: none may outlive it. */
const started: number[] = [];

function tail(text: string): string {
  return text.split("\n").slice(-40).join("\n   ");
}

/** `npm run dev` in its own process group (a terminal's job), until it prints its token. */
function startDev(env: NodeJS.ProcessEnv): Promise<DevRun> {
  const child = spawn("npm", ["run", "dev"], { detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  started.push(child.pid!);
  let output = "";
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`npm run dev printed no token within ${STARTUP_MS / 1000} s:\n   ${tail(output)}`)),
      STARTUP_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const token = /export TOKEN=(\S+)/.exec(output)?.[1];
      if (token) {
        clearTimeout(timer);
        done({ child, token, output: () => output });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`npm run dev exited with ${code} before it was ready:\n   ${tail(output)}`));
    });
  });
}

/** Whether a process of the group is still running; zombies (dead, not yet reaped) do not count. */
function groupAlive(pgid: number): boolean {
  if (!existsSync("/proc/self/stat")) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(pgrp) === pgid && state !== "Z";
      } catch {
        return false; // gone meanwhile
      }
    });
}

/** Sends `signal` to the whole process group; true when every process of it is gone within `ms`. */
async function signalGroup(run: DevRun, signal: NodeJS.Signals, ms: number): Promise<boolean> {
  const pid = run.child.pid!;
  if (!groupAlive(pid)) return true;
  process.kill(-pid, signal);
  for (const until = Date.now() + ms; Date.now() < until;) {
    if (!groupAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !groupAlive(pid);
}

/** GET /khqr as the app does; retried for a few seconds, so a slow first answer is not a failure. */
async function issueQr(khqrUrl: string, token: string): Promise<{ status: number; body: string }> {
  let last = { status: 0, body: "" };
  for (const until = Date.now() + ANSWER_MS; ;) {
    try {
      const response = await fetch(`${khqrUrl}/khqr?bankCode=AMK&billNumber=P123456789`, { headers: { authorization: `Bearer ${token}` } });
      last = { status: response.status, body: await response.text() };
      if (last.status === 200) return last;
    } catch (error) {
      last = { status: 0, body: String(error) };
    }
    if (Date.now() > until) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  const stateDir = mkdtempSync(join(tmpdir(), "dev-stack-"));
  const [sandboxPort, gatewayPort, khqrPort] = [await freePortPair(), await freePortPair(), await freePortPair()];
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const khqrUrl = `http://127.0.0.1:${khqrPort}`;
  // The sandbox's settings, ahead of any .dev.vars the checkout has (the environment wins).
  const env = {
    ...process.env,
    ...localConfig(sandboxUrl),
    KHQR_PUBLIC_URL: khqrUrl,
    SANDBOX_PORT: String(sandboxPort),
    GATEWAY_PORT: String(gatewayPort),
    KHQR_PORT: String(khqrPort),
    DEV_STATE_DIR: stateDir,
  };
  const runs: DevRun[] = [];
  const results: { name: string; error?: unknown }[] = [];
  const check = async (name: string, body: () => Promise<void>) => {
    const at = Date.now();
    try {
      await body();
      results.push({ name });
      console.log(` ✓ ${name} (${((Date.now() - at) / 1000).toFixed(1)} s)`);
    } catch (error) {
      results.push({ name, error });
      console.log(` ✗ ${name}\n   ${String((error as Error).stack ?? error).replace(/\n(?! {3})/g, "\n   ")}`);
    }
  };
  const killEverything = () => started.forEach((pgid) => groupAlive(pgid) && process.kill(-pgid, "SIGKILL"));
  process.once("exit", killEverything);

  await check("npm run dev starts, and GET /khqr issues a QR (200)", async () => {
    runs.push(await startDev(env));
    const answer = await issueQr(khqrUrl, runs[0]!.token);
    assert.equal(answer.status, 200, answer.body);
  });
  await check("after SIGKILL of its process group, a new npm run dev issues a QR (200)", async () => {
    assert.ok(runs[0], "the first stack never started");
    assert.ok(await signalGroup(runs[0], "SIGKILL", 10_000), "the killed stack's processes are still there");
    runs.push(await startDev(env));
    const answer = await issueQr(khqrUrl, runs[1]!.token);
    assert.equal(answer.status, 200, `${answer.body}\n   npm run dev said:\n   ${tail(runs[1]!.output())}`);
  });
  await check("Ctrl-C (SIGINT to the process group) stops the whole stack", async () => {
    const run = runs.at(-1);
    assert.ok(run, "no stack started");
    assert.ok(await signalGroup(run, "SIGINT", 15_000), "processes of the stack outlived Ctrl-C by 15 s");
  });

  killEverything();
  rmSync(stateDir, { recursive: true, force: true });
  const failed = results.filter((r) => r.error).length;
  console.log(`\ndev stack tests: ${results.length - failed} passed, ${failed} failed (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  return failed === 0 ? 0 : 1;
}

process.exit(await main());
