// An outside system's port with every call measured for the Metrics port: one point per call,
// named by the system and the verb (`kafka.publish`), never by what was asked.
import { toPaymentError } from "#shared/errors.ts";
import type { Metrics } from "#shared/metrics.ts";

export function metered<T extends object>(port: T, system: string, metrics: Metrics): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        const started = Date.now();
        const result: unknown = value.apply(target, args);
        if (typeof (result as PromiseLike<unknown> | null)?.then !== "function") return result;
        const name = `${system}.${property}`;
        return Promise.resolve(result).then(
          (answer) => {
            metrics.record({ kind: "outside-call", name, outcome: "ok", durationMs: Date.now() - started });
            return answer;
          },
          (error: unknown) => {
            metrics.record({ kind: "outside-call", name, outcome: toPaymentError(error).code, durationMs: Date.now() - started });
            throw error;
          },
        );
      };
    },
  });
}
