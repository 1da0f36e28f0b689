// The gateway's own connection check (GET /ops/health, the dashboard, the end of `npm run deploy`):
// each outside system asked one harmless question from where the worker runs, side by side, each
// with its latency and a verdict an operator can act on. One part failing never fails another.
// Nothing is booked, published or counted against a circuit breaker.

export type ConnectionName = "amk-payment-verify" | "integration-service" | "kafka" | "record-store";

export interface ConnectionVerdict {
  name: ConnectionName;
  ok: boolean;
  /** What was found, in words: the proof when ok, the likely cause and the setting to look at when not. */
  verdict: string;
  latencyMs: number;
  /** Where it was asked (a host, or the store's kind; never a credential). */
  target: string;
}

export interface ConnectionReport {
  ok: boolean;
  checkedAt: string;
  connections: ConnectionVerdict[];
}

/** One question to one system: resolves with the proof, or throws with why it failed. */
export interface ConnectionProbe {
  name: ConnectionName;
  target: string;
  ask(): Promise<string>;
}

/** Every part's own bound, so a hanging system is reported and the rest still answer. */
export const PROBE_TIMEOUT_MS = 5_000;

export async function checkConnections(probes: ConnectionProbe[], now: () => number = Date.now): Promise<ConnectionReport> {
  const checkedAt = new Date(now()).toISOString();
  const connections = await Promise.all(
    probes.map(async (probe): Promise<ConnectionVerdict> => {
      const started = now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      });
      try {
        const verdict = await Promise.race([probe.ask(), timeout]);
        return { name: probe.name, ok: true, verdict, latencyMs: now() - started, target: probe.target };
      } catch (error) {
        return { name: probe.name, ok: false, verdict: failureText(error), latencyMs: now() - started, target: probe.target };
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
    }),
  );
  return { ok: connections.every((c) => c.ok), checkedAt, connections };
}

/** A failure in words: a PaymentError's internal reason (operators see it), else the error's message. */
function failureText(error: unknown): string {
  const reason = (error as { reason?: unknown }).reason;
  const text = typeof reason === "string" ? reason : error instanceof Error ? error.message : String(error);
  return text.slice(0, 300);
}
