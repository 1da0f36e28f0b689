// An outside system's port with every call measured for the Metrics port: one point per call,
// named by the system and the verb (`kafka.publish`), never by what was asked.
import { toPaymentError } from "#shared/payments/errors.ts";
import type { Metrics } from "#shared/platform/metrics.ts";
import { observeCalls } from "#shared/platform/observed-calls.ts";

export function metered<T extends object>(port: T, system: string, metrics: Metrics): T {
  return observeCalls(port, (method, durationMs, failure) =>
    metrics.record({
      kind: "outside-call",
      name: `${system}.${method}`,
      outcome: failure ? toPaymentError(failure.error).code : "ok",
      durationMs,
    }),
  );
}
