// The Kafka REST stand-in in its three flavors (docs/contracts.md), and the refuse control in
// both modes. Every test uses its own record keys, since the sandbox is shared with other files.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const KAFKA = env.KAFKA_REST_URL;
const BASIC = `Basic ${btoa(`${env.KAFKA_REST_USERNAME}:${env.KAFKA_REST_PASSWORD}`)}`;
const REST_V2_TYPE = "application/vnd.kafka.json.v2+json";

const uniqueKey = () => `K${Math.floor(Math.random() * 9e9) + 1e9}`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: BASIC, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function refuse(key: string, refuse: boolean, mode?: string) {
  return post(`${env.SANDBOX_URL}/__sandbox/kafka/refuse`, { key, refuse, mode });
}

async function stored(key: string): Promise<{ topic: string; key: string; value: unknown; flavor: string; offset: number }[]> {
  return (await fetch(`${env.SANDBOX_URL}/__sandbox/kafka/records?key=${key}`)).json();
}

const upstash = (key: string) => post(`${KAFKA}/produce`, { topic: "dev.test.upstash", key, value: JSON.stringify({ key }) });
const confluent = (key: string) =>
  post(`${KAFKA}/kafka/v3/clusters/${env.KAFKA_CLUSTER_ID}/topics/dev.test.confluent/records`, {
    key: { type: "STRING", data: key },
    value: { type: "JSON", data: { key } },
  });
const restV2 = (keys: string[], headers: Record<string, string> = { "content-type": REST_V2_TYPE }) =>
  post(`${KAFKA}/topics/dev.test.rest-v2`, { records: keys.map((key) => ({ key, value: { key } })) }, headers);

describe("rest-v2 flavor: POST /kafka/topics/{topic}", () => {
  it("stores the batch and answers one offset per record", async () => {
    const [a, b] = [uniqueKey(), uniqueKey()];
    const { status, body } = await restV2([a, b]);
    expect(status).toBe(200);
    expect(body).toEqual({
      key_schema_id: null,
      value_schema_id: null,
      offsets: [
        { partition: 0, offset: expect.any(Number), error_code: null, error: null },
        { partition: 0, offset: expect.any(Number), error_code: null, error: null },
      ],
    });
    expect(body.offsets[1].offset).toBeGreaterThan(body.offsets[0].offset);
    expect(await stored(a)).toEqual([
      expect.objectContaining({ topic: "dev.test.rest-v2", key: a, value: { key: a }, flavor: "rest-v2", offset: body.offsets[0].offset }),
    ]);
  });

  it("refuses other content types with 415 and a REST-proxy error body", async () => {
    const key = uniqueKey();
    for (const contentType of ["application/json", "application/vnd.kafka.binary.v2+json", "text/plain"]) {
      const { status, body } = await restV2([key], { "content-type": contentType });
      expect(status, contentType).toBe(415);
      expect(body).toEqual({ error_code: 415, message: expect.any(String) });
    }
    expect((await restV2([key], { "content-type": `${REST_V2_TYPE}; charset=utf-8` })).status).toBe(200);
  });

  it("refuses wrong credentials with 401 and a batch without records with 422", async () => {
    const key = uniqueKey();
    expect(await restV2([key], { "content-type": REST_V2_TYPE, authorization: `Basic ${btoa("sandbox:wrong")}` })).toEqual({
      status: 401,
      body: { error_code: 401, message: "Unauthorized" },
    });
    const empty = await post(`${KAFKA}/topics/dev.test.rest-v2`, { records: [] }, { "content-type": REST_V2_TYPE });
    expect(empty).toMatchObject({ status: 422, body: { error_code: 422 } });
    expect(await stored(key)).toEqual([]);
  });

  it("http mode: a refused key fails the whole batch with 503, storing nothing", async () => {
    const [refused, other] = [uniqueKey(), uniqueKey()];
    await refuse(refused, true, "http");
    expect(await restV2([other, refused])).toMatchObject({ status: 503, body: { error_code: 503 } });
    expect([...(await stored(refused)), ...(await stored(other))]).toEqual([]);
  });

  it("delivery-report mode: only the refused keys' entries fail, the others are stored", async () => {
    const [refused, other] = [uniqueKey(), uniqueKey()];
    await refuse(refused, true, "delivery-report");
    const { status, body } = await restV2([other, refused, other]);
    expect(status).toBe(200);
    expect(body.offsets).toEqual([
      { partition: 0, offset: expect.any(Number), error_code: null, error: null },
      { partition: null, offset: null, error_code: 50003, error: expect.any(String) },
      { partition: 0, offset: expect.any(Number), error_code: null, error: null },
    ]);
    expect(await stored(refused)).toEqual([]);
    expect((await stored(other)).map((r) => r.offset)).toEqual([body.offsets[0].offset, body.offsets[2].offset]);

    await refuse(refused, false);
    expect((await restV2([refused])).body.offsets[0].error_code).toBeNull();
    expect(await stored(refused)).toHaveLength(1);
  });
});

describe("confluent-v3 flavor", () => {
  it("answers error_code 200 for a delivered record", async () => {
    const key = uniqueKey();
    expect(await confluent(key)).toMatchObject({ status: 200, body: { error_code: 200, topic_name: "dev.test.confluent" } });
    expect(await stored(key)).toEqual([expect.objectContaining({ key, value: { key }, flavor: "confluent-v3" })]);
  });

  it("http mode answers 503; delivery-report mode answers 200 with error_code 50003; neither stores", async () => {
    const key = uniqueKey();
    await refuse(key, true);
    expect(await confluent(key)).toMatchObject({ status: 503, body: { error_code: 503 } });
    await refuse(key, true, "delivery-report");
    expect(await confluent(key)).toEqual({ status: 200, body: { error_code: 50003, message: expect.any(String) } });
    expect(await stored(key)).toEqual([]);
    await refuse(key, false);
    expect((await confluent(key)).body.error_code).toBe(200);
  });
});

describe("upstash flavor", () => {
  it("stores a record and answers its offset", async () => {
    const key = uniqueKey();
    const { status, body } = await upstash(key);
    expect(status).toBe(200);
    expect(body).toEqual([{ topic: "dev.test.upstash", partition: 0, offset: expect.any(Number), timestamp: expect.any(Number) }]);
    expect(await stored(key)).toEqual([expect.objectContaining({ key, value: { key }, flavor: "upstash" })]);
  });

  it("answers 503 for a refused key in either mode (it has no delivery reports)", async () => {
    const key = uniqueKey();
    for (const mode of ["http", "delivery-report"]) {
      await refuse(key, true, mode);
      expect(await upstash(key), mode).toMatchObject({ status: 503, body: { status: 503 } });
    }
    expect(await stored(key)).toEqual([]);
  });
});

describe("POST /__sandbox/kafka/refuse", () => {
  it("reports the key's state and mode, defaulting to http", async () => {
    const key = uniqueKey();
    expect((await refuse(key, true)).body).toEqual({ key, refused: true, mode: "http" });
    expect((await refuse(key, true, "delivery-report")).body).toEqual({ key, refused: true, mode: "delivery-report" });
    expect((await refuse(key, false)).body).toEqual({ key, refused: false, mode: null });
  });

  it("refuses an unknown mode and a missing key", async () => {
    expect((await refuse(uniqueKey(), true, "sometimes")).status).toBe(400);
    expect((await post(`${env.SANDBOX_URL}/__sandbox/kafka/refuse`, { refuse: true })).status).toBe(400);
  });
});
