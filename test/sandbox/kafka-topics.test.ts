// `npm run kafka:topics` against the sandbox's Kafka, each flavor through its own admin API: Confluent
// v3 creates the contract's topics once and finds them the second time; REST Proxy v2 and Upstash
// cannot create, so they name what is missing. Each test uses a prefix of its own.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contractTopicNames, listTopics, type KafkaFlavor } from "../../shared/platform/kafka/topic-admin.ts";
import { setUpTopics } from "../../shared/platform/kafka/topic-setup.ts";

const kafka = (flavor: KafkaFlavor, overrides: { password?: string; clusterId?: string } = {}) => ({
  url: env.KAFKA_REST_URL as string,
  username: env.KAFKA_REST_USERNAME as string,
  password: overrides.password ?? (env.KAFKA_REST_PASSWORD as string),
  flavor,
  clusterId: overrides.clusterId ?? (env.KAFKA_CLUSTER_ID as string),
});
const freshPrefix = () => `t${crypto.randomUUID().slice(0, 8)}.`;

describe("kafka:topics", () => {
  it("creates the six topics on Confluent v3, with the written partitions and retention, and is a no-op the second time", async () => {
    const prefix = freshPrefix();
    const first = await setUpTopics(kafka("confluent-v3"), prefix);
    expect(first).toEqual({ created: contractTopicNames(prefix), existing: [], missing: [] });
    expect(first.created).toContain(`${prefix}gateway.payment.exception-resolved`);

    const second = await setUpTopics(kafka("confluent-v3"), prefix);
    expect(second).toEqual({ created: [], existing: contractTopicNames(prefix), missing: [] });

    const described = await fetch(`${env.KAFKA_REST_URL}/topics/${prefix}gateway.payment.exception`, {
      headers: {
        authorization: `Basic ${btoa(`${env.KAFKA_REST_USERNAME}:${env.KAFKA_REST_PASSWORD}`)}`,
        accept: "application/vnd.kafka.v2+json",
      },
    });
    const topic = await described.json<any>();
    expect(topic.partitions).toHaveLength(6);
    expect(topic.configs).toEqual({ "retention.ms": String(30 * 24 * 3_600_000), "cleanup.policy": "delete" });
  });

  it.each(["rest-v2", "upstash"] as const)(
    "on %s (which cannot create topics) names what is missing, and finds what exists",
    async (flavor) => {
      const prefix = freshPrefix();
      expect(await setUpTopics(kafka(flavor), prefix)).toEqual({ created: [], existing: [], missing: contractTopicNames(prefix) });
      await setUpTopics(kafka("confluent-v3"), prefix);
      expect(await setUpTopics(kafka(flavor), prefix)).toEqual({ created: [], existing: contractTopicNames(prefix), missing: [] });
      expect([...(await listTopics(kafka(flavor))).keys()]).toEqual(expect.arrayContaining(contractTopicNames(prefix)));
    },
  );

  it("says plainly when the credentials or the cluster are wrong", async () => {
    await expect(setUpTopics(kafka("confluent-v3", { password: "wrong" }), freshPrefix())).rejects.toThrow(
      /HTTP 401.*KAFKA_REST_USERNAME \/ KAFKA_REST_PASSWORD/,
    );
    await expect(setUpTopics(kafka("confluent-v3", { clusterId: "no-such-cluster" }), freshPrefix())).rejects.toThrow(
      /HTTP 404 Cluster no-such-cluster cannot be found/,
    );
  });
});
