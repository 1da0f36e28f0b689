// `npm run deploy`'s D1 placement step (scripts/deploy/d1-placement.ts) on canned wrangler answers:
// no Cloudflare call. It creates a missing database with the APAC location hint, and warns, never
// fails, when an existing one is not placed in APAC.
import { describe, expect, it } from "vitest";
import { ensureD1Placement, parseJsonOutput, servedByRegion, type D1Target } from "../../scripts/deploy/d1-placement.ts";

const target: D1Target = { databaseName: "amk-payments-uat", envName: "uat", configPath: "wrangler.toml", configured: true };
const ok = (output: string) => ({ ok: true, stdout: output, output });
const failed = (output: string) => ({ ok: false, stdout: "", output });

/** A fake wrangler: answers by subcommand, and records every call. */
function fakeWrangler(answers: Record<string, ReturnType<typeof ok>>) {
  const calls: string[][] = [];
  return {
    calls,
    run: (args: string[]) => {
      calls.push(args);
      const answer = answers[args[1]!];
      if (!answer) throw new Error(`unexpected wrangler ${args.join(" ")}`);
      return answer;
    },
  };
}

const info = ok(JSON.stringify({ uuid: "1f0c2a54-1111-4222-8333-444455556666", name: "amk-payments-uat", num_tables: 12 }));
const servedFrom = (region: string) =>
  ok(`[{"results":[{"1":1}],"success":true,"meta":{"served_by":"v3-prod","served_by_region":"${region}","served_by_primary":true}}]`);

describe("D1 placement at deploy", () => {
  it("creates a missing database with --location=apac and asks for its id in wrangler.toml", () => {
    const wrangler = fakeWrangler({
      info: failed("✘ [ERROR] Couldn't find a D1 DB with name or binding 'amk-payments-uat' in your config or the API."),
      create: ok(
        '✅ Successfully created DB \'amk-payments-uat\' in region APAC\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "amk-payments-uat"\ndatabase_id = "9a8b7c6d-1234-4abc-8def-0123456789ab"\n',
      ),
    });
    const placement = ensureD1Placement({ ...target, configured: false }, wrangler.run);
    expect(wrangler.calls).toEqual([
      ["d1", "info", "amk-payments-uat", "--json"],
      ["d1", "create", "amk-payments-uat", "--location=apac"],
    ]);
    expect(placement).toMatchObject({ exists: true, createdId: "9a8b7c6d-1234-4abc-8def-0123456789ab", warnings: [], errors: [] });
  });

  it("accepts an existing database that answers from APAC", () => {
    const wrangler = fakeWrangler({ info, execute: servedFrom("APAC") });
    const placement = ensureD1Placement(target, wrangler.run);
    expect(wrangler.calls.map((c) => c[1])).toEqual(["info", "execute"]);
    expect(wrangler.calls[1]).toContain("--remote");
    expect(placement).toMatchObject({ exists: true, region: "APAC", warnings: [], errors: [] });
    expect(placement.createdId).toBeUndefined();
  });

  it("warns, without failing, when the primary answers from elsewhere", () => {
    const placement = ensureD1Placement(target, fakeWrangler({ info, execute: servedFrom("WEUR") }).run);
    expect(placement.errors).toEqual([]);
    expect(placement.warnings).toHaveLength(1);
    expect(placement.warnings[0]).toMatch(/WEUR, not APAC.*--location=apac/);
  });

  it("warns when it cannot tell, and when a jurisdiction overrides the hint", () => {
    const unknown = ensureD1Placement(
      target,
      fakeWrangler({ info, execute: failed("✘ [ERROR] A request to the Cloudflare API failed.") }).run,
    );
    expect(unknown.warnings[0]).toMatch(/could not tell where/);
    const restricted = ensureD1Placement(
      target,
      fakeWrangler({ info: ok(JSON.stringify({ uuid: "x", name: "amk-payments-uat", jurisdiction: "eu" })), execute: servedFrom("WEUR") })
        .run,
    );
    expect(restricted.warnings).toHaveLength(2);
    expect(restricted.warnings[0]).toMatch(/"eu" jurisdiction/);
  });

  it("stops the deploy when wrangler itself fails (not a missing database)", () => {
    const placement = ensureD1Placement(target, fakeWrangler({ info: failed("✘ [ERROR] Authentication error [code: 10000]") }).run);
    expect(placement.errors[0]).toMatch(/wrangler d1 info amk-payments-uat failed/);
  });

  it("reads the JSON out of wrangler's output around its banner", () => {
    expect(servedByRegion(parseJsonOutput(`\n ⛅️ wrangler 4\n${servedFrom("APAC").output}\n`))).toBe("APAC");
    expect(parseJsonOutput("no json here")).toBeUndefined();
  });
});
