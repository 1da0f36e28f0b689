// Idempotency on Durable Objects. The keys (a bill payment's `bill:{bankTransactionId}`, a KHQR
// webhook's `khqr:{invoice}:{digest}`, a QR issuance lease) are spread by a stable hash over a fixed
// set of long-lived objects (IdempotencyShard). A payment then meets an object that is already
// placed and running, instead of creating one of its own: an object's first call costs several
// times a warm one's, and under load the new objects were what serialised the bank routes.
// Each object is single-threaded and its storage calls close its input gate, so an admission's
// read and write of one key are never interleaved with another request's: "in flight" is stored
// before any work. The transitions are the core's (idempotency-entry.ts); which answers are kept
// is the core's too.
//
// Before the shards, every key had its own object (WebhookIdempotency). Its kept answers stay
// there: while `IDEMPOTENCY_LEGACY_UNTIL` is in the future, a key its shard holds no entry for is
// looked up in its old object and carried over, so the bank's retry of a transaction answered
// before the upgrade still gets its kept answer. That lookup is a call to a per-key object again
// (the cost the shards remove), for each new key while the window lasts: keep it short.
import { DurableObject } from "cloudflare:workers";
import { admit, FREED_REMEMBERED_MS, forgettable, settle, type IdempotencyEntry } from "#shared/payments/idempotency-entry.ts";
import type { Admission, IdempotencyKeeper, StoredAnswer } from "#shared/payments/ports.ts";

/**
 * How many objects the keys are spread over. Never change it on a deployed worker: a key would
 * move to another object, which knows nothing of its lease or its kept answer.
 */
export const IDEMPOTENCY_SHARDS = 16;

interface ShardBindings {
  /** The per-key objects of before, read only to carry a key's entry over (see above). */
  WEBHOOK_IDEMPOTENCY: DurableObjectNamespace<WebhookIdempotency>;
}

const entryKey = (key: string) => `entry:${key}`;
/** Freed keys waiting to be forgotten, so the alarm visits those and no others. */
const FREED = "freed:";
/** Where a per-key object of before keeps its one entry. */
const LEGACY_KEY = "entry";

export class IdempotencyShard extends DurableObject<ShardBindings> {
  /** `legacy`: look the key up in its old per-key object when this shard has never seen it. */
  async admit(key: string, fingerprint: string, now: number, legacy = false): Promise<Admission> {
    let entry = await this.ctx.storage.get<IdempotencyEntry>(entryKey(key));
    let carried: IdempotencyEntry | undefined;
    if (entry === undefined && legacy) {
      carried = await this.legacyEntry(key);
      // The call let other requests in: one of them may have admitted the key meanwhile.
      entry = await this.ctx.storage.get<IdempotencyEntry>(entryKey(key));
      if (entry === undefined) entry = carried;
      else carried = undefined;
    }
    const { admission, store } = admit(entry, fingerprint, now);
    // A carried entry is kept here from now on, also when this admission changes nothing (a replay).
    const next = store ?? carried;
    if (next) await this.ctx.storage.put(entryKey(key), next);
    return admission;
  }

  async settle(key: string, lease: string, answer: StoredAnswer | null, now: number): Promise<void> {
    const next = settle(await this.ctx.storage.get<IdempotencyEntry>(entryKey(key)), lease, answer, now);
    if (!next) return;
    if (next.state !== "freed") return void (await this.ctx.storage.put(entryKey(key), next));
    // A freed key is forgotten once it no longer says anything, so freed keys do not pile up.
    await this.ctx.storage.put({ [entryKey(key)]: next, [FREED + key]: next.freedAt });
    await this.wakeBy(Date.now() + FREED_REMEMBERED_MS + 1_000);
  }

  async alarm(): Promise<void> {
    const now = Date.now();
    let next: number | undefined;
    for (const mark of (await this.ctx.storage.list({ prefix: FREED })).keys()) {
      const key = entryKey(mark.slice(FREED.length));
      const entry = await this.ctx.storage.get<IdempotencyEntry>(key);
      if (entry?.state === "freed" && !forgettable(entry, now)) {
        next = Math.min(next ?? Infinity, entry.freedAt + FREED_REMEMBERED_MS + 1_000);
        continue;
      }
      // Forgotten now, or held again since (in flight or done): no longer a freed key to forget.
      await this.ctx.storage.delete(entry?.state === "freed" ? [key, mark] : [mark]);
    }
    if (next !== undefined) await this.ctx.storage.setAlarm(next);
  }

  /** Sets the alarm for `at`, unless one is set sooner. */
  private async wakeBy(at: number): Promise<void> {
    const set = await this.ctx.storage.getAlarm();
    if (set === null || set > at) await this.ctx.storage.setAlarm(at);
  }

  private async legacyEntry(key: string): Promise<IdempotencyEntry | undefined> {
    const old = this.env.WEBHOOK_IDEMPOTENCY;
    return old.get(old.idFromName(key)).entry();
  }
}

/**
 * Before the shards, one object per key (its entry under "entry"). A deploy replaces this code at
 * once, while requests of the previous version may still be running and calling it for a while:
 * those it already holds are served as before (replayed, settled, refused as a conflict), but it
 * admits no key it does not hold. Such a request is told to retry (in flight: 409 with
 * Retry-After), and the retry meets the shards, so a key is never held in both places. `entry` is
 * how a shard carries a key over (see above).
 */
export class WebhookIdempotency extends DurableObject {
  async entry(): Promise<IdempotencyEntry | undefined> {
    return this.ctx.storage.get<IdempotencyEntry>(LEGACY_KEY);
  }

  async admit(fingerprint: string, now: number): Promise<Admission> {
    // Only "proceed" would write: a replay, a conflict or a running lease is answered as before.
    const { admission } = admit(await this.ctx.storage.get<IdempotencyEntry>(LEGACY_KEY), fingerprint, now);
    return admission.kind === "proceed" ? { kind: "in-flight" } : admission;
  }

  async settle(lease: string, answer: StoredAnswer | null, now: number): Promise<void> {
    const next = settle(await this.ctx.storage.get<IdempotencyEntry>(LEGACY_KEY), lease, answer, now);
    if (next) await this.ctx.storage.put(LEGACY_KEY, next);
    if (next?.state === "freed") await this.ctx.storage.setAlarm(Date.now() + FREED_REMEMBERED_MS + 1_000);
  }

  async alarm(): Promise<void> {
    const entry = await this.ctx.storage.get<IdempotencyEntry>(LEGACY_KEY);
    if (entry && forgettable(entry, Date.now())) await this.ctx.storage.delete(LEGACY_KEY);
  }
}

/** The core's IdempotencyKeeper over the shards. `legacyUntil`: the end of the upgrade's window (ms), if any. */
export class DurableObjectIdempotency implements IdempotencyKeeper {
  constructor(
    private readonly shards: DurableObjectNamespace<IdempotencyShard>,
    private readonly legacyUntil?: number,
  ) {}

  admit(key: string, fingerprint: string, now: number): Promise<Admission> {
    return this.shard(key).admit(key, fingerprint, now, this.legacyUntil !== undefined && now < this.legacyUntil);
  }

  async settle(key: string, lease: string, answer: StoredAnswer | null, now: number): Promise<void> {
    await this.shard(key).settle(key, lease, answer, now);
  }

  private shard(key: string) {
    return this.shards.get(this.shards.idFromName(shardNameOf(key)));
  }
}

/** The name of the object that holds `key`: like IDEMPOTENCY_SHARDS, never to change on a deployed worker. */
export const shardNameOf = (key: string): string => `shard-${shardOf(key)}`;

/** The key's shard: FNV-1a over its UTF-16 code units, stable across deploys and runtimes. */
export function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % IDEMPOTENCY_SHARDS;
}
