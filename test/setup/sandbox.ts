// Vitest global setup: one sandbox (AMK, Integration Service, Kafka stand-ins) for the whole run,
// on a free port, configured exactly as the workers under test are.
import type { TestProject } from "vitest/node";
import { startSandbox } from "../../sandbox/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    sandboxUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Tests hand the sandbox's webhook to the gateway themselves; this address refuses at once.
  const sandbox = await startSandbox({ port: 0, gatewayUrl: "http://127.0.0.1:9" });
  project.provide("sandboxUrl", sandbox.url);
  return () => sandbox.close();
}
