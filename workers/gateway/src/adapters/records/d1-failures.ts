// How D1's failures read: the record store failed (not our input), 503 so the bank retries, the
// cause in the log. For the D1 executor (./d1.ts).
import { PaymentError } from "#shared/payments/errors.ts";

export function storeUnavailable(error: unknown): PaymentError {
  return new PaymentError("SERVER_UNAVAILABLE", "The payment store is unavailable; retry later", { reason: `D1: ${String(error)}` });
}

/** Awaits a D1 query, turning a store failure into SERVER_UNAVAILABLE. */
export async function guarded<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw storeUnavailable(error);
  }
}

/** D1 binds at most 100 values to one statement; lists of ids go in slices that leave room for the rest. */
export const D1_IDS_PER_STATEMENT = 90;

/** `ids` in slices of D1_IDS_PER_STATEMENT. */
export function inSlices(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += D1_IDS_PER_STATEMENT) out.push(ids.slice(i, i + D1_IDS_PER_STATEMENT));
  return out;
}
