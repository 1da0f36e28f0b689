// Test access to the sandbox stand-ins (AMK, Integration Service, Kafka REST): seeding and
// looking at what they received. Every test makes its own premiums, so tests never share ids.
import { env } from "cloudflare:workers";

export interface TestPremium {
  id: number;
  policyNumber: string;
  payer: string;
  amount: number;
  currency: "USD" | "KHR";
  dueDate: string;
}

let counter = 0;

/** A fresh premium at the sandbox Integration Service, unique to this test. */
export async function seedPremium(
  overrides: Partial<TestPremium> & { availability?: "ok" | "unavailable" | "timeout" } = {},
): Promise<TestPremium> {
  counter += 1;
  const unique = Math.floor(Math.random() * 1e6) * 100 + (counter % 100);
  const premium = {
    id: 1_000_000 + unique,
    policyNumber: `T${String(unique).padStart(9, "0")}`,
    payer: "Test Payer",
    amount: 150.0,
    currency: "USD" as const,
    dueDate: "2025-11-15",
    ...overrides,
  };
  const response = await fetch(`${env.SANDBOX_URL}/__sandbox/premiums`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(premium),
  });
  if (response.status !== 201) throw new Error(`seeding premium failed: ${response.status}`);
  return premium;
}

export async function integrationCalls(query: string): Promise<number> {
  const response = await fetch(`${env.SANDBOX_URL}/__sandbox/premiums/calls?query=${encodeURIComponent(query)}`);
  return ((await response.json()) as { calls: number }).calls;
}

export interface KafkaRecord {
  topic: string;
  key: string | null;
  value: Record<string, any>;
  headers: { key: string; value: string }[];
  flavor: "upstash" | "confluent-v3" | "rest-v2";
}

export async function kafkaRecords(key: string): Promise<KafkaRecord[]> {
  const response = await fetch(`${env.SANDBOX_URL}/__sandbox/kafka/records?key=${encodeURIComponent(key)}`);
  return (await response.json()) as KafkaRecord[];
}

/** Kafka REST refuses records with this key: with an HTTP error, or an HTTP 200 carrying a failed delivery report. */
export async function refuseKafka(key: string, refuse: boolean, mode: "http" | "delivery-report" = "http"): Promise<void> {
  await fetch(`${env.SANDBOX_URL}/__sandbox/kafka/refuse`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key, refuse, mode }),
  });
}
