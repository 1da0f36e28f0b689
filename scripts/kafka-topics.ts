// `npm run kafka:topics -- --env <dev|uat|production>`: sets up the contract's topics (docs/operations.md,
// "Kafka topics") on that environment's Kafka REST API. Confluent REST v3 creates the missing ones
// (partitions and retention of shared/platform/kafka/topic-admin.ts); REST Proxy v2 and Upstash cannot, so
// then it lists what is missing and exits 1. A second run creates nothing.
// Settings: uat/production from [env.<env>.vars] in wrangler.toml, `dev` from the local stack's
// (the sandbox on SANDBOX_PORT); the process environment overrides any KAFKA_* name, and gives
// KAFKA_REST_PASSWORD, a secret never in the repository.
import { parseArgs } from "node:util";
import type { KafkaFlavor } from "../shared/platform/kafka/topic-admin.ts";
import { setUpTopics } from "../shared/platform/kafka/topic-setup.ts";
import { SANDBOX_PORT } from "../sandbox/local-config.ts";
import { isEnvironmentName } from "./deploy/workers.ts";
import { localSettings } from "./local-settings.ts";
import { readWranglerConfig, stringVars } from "./wrangler-config.ts";

const { values } = parseArgs({ options: { env: { type: "string" } } });
const envName = values.env;
if (envName !== "dev" && !isEnvironmentName(envName)) {
  console.error("usage: npm run kafka:topics -- --env <dev|uat|production>");
  process.exit(2);
}

const vars =
  envName === "dev"
    ? localSettings(`http://127.0.0.1:${process.env.SANDBOX_PORT ?? SANDBOX_PORT}`)
    : stringVars(readWranglerConfig("wrangler.toml", envName));
const setting = (name: string) => process.env[name] || vars[name] || "";
const flavor = (setting("KAFKA_REST_FLAVOR") || "upstash") as KafkaFlavor;
const settings = {
  url: setting("KAFKA_REST_URL"),
  username: setting("KAFKA_REST_USERNAME"),
  password: setting("KAFKA_REST_PASSWORD"),
  flavor,
  clusterId: setting("KAFKA_CLUSTER_ID") || undefined,
};
const prefix = process.env.KAFKA_TOPIC_PREFIX ?? vars.KAFKA_TOPIC_PREFIX ?? "dev.";
const problems = [
  !/^https?:\/\//.test(settings.url) && "KAFKA_REST_URL is not set to an http(s) URL",
  settings.url.includes("REPLACE-ME") && `KAFKA_REST_URL is still a placeholder in [env.${envName}.vars]`,
  !settings.username && "KAFKA_REST_USERNAME is not set",
  !settings.password &&
    "KAFKA_REST_PASSWORD is not set (a secret: give it in the environment, e.g. KAFKA_REST_PASSWORD=… npm run kafka:topics …)",
  !["upstash", "confluent-v3", "rest-v2"].includes(flavor) && `KAFKA_REST_FLAVOR ${flavor} is not upstash, confluent-v3 or rest-v2`,
  flavor === "confluent-v3" && !settings.clusterId && "KAFKA_CLUSTER_ID is required for confluent-v3",
].filter((p): p is string => typeof p === "string");
if (problems.length > 0) {
  console.error(`kafka:topics (${envName}) cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(2);
}

console.log(`Kafka topics for ${envName}: ${flavor} at ${new URL(settings.url).origin}, prefix "${prefix}"`);
try {
  const setup = await setUpTopics(settings, prefix);
  for (const name of setup.created) console.log(`  created   ${name}`);
  for (const name of setup.existing) console.log(`  exists    ${name}`);
  for (const name of setup.missing) console.log(`  MISSING   ${name}`);
  if (setup.missing.length > 0) {
    console.error(
      `\n${setup.missing.length} topic(s) missing, and the ${flavor} REST API cannot create topics: create them on the cluster ` +
        `(partitions and retention in docs/operations.md), then run this again.`,
    );
    process.exit(1);
  }
  console.log(setup.created.length > 0 ? `\n${setup.created.length} topic(s) created.` : "\nEvery topic exists; nothing to do.");
} catch (error) {
  console.error(`\nkafka:topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
