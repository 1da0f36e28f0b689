// The RecordStore contract (test/records/conformance.ts) on the in-memory store the core's tests use.
import { InMemoryRecordStore } from "#shared/payments/in-memory/record-store.ts";
import { recordStoreConformance } from "../records/conformance.ts";

recordStoreConformance(
  () => new InMemoryRecordStore(),
  (name, run) => Deno.test(`in-memory record store: ${name}`, run),
);
