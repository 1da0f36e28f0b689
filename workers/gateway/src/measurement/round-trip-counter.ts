// Counts the round trips a request makes to D1 (a statement run, or one batch), so the benchmark
// and the tests can report and bound them instead of guessing. Used only when asked for.
export interface RoundTripCount {
  count: number;
}

export function countingD1(d1: D1Database, counter: RoundTripCount): D1Database {
  const statement = (inner: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        if (property === "bind") return (...args: unknown[]) => statement(value.apply(target, args));
        if (property === "first" || property === "all" || property === "run" || property === "raw") {
          return (...args: unknown[]) => {
            counter.count += 1;
            return value.apply(target, args);
          };
        }
        return value.bind(target);
      },
    });
    targets.set(proxy, inner);
    return proxy;
  };
  return new Proxy(d1, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === "prepare") return (query: string) => statement(value.call(target, query));
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counter.count += 1;
          return value.call(target, statements.map(unwrapped));
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A batch must be handed workerd's own statements, not our proxies. */
const targets = new WeakMap<object, D1PreparedStatement>();
function unwrapped(statement: D1PreparedStatement): D1PreparedStatement {
  return targets.get(statement) ?? statement;
}
