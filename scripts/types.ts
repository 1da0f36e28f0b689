// `npm run types` regenerates each worker's binding types from its wrangler configuration;
// `npm run types:check` (CI) fails when a configuration changed without regenerating them.
// Runtime types stay out (they come from @cloudflare/workers-types) and vars are typed as plain
// strings, so the committed files change only when a binding, var or secret name does.
import { wrangler } from "./wrangler.ts";

const GENERATED = [
  {
    file: "workers/gateway/worker-configuration.d.ts",
    envInterface: "GatewayBindingsGenerated",
    configs: ["wrangler.toml"],
  },
  {
    file: "workers/khqr/worker-configuration.d.ts",
    envInterface: "KhqrBindingsGenerated",
    // The gateway's configuration too, so GATEWAY is typed as its GatewayEntrypoint.
    configs: ["workers/khqr/wrangler.toml", "wrangler.toml"],
  },
];

const check = process.argv.includes("--check");
let failed = false;
for (const { file, envInterface, configs } of GENERATED) {
  const args = ["types", file, ...configs.flatMap((c) => ["-c", c])];
  args.push("--env-interface", envInterface, "--include-runtime", "false", "--strict-vars", "false");
  if (check) args.push("--check");
  const run = wrangler(args, { capture: true });
  if (!run.ok) {
    failed = true;
    console.error(
      `${file}: ${check ? "out of date; run `npm run types` and commit the result" : "generation failed"}\n${run.output.trim()}`,
    );
  } else {
    console.log(`${file}: ${check ? "up to date" : "written"} (${envInterface})`);
  }
}
process.exit(failed ? 1 : 0);
