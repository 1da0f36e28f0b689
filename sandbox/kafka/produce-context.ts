// What every flavor's produce route works with.
import { basicCredentials } from "../http.ts";
import type { RecordLog } from "./record-log.ts";
import type { Refusals } from "./refusals.ts";

export interface ProduceContext {
  log: RecordLog;
  refusals: Refusals;
  /** The request carries the configured Basic credentials. */
  authorized(req: Request): boolean;
}

export function produceContext(credentials: { username: string; password: string }, log: RecordLog, refusals: Refusals): ProduceContext {
  return {
    log,
    refusals,
    authorized(req) {
      const given = basicCredentials(req);
      return given?.username === credentials.username && given.password === credentials.password;
    },
  };
}
