// What a run did, line by line, so a failing seed can be read as a story. Each line may name the
// payment id it concerns: a violation's trace is the lines of its payment.
export interface TraceLine {
  step: number;
  atMs: number;
  paymentId?: number;
  text: string;
}

const MAX_LINES = 50_000;

export class Trace {
  readonly lines: TraceLine[] = [];

  constructor(
    private readonly startMs: number,
    private readonly position: () => { step: number; atMs: number },
  ) {}

  add(text: string, paymentId?: number): void {
    if (this.lines.length >= MAX_LINES) return;
    this.lines.push({ ...this.position(), paymentId, text });
  }

  /** The lines about a payment id, or the last lines of the run when none is named. */
  about(paymentId: number | undefined, limit = 80): string[] {
    const lines = paymentId === undefined ? this.lines.slice(-limit) : this.lines.filter((l) => l.paymentId === paymentId);
    const shown = lines.length > limit ? [...lines.slice(0, limit / 2), ...lines.slice(-limit / 2)] : lines;
    return shown.map((l) => `  ${clockText(l.atMs - this.startMs)} #${String(l.step).padStart(5)} ${l.text}`);
  }
}

/** +hh:mm:ss.mmm since the run's start. */
export function clockText(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const rest = new Date(ms % 3_600_000).toISOString().slice(14, 23);
  return `+${String(h).padStart(2, "0")}:${rest}`;
}
