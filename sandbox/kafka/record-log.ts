// Every record the Kafka stand-in accepted, in one partition, so tests can read what was produced.

export type KafkaFlavor = "upstash" | "confluent-v3" | "rest-v2";

export interface ProducedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: unknown;
  headers: { key: string; value: string }[];
  flavor: KafkaFlavor;
}

export type NewRecord = Omit<ProducedRecord, "partition" | "offset" | "timestamp">;

export class RecordLog {
  readonly #records: ProducedRecord[] = [];

  readonly #onTopic: (topic: string) => void;

  /** `onTopic`: told of every topic written to (the broker creates an unknown one). */
  constructor(onTopic: (topic: string) => void = () => {}) {
    this.#onTopic = onTopic;
  }

  append(record: NewRecord): ProducedRecord {
    this.#onTopic(record.topic);
    const stored = { ...record, partition: 0, offset: this.#records.length, timestamp: Date.now() };
    this.#records.push(stored);
    return stored;
  }

  find(topic: string | null, key: string | null): ProducedRecord[] {
    return this.#records.filter((r) => (!topic || r.topic === topic) && (!key || r.key === key));
  }
}
