// The questions the connection check asks, one per system, built from the gateway's configuration
// (docs/operations.md, "The connection check"). Each proves what a payment needs of that system:
// AMK accepts our hash and merchant binding, the Integration Service our token, Kafka has the
// contract's topics, the record store answers a query on its tables.
import { paymentVerifyHash } from "#shared/amk/verify-hash.ts";
import { contractTopicNames, listTopics } from "#shared/platform/kafka/topic-admin.ts";
import type { GatewayConfig } from "../config.ts";
import type { ConnectionProbe } from "./connection-check.ts";
import { PROBE_TIMEOUT_MS } from "./connection-check.ts";

/** A transaction AMK cannot know (no invoice is ever numbered so): its "not found" is the proof. */
export const ABSENT_TRANSACTION = "HEALTHCHECK0";

/** Where a system was asked: its host (and port), never a path or a credential. */
const origin = (url: string) => new URL(url).host;
const bound = (timeoutMs: number) => AbortSignal.timeout(Math.min(timeoutMs, PROBE_TIMEOUT_MS));

async function reach(what: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? "no answer in time" : String(error);
    throw new Error(`${what} unreachable: ${reason}`);
  }
}

/** payment-verify for a transaction that does not exist: AMK's "404" means it checked our hash and merchant binding first. */
export function amkVerifyProbe(config: GatewayConfig, now: () => number = Date.now): ConnectionProbe {
  const amk = config.amk;
  return {
    name: "amk-payment-verify",
    target: origin(amk.verifyUrl),
    async ask() {
      const fields = {
        merchantId: amk.merchantId,
        storeId: amk.storeId,
        terminalId: amk.terminalId,
        txId: ABSENT_TRANSACTION,
        timestamp: String(now()),
      };
      const form = new URLSearchParams({ ...fields, hash: await paymentVerifyHash(amk.secretKey, fields) });
      const response = await reach("AMK payment-verify", amk.verifyUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        signal: bound(amk.timeoutMs),
      });
      const text = await response.text().catch(() => "");
      if (response.status >= 500) throw new Error(`AMK payment-verify answered HTTP ${response.status}: AMK is down`);
      let code: unknown;
      try {
        code = (JSON.parse(text) as { code?: unknown }).code;
      } catch {
        throw new Error(`AMK payment-verify answered HTTP ${response.status} without JSON: is AMK_VERIFY_URL payment-verify?`);
      }
      switch (code) {
        case "404":
          return `answered "not found" for the test transaction: our hash and merchant binding were accepted`;
        case "000":
          return `answered for the test transaction ${ABSENT_TRANSACTION} (unexpected, but our hash and merchant binding were accepted)`;
        case "401":
          throw new Error("AMK refused the hash or its timestamp: check AMK_SECRET_KEY (and that AMK allows this caller)");
        case "403":
          throw new Error("AMK says the merchant is not bound: check AMK_MERCHANT_ID, AMK_STORE_ID and AMK_TERMINAL_ID");
        default:
          throw new Error(`AMK payment-verify answered HTTP ${response.status}, code ${String(code)}`);
      }
    },
  };
}

/** A premium query nobody has: 404 means the service is there and took our token. */
export function integrationProbe(config: GatewayConfig): ConnectionProbe {
  const settings = config.integration;
  return {
    name: "integration-service",
    target: origin(settings.baseUrl),
    async ask() {
      const url = `${settings.baseUrl.replace(/\/$/, "")}/premiums?query=${ABSENT_TRANSACTION}`;
      const response = await reach("Integration Service", url, {
        headers: { authorization: `Bearer ${settings.token}`, accept: "application/json" },
        signal: bound(settings.timeoutMs),
      });
      await response.body?.cancel();
      if (response.status === 404 || response.status === 200)
        return `answered HTTP ${response.status} to a test query: reachable, token accepted`;
      if (response.status === 401 || response.status === 403)
        throw new Error(`refused our token (HTTP ${response.status}): check INTEGRATION_TOKEN`);
      throw new Error(`answered HTTP ${response.status} to a test query`);
    },
  };
}

/** The cluster's topic list (metadata only, nothing produced): every contract topic must be there. */
export function kafkaProbe(config: GatewayConfig): ConnectionProbe {
  const kafka = config.kafka;
  return {
    name: "kafka",
    target: origin(kafka.url),
    async ask() {
      const topics = await listTopics(kafka, PROBE_TIMEOUT_MS);
      const expected = contractTopicNames(kafka.topicPrefix);
      const missing = expected.filter((name) => !topics.has(name));
      if (missing.length > 0) throw new Error(`topics missing: ${missing.join(", ")} (npm run kafka:topics)`);
      return `${kafka.flavor}: all ${expected.length} topics under "${kafka.topicPrefix}" exist`;
    },
  };
}

export function recordStoreProbe(store: { probe(): Promise<void> }, kind: "D1" | "PostgreSQL"): ConnectionProbe {
  return {
    name: "record-store",
    target: kind,
    async ask() {
      await store.probe();
      return `${kind} answered a query on the payments table`;
    },
  };
}
