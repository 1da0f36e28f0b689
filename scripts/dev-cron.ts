// On Cloudflare the gateway's cron trigger runs every minute (outbox drain, KHQR reconciliation);
// wrangler dev never fires it by itself. `npm run dev` fires it at each wall-clock minute through
// wrangler's trigger endpoint, which answers with the handler's outcome once its work is done.

/** How long one firing may take before it is reported as not answered (an outbox drain waits on Kafka). */
const FIRING_TIMEOUT_MS = 55_000;

export function fireCronEveryMinute(port: number, cron: string): () => void {
  let timer: NodeJS.Timeout | undefined;
  const scheduleNext = () => {
    const next = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    timer = setTimeout(() => {
      scheduleNext(); // before firing, so a slow run never delays the next minute's
      void fire(port, cron, next);
    }, next - Date.now());
  };
  scheduleNext();
  return () => clearTimeout(timer);
}

async function fire(port: number, cron: string, scheduledTime: number): Promise<void> {
  const started = Date.now();
  const at = new Date(scheduledTime).toTimeString().slice(0, 5);
  const query = new URLSearchParams({ cron, time: String(scheduledTime), format: "json" });
  try {
    const response = await fetch(`http://127.0.0.1:${port}/cdn-cgi/local/scheduled?${query}`, {
      signal: AbortSignal.timeout(FIRING_TIMEOUT_MS),
    });
    const { outcome } = (await response.json()) as { outcome?: string };
    console.log(`[cron ${at}] gateway scheduled handler: ${outcome ?? `HTTP ${response.status}`} (${Date.now() - started} ms)`);
  } catch (error) {
    console.log(`[cron ${at}] gateway scheduled handler not reached: ${error instanceof Error ? error.message : String(error)}`);
  }
}
