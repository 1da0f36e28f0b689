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
  const sandbox = await startSandbox({ port: 0, gatewayUrl: "http://gateway.invalid" });
  project.provide("sandboxUrl", sandbox.url);
  return () => sandbox.close();
}
