// `npm run kafka:topics`: the contract's topics under an environment's prefix, created where the
// REST API can create them (Confluent v3) and otherwise checked, with what is missing named. Running
// it again creates nothing: every topic is then found.
import { canCreateTopics, CONTRACT_TOPICS, createTopic, listTopics, type KafkaAdminSettings } from "./topic-admin.ts";

export interface TopicSetup {
  created: string[];
  existing: string[];
  /** Topics that do not exist and that this flavor's API cannot create: a person creates them. */
  missing: string[];
}

export async function setUpTopics(settings: KafkaAdminSettings, prefix: string): Promise<TopicSetup> {
  const present = await listTopics(settings);
  const setup: TopicSetup = { created: [], existing: [], missing: [] };
  for (const [type, policy] of Object.entries(CONTRACT_TOPICS)) {
    const name = `${prefix}${type}`;
    if (present.has(name)) setup.existing.push(name);
    else if (!canCreateTopics(settings.flavor)) setup.missing.push(name);
    else setup[(await createTopic(settings, name, policy)) === "created" ? "created" : "existing"].push(name);
  }
  return setup;
}
