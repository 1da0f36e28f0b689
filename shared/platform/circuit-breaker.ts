// A circuit breaker per upstream (docs/api.md): after `threshold` consecutive failures
// it opens and refuses calls for `openMs`, then lets one probe through. State is per isolate: a
// cheap guard that stops hammering a dead upstream, not a global switch.

export interface CircuitSettings {
  threshold: number;
  openMs: number;
}

export const DEFAULT_CIRCUIT: CircuitSettings = { threshold: 5, openMs: 30_000 };

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  /** When the half-open probe went out; a probe that never reports back stops counting after openMs. */
  private probeStartedAt: number | null = null;

  constructor(private readonly settings: CircuitSettings = DEFAULT_CIRCUIT) {}

  /** Whether a call may go out now. In the half-open state only one probe at a time. */
  allows(now: number): boolean {
    if (this.openedAt === null) return true;
    if (now - this.openedAt < this.settings.openMs) return false;
    if (this.probeStartedAt !== null && now - this.probeStartedAt < this.settings.openMs) return false;
    this.probeStartedAt = now;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probeStartedAt = null;
  }

  /** Where it stands now, for the operator dashboard: closed, open (refusing), or half-open (a probe may go). */
  state(now: number): { state: "closed" | "open" | "half-open"; consecutiveFailures: number } {
    const state = this.openedAt === null ? "closed" : now - this.openedAt < this.settings.openMs ? "open" : "half-open";
    return { state, consecutiveFailures: this.failures };
  }

  failed(now: number): void {
    this.failures += 1;
    this.probeStartedAt = null;
    if (this.failures >= this.settings.threshold) this.openedAt = now;
  }
}

const breakers = new Map<string, CircuitBreaker>();

/** The isolate's breaker for one upstream, by name. */
export function circuitFor(upstream: string, settings: CircuitSettings = DEFAULT_CIRCUIT): CircuitBreaker {
  let breaker = breakers.get(upstream);
  if (!breaker) {
    breaker = new CircuitBreaker(settings);
    breakers.set(upstream, breaker);
  }
  return breaker;
}

/** Every breaker this isolate holds, by upstream name (only upstreams it has called). */
export function circuitStates(now: number): { upstream: string; state: "closed" | "open" | "half-open"; consecutiveFailures: number }[] {
  return [...breakers].map(([upstream, breaker]) => ({ upstream, ...breaker.state(now) }));
}
