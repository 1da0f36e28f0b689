// Each PostgreSQL test file gets its own schema in the run's database, with the migrations applied,
// and the gateway's HYPERDRIVE binding pointed at it (search_path), so files can run in parallel and
// break their own tables (store-outage) without touching another file's. The run's database is
// dropped at the end (test/setup/postgres-database.ts). The setup client is not ended: its socket
// closes with the file's isolate.
import { env } from "cloudflare:workers";
import postgres from "postgres";

const binding = env.HYPERDRIVE;
if (!binding) throw new Error("the PostgreSQL test project needs the HYPERDRIVE binding (vitest.config.ts)");
const schema = `file_${crypto.randomUUID().replaceAll("-", "")}`;
const sql = postgres(binding.connectionString, { max: 1, onnotice: () => {} });
const migrations = env.TEST_POSTGRES_MIGRATIONS.map((m) => m.sql).join("\n");
await sql.unsafe(`CREATE SCHEMA ${schema}; SET search_path TO ${schema};\n${migrations}`).simple();

const url = new URL(binding.connectionString);
url.searchParams.set("search_path", schema);
// Sockets a test opens live as long as its file, not its request: idle ones close within a second, or a
// file of a hundred requests would run the server out of connections.
url.searchParams.set("idle_timeout", "1");
const { host, port, user, password, database } = binding;
env.HYPERDRIVE = { connectionString: url.toString(), host, port, user, password, database, connect: () => binding.connect() } as Hyperdrive;

// postgres.js closing an idle socket (idle_timeout above) rejects a promise nobody awaits: "This
// socket has been closed." Left to vitest, each one travels to the main process to be judged, and
// one still travelling when the file's isolate shuts down fails the run although every test passed.
// So that one message is dropped here, in the isolate; any other unhandled rejection is handed back
// to vitest (which reports only when it is the sole listener), and fails the run as it should.
function dropClosedSocketRejection(reason: unknown, promise: Promise<unknown>) {
  if (reason instanceof Error && reason.message === "This socket has been closed.") return;
  process.off("unhandledRejection", dropClosedSocketRejection);
  try {
    process.emit("unhandledRejection", reason, promise);
  } finally {
    process.on("unhandledRejection", dropClosedSocketRejection);
  }
}
process.on("unhandledRejection", dropClosedSocketRejection);
