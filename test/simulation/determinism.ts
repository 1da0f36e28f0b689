// What the production code reads from the platform besides its ports, pinned for a run: the
// clock behind Date.now and setTimeout (deliverEvents' deadline and publish timeout), random
// ids, and SHA-256 (real Web Crypto resolves on a thread pool, outside the scheduler's order).
import { createHash } from "node:crypto";
import type { Prng } from "./prng.ts";
import type { VirtualClock } from "./virtual-clock.ts";

export function pinGlobals(clock: VirtualClock, prng: Prng, log: (line: string) => void): () => void {
  const saved = {
    now: Date.now,
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    randomUUID: crypto.randomUUID,
    digest: crypto.subtle.digest,
    log: console.log,
  };
  Date.now = () => clock.nowMs();
  const fakeSetTimeout = (fn: () => void, ms?: number) => clock.after(ms ?? 0, fn);
  const fakeClearTimeout = (entry: unknown) => {
    if (entry && typeof entry === "object" && "fire" in entry) clock.cancel(entry as Parameters<VirtualClock["cancel"]>[0]);
  };
  globalThis.setTimeout = fakeSetTimeout as unknown as typeof setTimeout;
  globalThis.clearTimeout = fakeClearTimeout as typeof clearTimeout;
  crypto.randomUUID = () => prng.uuid() as ReturnType<typeof crypto.randomUUID>;
  crypto.subtle.digest = (async (algorithm: AlgorithmIdentifier, data: BufferSource) => {
    if (algorithm !== "SHA-256") throw new Error(`simulation: digest ${String(algorithm)} not pinned`);
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    const hash = createHash("sha256").update(bytes).digest();
    return hash.buffer.slice(hash.byteOffset, hash.byteOffset + hash.byteLength);
  }) as typeof crypto.subtle.digest;
  // The core's log lines (alerts, refusals) go to the run's trace, not the terminal.
  console.log = (...args: unknown[]) => log(args.map(String).join(" "));
  return () => {
    Date.now = saved.now;
    globalThis.setTimeout = saved.setTimeout;
    globalThis.clearTimeout = saved.clearTimeout;
    crypto.randomUUID = saved.randomUUID;
    crypto.subtle.digest = saved.digest;
    console.log = saved.log;
  };
}
