// Where a bench run's CPU goes, by process (Linux: /proc; elsewhere nothing is reported). Under
// `npm run dev` every outside system but the network is a process on this machine, sharing its
// cores with the load generator: the workers and their local D1, KV and Durable Objects (workerd),
// wrangler dev's own proxies (node), and the sandbox's stand-ins for AMK, the Integration Service
// and Kafka (the `npm run dev` process). CPU per request, beside req/s, says which of them a
// request keeps busy, and so what a faster route would have to take away.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

export const CPU_GROUPS = ["workerd", "wrangler dev", "sandbox", "load generator", "other"] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];
export const CPU_GROUP_NAMES: Record<CpuGroup, string> = {
  workerd: "workerd (workers, local D1, KV, DO)",
  "wrangler dev": "wrangler dev (node)",
  sandbox: "sandbox: AMK, Integration, Kafka (node)",
  "load generator": "load generator",
  other: "other",
};

const MEASURABLE = process.platform === "linux" && existsSync("/proc/self/stat");
const TICK_MS = MEASURABLE ? 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim() || 100) : 10;

function groupOf(pid: number, cmdline: string): CpuGroup {
  if (pid === process.pid) return "load generator";
  if (cmdline.includes("workerd")) return "workerd";
  if (cmdline.includes("wrangler")) return "wrangler dev";
  if (cmdline.includes("scripts/dev.ts")) return "sandbox";
  return "other";
}

/** CPU ms each process has used so far, by pid, with its group. */
function snapshot(): Map<number, { group: CpuGroup; ms: number }> {
  const taken = new Map<number, { group: CpuGroup; ms: number }>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      taken.set(pid, { group: groupOf(pid, cmdline), ms });
    } catch {
      // The process ended while being read.
    }
  }
  return taken;
}

/** Starts counting; the function returned gives each group's CPU ms per request (`requests`), or undefined off Linux. */
export function startCpuCount(): (requests: number) => Map<CpuGroup, number> | undefined {
  if (!MEASURABLE) return () => undefined;
  const before = snapshot();
  return (requests) => {
    const used = new Map<CpuGroup, number>(CPU_GROUPS.map((g) => [g, 0]));
    for (const [pid, now] of snapshot()) used.set(now.group, used.get(now.group)! + now.ms - (before.get(pid)?.ms ?? 0));
    return new Map([...used].map(([group, ms]) => [group, ms / Math.max(1, requests)]));
  };
}
