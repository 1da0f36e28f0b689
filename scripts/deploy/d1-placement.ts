// Where a deployed environment's D1 primary lives. The bank (AMK) and the customers are in Phnom Penh:
// every confirmation's record round trips go to the D1 primary, so `npm run deploy` creates the
// database with the Asia-Pacific location hint (`wrangler d1 create <name> --location=apac`) and,
// when it exists already, checks what can be checked: `wrangler d1 info --json` (a jurisdiction, which
// makes D1 ignore the hint) and the region that served one query (`served_by_region` in a
// `wrangler d1 execute --remote --json` answer's meta). A primary placed elsewhere cannot be moved:
// the deploy warns, loudly, and goes on. Runs wrangler through `run`, so tests give it canned
// answers and never call Cloudflare (test/deploy/d1-placement.test.ts).
// No import of ../wrangler.ts, not even of its types: this module is also typechecked (and tested)
// as worker code, without Node's types.

/** One wrangler run's result, as scripts/wrangler.ts gives it. */
export interface WranglerRun {
  ok: boolean;
  stdout: string;
  output: string;
}

/** D1's location hint for the Asia-Pacific region (docs/benchmarks.md, "Round trips at the edge: what each bank route costs deployed"). */
export const D1_LOCATION = "apac";

export interface D1Target {
  databaseName: string;
  envName: string;
  configPath: string;
  /**
   * The environment's database_id is a real one: wrangler may look the database up through the
   * configuration. With a placeholder id it must not (wrangler would ask the API for that id), so
   * the database is looked up by its name alone.
   */
  configured: boolean;
}

const scope = (target: D1Target) => (target.configured ? ["--env", target.envName, "-c", target.configPath] : []);

export interface D1Placement {
  /** The database exists (or was just created). */
  exists: boolean;
  /** Printed by `wrangler d1 create` when this run created the database: the id for wrangler.toml. */
  createdId?: string;
  /** The region (APAC, WEUR, ...) that served our query, when D1 said. */
  region?: string;
  /** Lines to print as they are. */
  notes: string[];
  /** Placement problems: printed loudly, never a failure (the database cannot be moved). */
  warnings: string[];
  /** What stops the deploy (wrangler failed, or the new id must go into wrangler.toml first). */
  errors: string[];
}

export type RunWrangler = (args: string[]) => WranglerRun;

export function createArgs(target: D1Target): string[] {
  return ["d1", "create", target.databaseName, `--location=${D1_LOCATION}`];
}

export function infoArgs(target: D1Target): string[] {
  return ["d1", "info", target.databaseName, "--json", ...scope(target)];
}

export function probeArgs(target: D1Target): string[] {
  return ["d1", "execute", target.databaseName, "--remote", "--json", "--command", "SELECT 1", ...scope(target)];
}

/** The dry run's account of what a real deploy will do (no Cloudflare call). */
export function describeD1Placement(target: D1Target): string {
  return (
    `D1 ${target.databaseName}: created with \`wrangler ${createArgs(target).join(" ")}\` when absent; ` +
    `otherwise checked with \`wrangler d1 info\` and one query's served_by_region (a warning if not ${D1_LOCATION.toUpperCase()})`
  );
}

/** wrangler's error when the named database does not exist in the account. */
export function isMissingDatabase(output: string): boolean {
  return /couldn't find (a )?D1 DB|couldn't find DB|database .* not found|no database (found|with)/i.test(output);
}

/** The JSON in wrangler's output (it may print a banner or warnings around it). */
export function parseJsonOutput(output: string): unknown {
  const start = output.search(/[[{]/);
  if (start < 0) return undefined;
  const end = output.lastIndexOf(output[start] === "{" ? "}" : "]");
  try {
    return JSON.parse(output.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/** The D1 database id `wrangler d1 create` printed (a UUID beside database_id). */
export function createdDatabaseId(output: string): string | undefined {
  return (
    /"?database_id"?\s*[=:]\s*"([0-9a-f-]{36})"/i.exec(output)?.[1] ??
    /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(output)?.[1]
  );
}

/** What `wrangler d1 info --json` tells about placement: a jurisdiction, and a region if the API gives one. */
export function placementFromInfo(info: unknown): { jurisdiction?: string; region?: string } {
  if (!info || typeof info !== "object") return {};
  const record = info as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === "string" && record[key] ? (record[key] as string) : undefined);
  return {
    jurisdiction: text("jurisdiction"),
    region: text("running_in_region") ?? text("primary_location_hint") ?? text("region"),
  };
}

/** The region that served a `wrangler d1 execute --json` query (meta.served_by_region), if any. */
export function servedByRegion(answer: unknown): string | undefined {
  const results = Array.isArray(answer) ? answer : [answer];
  for (const result of results) {
    const meta = (result as { meta?: Record<string, unknown> } | undefined)?.meta;
    const region = meta?.served_by_region;
    if (typeof region === "string" && region) return region;
  }
  return undefined;
}

const isApac = (region: string) => region.toLowerCase() === D1_LOCATION;

/**
 * A real deploy's placement step: create the database in APAC when it does not exist, else check
 * where it is. Never fails for placement alone: a D1 primary cannot be moved after creation.
 */
export function ensureD1Placement(target: D1Target, run: RunWrangler): D1Placement {
  const placement: D1Placement = { exists: false, notes: [], warnings: [], errors: [] };
  const info = run(infoArgs(target));
  if (!info.ok) {
    if (!isMissingDatabase(info.output)) {
      placement.errors.push(`wrangler d1 info ${target.databaseName} failed:\n${info.output.trim()}`);
      return placement;
    }
    const created = run(createArgs(target));
    if (!created.ok) {
      placement.errors.push(`wrangler d1 create ${target.databaseName} --location=${D1_LOCATION} failed:\n${created.output.trim()}`);
      return placement;
    }
    placement.exists = true;
    placement.createdId = createdDatabaseId(created.output);
    placement.region = D1_LOCATION.toUpperCase();
    placement.notes.push(
      `created D1 ${target.databaseName} with --location=${D1_LOCATION}${placement.createdId ? ` (id ${placement.createdId})` : ""}`,
    );
    return placement;
  }

  placement.exists = true;
  const fromInfo = placementFromInfo(parseJsonOutput(info.output));
  if (fromInfo.jurisdiction) {
    placement.warnings.push(
      `D1 ${target.databaseName} is restricted to the "${fromInfo.jurisdiction}" jurisdiction, which makes D1 ignore any location hint: its primary is not in APAC`,
    );
  }
  const probe = run(probeArgs(target));
  const region = (probe.ok ? servedByRegion(parseJsonOutput(probe.output)) : undefined) ?? fromInfo.region;
  placement.region = region;
  if (!region) {
    placement.warnings.push(
      `could not tell where D1 ${target.databaseName}'s primary is (no served_by_region from wrangler${probe.ok ? "" : `: ${probe.output.trim().split("\n").at(-1)}`}); ` +
        `check in the dashboard (D1 > ${target.databaseName} > Settings) that it is in APAC`,
    );
  } else if (!isApac(region)) {
    placement.warnings.push(
      `D1 ${target.databaseName} answered from ${region.toUpperCase()}, not APAC: every bank confirmation pays a round trip there and back, twice. ` +
        `A D1 primary cannot be moved: create a new database with \`wrangler d1 create <name> --location=${D1_LOCATION}\`, ` +
        `export and import the data (wrangler d1 export / d1 execute --file), and point [env.${target.envName}]'s database_id at it`,
    );
  } else placement.notes.push(`D1 ${target.databaseName}: served from ${region.toUpperCase()} (APAC)`);
  return placement;
}
