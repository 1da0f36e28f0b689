// AMK's reply envelope: `code` "000" is success, anything else a failure (docs/contracts.md).
import { json } from "../http.ts";
import type { ForcedReply } from "./bank-state.ts";

export function amkSuccess(data: unknown): Response {
  return json({ code: "000", message: "Success", data });
}

export function amkFailure(code: string, message: string, httpStatus = 200): Response {
  return json({ code, message }, httpStatus);
}

/** A reply a test forced: a failure code in a 200 body, or a bare HTTP status (e.g. 500). */
export function forcedReply(reply: ForcedReply): Response {
  if ("httpStatus" in reply) return amkFailure(String(reply.httpStatus), "Sandbox forced HTTP status", reply.httpStatus);
  return amkFailure(reply.code, "Sandbox forced reply");
}
