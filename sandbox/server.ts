// The local sandbox: one HTTP server standing in for the systems we cannot run here (AMK, the
// Integration Service, Kafka REST). `npm run dev` and the test suite both start it from here.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { amkBank } from "./amk/index.ts";
import { json, type SandboxRoute } from "./http.ts";
import { cloudflareAccess } from "./cloudflare-access.ts";
import { identityProvider } from "./identity-provider.ts";
import { integrationService } from "./integration-service.ts";
import { contractTopicNames } from "../shared/platform/kafka/topic-admin.ts";
import { kafkaRest } from "./kafka/index.ts";
import { CHECKOUT_TEST_PARTNER, DEMO_PREMIUMS, localConfig, SANDBOX_TEST_PARTNER } from "./local-config.ts";

export interface SandboxOptions {
  port: number;
  host?: string;
  /** The worker configuration the stand-ins must agree with (credentials, merchant binding). */
  config?: Record<string, string>;
  /** Where AMK's simulated webhook goes when a QR is paid in the sandbox. */
  gatewayUrl?: string;
}

export interface RunningSandbox {
  url: string;
  close(): Promise<void>;
}

export function sandboxHandler(config: Record<string, string>, gatewayUrl?: string): (req: Request) => Promise<Response> {
  const need = (name: string) => {
    const value = config[name];
    if (!value) throw new Error(`sandbox: ${name} is not configured`);
    return value;
  };
  const routes: SandboxRoute[] = [
    integrationService(need("INTEGRATION_TOKEN"), DEMO_PREMIUMS),
    kafkaRest({
      username: need("KAFKA_REST_USERNAME"),
      password: need("KAFKA_REST_PASSWORD"),
      clusterId: config.KAFKA_CLUSTER_ID ?? "sandbox-cluster",
      topics: contractTopicNames(config.KAFKA_TOPIC_PREFIX ?? "dev."),
    }),
    identityProvider(),
    cloudflareAccess({ teamDomain: need("ACCESS_TEAM_DOMAIN"), audience: need("ACCESS_AUD") }),
    amkBank({
      username: need("AMK_USERNAME"),
      password: need("AMK_PASSWORD"),
      otherAccounts: [SANDBOX_TEST_PARTNER, CHECKOUT_TEST_PARTNER],
      merchantId: need("AMK_MERCHANT_ID"),
      storeId: need("AMK_STORE_ID"),
      terminalId: need("AMK_TERMINAL_ID"),
      secretKey: need("AMK_SECRET_KEY"),
      jwtSecret: need("JWT_SECRET"),
      jwtIssuer: need("JWT_ISSUER"),
      jwtAudience: need("JWT_AUDIENCE"),
      gatewayUrl,
    }),
  ];
  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/" || url.pathname === "/__sandbox") {
      return json({
        sandbox: "AMK Payment Hub local sandbox",
        parts: ["/integration", "/kafka", "/amk", "/identity", "/access", "/__sandbox"],
      });
    }
    for (const route of routes) {
      const response = await route(req, url);
      if (response) return response;
    }
    return json({ error: `sandbox: no route for ${req.method} ${url.pathname}` }, 404);
  };
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const host = options.host ?? "127.0.0.1";
  let url = `http://${host}:${options.port}`;
  let handler: ((req: Request) => Promise<Response>) | undefined;
  const server = createServer((req, res) => {
    if (!handler) handler = sandboxHandler(options.config ?? localConfig(url), options.gatewayUrl);
    serve(handler, req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, resolve);
  });
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(handler: (req: Request) => Promise<Response>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  const request = new Request(`http://${req.headers.host ?? "sandbox"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
  });
  const response = await handler(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}
