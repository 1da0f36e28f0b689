// The RecordStore contract (./conformance.ts) on the store this project runs on: D1, or PostgreSQL.
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { recordStore } from "../../workers/gateway/src/services.ts";
import { recordsStore } from "../support/records.ts";
import { recordStoreConformance } from "./conformance.ts";

describe(`the record store on ${recordsStore === "postgres" ? "PostgreSQL" : "D1"}`, () => {
  recordStoreConformance(() => recordStore(env), it);
});
