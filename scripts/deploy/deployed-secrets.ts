// A real deploy first asks Cloudflare which secrets each worker has, so that a missing one stops
// the deploy before the migrations run or either worker changes.
import { wrangler } from "../wrangler.ts";
import type { WorkerFindings } from "./check-environment.ts";
import type { EnvironmentName } from "./workers.ts";

/** Problems with the deployed worker's secrets, empty when every named secret is set. */
export function missingSecrets(findings: WorkerFindings, envName: EnvironmentName): string[] {
  if (findings.secrets.length === 0) return [];
  const run = wrangler(["secret", "list", "--format", "json", "--env", envName, "-c", findings.worker.configPath], { capture: true });
  if (!run.ok) {
    return [
      `could not list the secrets of ${findings.workerName} (logged in? does the worker exist? ` +
        `\`npx wrangler secret put NAME --env ${envName}\` creates it):\n${run.output.trim()}`,
    ];
  }
  let listed: { name: string }[];
  try {
    listed = JSON.parse(run.stdout) as { name: string }[];
  } catch {
    return [`unexpected answer from wrangler secret list:\n${run.output.trim()}`];
  }
  const set = new Set(listed.map((s) => s.name));
  return findings.secrets.filter((name) => !set.has(name)).map((name) => `secret ${name} is not set on ${findings.workerName}`);
}
