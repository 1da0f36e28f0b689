// Each outside system's port wrapped once, and every call seen once: a Metrics point named by the
// system and the verb (`kafka.publish`, never what was asked) with its outcome, and, when the
// request is measured (MEASURE_REQUESTS=true), a Server-Timing step that the round-trip count
// reads too.
import { toPaymentError } from "#shared/payments/errors.ts";
import type { StepTimings } from "#shared/platform/http/step-timings.ts";
import type { Metrics } from "#shared/platform/metrics.ts";
import { observeCalls } from "#shared/platform/observed-calls.ts";

export interface CallObserver {
  /** `port` with its calls observed as `system.method`; `metered: false` keeps them out of Metrics (cheap, frequent calls). */
  watch<T extends object>(port: T, system: string, options?: { metered?: boolean }): T;
}

export function callObserver(metrics: Metrics, steps: StepTimings | undefined): CallObserver {
  return {
    watch(port, system, options = {}) {
      const metered = options.metered ?? true;
      if (!metered && !steps) return port;
      return observeCalls(port, (method, durationMs, failure, answer, started) => {
        const name = `${system}.${method}`;
        steps?.add(name, durationMs, started);
        if (metered) metrics.record({ kind: "outside-call", name, outcome: outcomeOf(failure, answer), durationMs });
      });
    },
  };
}

/** The error code of a failed call, or of a refusal it answered with (AMK's verify refuses in its answer); else "ok". */
function outcomeOf(failure: { error: unknown } | undefined, answer: unknown): string {
  if (failure) return toPaymentError(failure.error).code;
  const refusal = (answer as { refusal?: unknown } | null | undefined)?.refusal;
  return refusal === undefined ? "ok" : toPaymentError(refusal).code;
}
