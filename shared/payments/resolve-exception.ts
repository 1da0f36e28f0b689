// An operator resolves a payment exception: a refund asked of the insurer's systems, the refund
// done, or the money written off. Each step is recorded with who and when, and announced
// (`gateway.payment.exception-resolved`) in the same unit of work. The gateway moves no money itself.
import { PaymentError } from "./errors.ts";
import { exceptionResolvedEvent, type ExceptionResolution, type ExceptionResolutionKind } from "../events/payment-events.ts";
import type { Clock, ExceptionRecords, RecordedException, RecordsCommit } from "./ports.ts";

export type ResolutionJudgement =
  { kind: "record"; step: number } | { kind: "replay" } | { kind: "conflict"; current: ExceptionResolutionKind };

/**
 * The rule, once: an open exception takes any resolution; asking again for the resolution it
 * already has is a replay (the first note stays); a requested refund may become `refunded`; any
 * other change is a conflict (a person decided otherwise: look before overriding).
 */
export function judgeResolution(history: readonly ExceptionResolution[], requested: ExceptionResolutionKind): ResolutionJudgement {
  const current = history.at(-1);
  if (!current) return { kind: "record", step: 1 };
  if (current.resolution === requested) return { kind: "replay" };
  if (current.resolution === "refund-requested" && requested === "refunded") return { kind: "record", step: history.length + 1 };
  return { kind: "conflict", current: current.resolution };
}

/** The resolution an exception stands at now, or null while it is open. */
export function currentResolution(exception: RecordedException): ExceptionResolution | null {
  return exception.resolutions?.at(-1) ?? null;
}

export interface ResolutionRequest {
  exceptionId: string;
  resolution: ExceptionResolutionKind;
  note: string;
  /** Who resolves it: the operator's token `sub`. */
  resolvedBy: string;
}

export interface ResolutionAnswer {
  exception: RecordedException;
  replayed: boolean;
  /** The event announcing the step, to publish after answering (none on a replay). */
  eventIds: string[];
}

export async function resolveException(
  deps: { records: ExceptionRecords & RecordsCommit; clock: Clock },
  request: ResolutionRequest,
): Promise<ResolutionAnswer> {
  // A second pass only when another operator's step landed between our read and our write.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const exception = await deps.records.findException(request.exceptionId);
    if (!exception) {
      throw new PaymentError("RESOURCE_NOT_FOUND", "No such payment exception", { details: `exceptionId: ${request.exceptionId}` });
    }
    const history = exception.resolutions ?? [];
    const judgement = judgeResolution(history, request.resolution);
    if (judgement.kind === "replay") return { exception, replayed: true, eventIds: [] };
    if (judgement.kind === "conflict") {
      throw new PaymentError("DUPLICATE_TRANSACTION", "The payment exception is already resolved otherwise", {
        details: `resolution: ${judgement.current}`,
      });
    }
    const now = deps.clock.now();
    const resolution: ExceptionResolution = {
      resolution: request.resolution,
      note: request.note,
      resolvedBy: request.resolvedBy,
      resolvedAt: now.toISOString(),
    };
    const event = exceptionResolvedEvent(exception, resolution, resolution.resolvedAt);
    const { resolvedAt: _at, ...step } = resolution;
    const outcome = await deps.records.commit(
      { resolution: { exceptionId: exception.exceptionId, step: judgement.step, ...step }, events: [event] },
      now,
    );
    if (outcome === "committed") {
      return { exception: { ...exception, resolutions: [...history, resolution] }, replayed: false, eventIds: [event.eventId] };
    }
  }
  throw new PaymentError("DUPLICATE_TRANSACTION", "The payment exception is being resolved by someone else; look again", {
    details: "IN_FLIGHT",
  });
}
