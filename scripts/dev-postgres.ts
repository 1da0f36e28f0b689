// `DATABASE_URL=postgres://... npm run dev`: the gateway records into that PostgreSQL database
// through a local Hyperdrive binding, exactly as a deployed gateway with HYPERDRIVE bound does.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describeDatabase, migratePostgres } from "./postgres-migrations.ts";
import { withPlaceholderPassword } from "./postgres-url.ts";

export interface PostgresDev {
  /** The gateway's wrangler configuration for this run: wrangler.toml plus the HYPERDRIVE binding. */
  configPath: string;
  /** For wrangler dev's environment: the binding's local connection (kept out of any file). */
  env: Record<string, string>;
  describe: string;
}

export async function preparePostgresDev(databaseUrl: string): Promise<PostgresDev> {
  const applied = await migratePostgres(databaseUrl);
  const describe = describeDatabase(databaseUrl);
  console.log(`PostgreSQL ${describe}: ${applied.length ? `applied ${applied.join(", ")}` : "migrations up to date"}`);

  // wrangler.toml stays as deployed (no HYPERDRIVE at the top level, so plain `npm run dev` keeps D1);
  // this copy adds the binding. Its paths are made absolute since it lives under .wrangler/.
  const toml = readFileSync("wrangler.toml", "utf8").replace(
    /^main = "(.+)"$/m,
    (_, main: string) => `main = ${JSON.stringify(resolve(main))}`,
  );
  const configPath = resolve(".wrangler/dev/wrangler.postgres.toml");
  mkdirSync(".wrangler/dev", { recursive: true });
  writeFileSync(
    configPath,
    `${toml}\n# Added by scripts/dev-postgres.ts: the records in ${describe}.\n[[hyperdrive]]\nbinding = "HYPERDRIVE"\nid = "local-postgres"\n`,
  );
  return {
    configPath,
    env: { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: withPlaceholderPassword(databaseUrl) },
    describe,
  };
}
