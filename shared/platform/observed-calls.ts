// A port with each of its calls observed: how long every method that answers with a promise (or
// a thenable, as Durable Object and binding calls do) took, and whether it failed. What is done
// with that (a Server-Timing step, an Analytics Engine point) is the caller's.
/**
 * `failure` is present when the call rejected, holding what it rejected with; `answer` is what it
 * resolved with; `started` is the call's place in callOrder() when it began.
 */
export type CallObserver = (
  method: string,
  durationMs: number,
  failure: { error: unknown } | undefined,
  answer: unknown,
  started: number,
) => void;

let calls = 0;
/**
 * A number that grows at every call started or answered in this isolate, so what began after
 * what was answered can be told apart where the clock cannot: workerd's moves in whole
 * milliseconds, and only at I/O, so a call answered at once lasts 0 ms.
 */
export const callOrder = (): number => ++calls;

export function observeCalls<T extends object>(port: T, observe: CallObserver): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const order = callOrder();
        // Reflect.apply: on an RPC stub, `.apply` would be read as a remote property.
        const result: unknown = Reflect.apply(value, target, args);
        if (typeof (result as PromiseLike<unknown> | null)?.then !== "function") return result;
        return Promise.resolve(result).then(
          (answer) => {
            observe(property, performance.now() - started, undefined, answer, order);
            return answer;
          },
          (failure: unknown) => {
            observe(property, performance.now() - started, { error: failure }, undefined, order);
            throw failure;
          },
        );
      };
    },
  });
}
