// Test controls of the sandbox bank, under /__sandbox/amk/ (JSON in, JSON out):
//   GET    sign-ins?username=           {username, count, accepted}: sign-in attempts, and those that got a token
//   POST   revoke-tokens {username?, token?}
//                                       invalidate issued tokens: all, one user's, or one token: {revoked}
//   POST   transactions {txId, status?, amount?, currency?, paidAt?, respond?}
//                                       what payment-verify reports for txId (status, amount and currency
//                                       together), and/or a forced reply: {code} or {httpStatus}
//   DELETE transactions/:txId           forget both; verify falls back to the issued invoice
//   POST   qr-failures {billNumber, code?, httpStatus?, times?}
//                                       qr/generator fails for that bill number (every call, or `times` calls)
//   DELETE qr-failures/:billNumber      stop failing
//   POST   qr-tampering {billNumber, kind, times?}
//                                       qr/generator answers "000" with a defective QR for that bill number
//                                       (every call, or `times` calls); each kind keeps a valid CRC:
//                                       "other-merchant" tag 30.01 is not AMK_MERCHANT_ID;
//                                       "static" tag 01 is "11" (amount, bill number, expiry unchanged);
//                                       "expired" tag 99.01 lies in the past;
//                                       "png-mismatch" qrString is right, qrImage encodes another merchant's QR;
//                                       "png-garbage" qrString is right, qrImage is Base64 of no PNG at all
//   DELETE qr-tampering/:billNumber     issue sound QR codes again
//   GET    verifications?txId=          {txId, count}: payment-verify calls naming txId (any outcome)
//   GET    qr-generations?invoiceNumber= {invoiceNumber, count}: QRs qr/generator minted for that invoice
//   GET    invoices/:invoiceNumber      the issued invoice: amount, currency, qrString, status, paidAt
import { json, readJson } from "../http.ts";
import type { AmkBankState, AmkTransactionStatus, ForcedReply } from "./bank-state.ts";
import { amkDateTime } from "./cambodia-time.ts";
import { isQrDefect, QR_DEFECTS } from "./qr-tampering.ts";

const PREFIX = "/__sandbox/amk/";
const STATUSES: readonly AmkTransactionStatus[] = ["SUCCESS", "PENDING", "FAILED"];

export async function controls(req: Request, url: URL, state: AmkBankState): Promise<Response | undefined> {
  const path = url.pathname.slice(PREFIX.length);
  const [resource, id] = path.split("/").map(decodeURIComponent) as [string, string | undefined];
  const route = `${req.method} ${resource}${id === undefined ? "" : "/:id"}`;

  switch (route) {
    case "GET sign-ins": {
      const username = url.searchParams.get("username");
      const counts = username ? [state.signIns.get(username)] : [...state.signIns.values()];
      const count = counts.reduce((sum, c) => sum + (c?.attempts ?? 0), 0);
      const accepted = counts.reduce((sum, c) => sum + (c?.accepted ?? 0), 0);
      return json({ username, count, accepted });
    }
    case "POST revoke-tokens": {
      // One token at a time lets a test revoke its own without disturbing tests running beside it.
      const body = (await readJson(req)) as { username?: unknown; token?: unknown } | undefined;
      const username = typeof body?.username === "string" ? body.username : undefined;
      const only = typeof body?.token === "string" ? body.token : undefined;
      let revoked = 0;
      for (const [token, issued] of state.tokens) {
        if ((username === undefined || issued.username === username) && (only === undefined || token === only)) {
          state.tokens.delete(token);
          revoked += 1;
        }
      }
      return json({ revoked });
    }
    case "POST transactions":
      return seedTransaction(await readJson(req), state);
    case "DELETE transactions/:id": {
      const removed = [state.seededTransactions.delete(id!), state.forcedVerifyReplies.delete(id!)].some(Boolean);
      return json({ txId: id, removed });
    }
    case "POST qr-failures":
      return addQrFailure(await readJson(req), state);
    case "DELETE qr-failures/:id":
      return json({ billNumber: id, removed: state.qrFailures.delete(id!) });
    case "POST qr-tampering":
      return addQrTampering(await readJson(req), state);
    case "DELETE qr-tampering/:id":
      return json({ billNumber: id, removed: state.qrTampering.delete(id!) });
    case "GET verifications": {
      const txId = url.searchParams.get("txId") ?? "";
      return json({ txId, count: state.verifications.get(txId) ?? 0 });
    }
    case "GET qr-generations": {
      const invoiceNumber = url.searchParams.get("invoiceNumber") ?? "";
      return json({ invoiceNumber, count: state.qrGenerations.get(invoiceNumber) ?? 0 });
    }
    case "GET invoices/:id": {
      const invoice = state.invoices.get(id!);
      return invoice ? json(invoice) : json({ error: `no QR was issued for invoice ${id}` }, 404);
    }
    default:
      return undefined;
  }
}

function seedTransaction(body: unknown, state: AmkBankState): Response {
  const seed = (body ?? {}) as Record<string, unknown>;
  if (typeof seed.txId !== "string" || seed.txId === "") return json({ error: "txId is required" }, 400);
  const txId = seed.txId;

  let respond: ForcedReply | undefined;
  if (seed.respond !== undefined) {
    const r = seed.respond as Record<string, unknown> | null;
    if (typeof r?.code === "string") respond = { code: r.code };
    else if (Number.isInteger(r?.httpStatus) && (r!.httpStatus as number) >= 100 && (r!.httpStatus as number) <= 599)
      respond = { httpStatus: r!.httpStatus as number };
    else return json({ error: 'respond must be {"code": "..."} or {"httpStatus": 100-599}' }, 400);
  }

  const hasRecord = seed.status !== undefined || seed.amount !== undefined || seed.currency !== undefined;
  if (!hasRecord && !respond) return json({ error: "give status, amount and currency, or respond" }, 400);
  if (hasRecord) {
    if (!STATUSES.includes(seed.status as AmkTransactionStatus)) return json({ error: "status must be SUCCESS, PENDING or FAILED" }, 400);
    if (typeof seed.amount !== "number" || typeof seed.currency !== "string")
      return json({ error: "amount (number) and currency (string) are required with status" }, 400);
    if (seed.paidAt !== undefined && seed.paidAt !== null && typeof seed.paidAt !== "string")
      return json({ error: "paidAt must be a string or null" }, 400);
    const status = seed.status as AmkTransactionStatus;
    const paidAt = seed.paidAt === undefined ? (status === "PENDING" ? null : amkDateTime(Date.now())) : (seed.paidAt as string | null);
    state.seededTransactions.set(txId, { txId, status, amount: seed.amount, currency: seed.currency, paidAt });
  }
  if (respond) state.forcedVerifyReplies.set(txId, respond);
  return json({ txId, transaction: state.seededTransactions.get(txId) ?? null, respond: state.forcedVerifyReplies.get(txId) ?? null }, 201);
}

function addQrFailure(body: unknown, state: AmkBankState): Response {
  const failure = (body ?? {}) as Record<string, unknown>;
  if (typeof failure.billNumber !== "string" || failure.billNumber === "") return json({ error: "billNumber is required" }, 400);
  const httpStatus = failure.httpStatus ?? 200;
  if (!Number.isInteger(httpStatus) || (httpStatus as number) < 100 || (httpStatus as number) > 599)
    return json({ error: "httpStatus must be 100-599" }, 400);
  if (failure.code !== undefined && typeof failure.code !== "string") return json({ error: "code must be a string" }, 400);
  if (failure.code === undefined && failure.httpStatus === undefined) return json({ error: "give code, httpStatus or both" }, 400);
  if (failure.times !== undefined && (!Number.isInteger(failure.times) || (failure.times as number) < 1))
    return json({ error: "times must be a positive integer" }, 400);
  const code = (failure.code as string | undefined) ?? String(httpStatus);
  state.qrFailures.set(failure.billNumber, { code, httpStatus: httpStatus as number, remaining: failure.times as number | undefined });
  return json({ billNumber: failure.billNumber, code, httpStatus, times: failure.times ?? null }, 201);
}

function addQrTampering(body: unknown, state: AmkBankState): Response {
  const tampering = (body ?? {}) as Record<string, unknown>;
  if (typeof tampering.billNumber !== "string" || tampering.billNumber === "") return json({ error: "billNumber is required" }, 400);
  if (!isQrDefect(tampering.kind)) return json({ error: `kind must be one of ${QR_DEFECTS.join(", ")}` }, 400);
  if (tampering.times !== undefined && (!Number.isInteger(tampering.times) || (tampering.times as number) < 1))
    return json({ error: "times must be a positive integer" }, 400);
  state.qrTampering.set(tampering.billNumber, { kind: tampering.kind, remaining: tampering.times as number | undefined });
  return json({ billNumber: tampering.billNumber, kind: tampering.kind, times: tampering.times ?? null }, 201);
}
