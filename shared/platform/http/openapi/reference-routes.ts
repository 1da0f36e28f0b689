// GET /openapi.json and GET /docs on both workers: no token (docs/api.md). The document
// is generated at build time (`npm run openapi`) and passed in as JSON, so the worker carries no converter.
import type { Hono } from "hono";
import * as v from "valibot";
import type { AnyApiEnv } from "../api-env.ts";
import { docsPageSecurityPolicy, renderDocsPage } from "./docs-page.ts";
import type { RouteDoc } from "./route-doc.ts";

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function openApiRouteDoc(): RouteDoc {
  return {
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApiDocument",
    tag: "Reference",
    summary: "This worker's OpenAPI 3.1 document",
    description: "Every route this worker serves, generated from the valibot schemas that validate its requests.",
    scope: null,
    success: {
      status: 200,
      description: "The OpenAPI 3.1 document",
      schema: v.looseObject({ openapi: v.literal("3.1.0"), info: v.looseObject({}), paths: v.looseObject({}) }),
    },
    errors: [],
  };
}

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function docsRouteDoc(): RouteDoc {
  return {
    method: "get",
    path: "/docs",
    operationId: "getApiReferencePage",
    tag: "Reference",
    summary: "This worker's API reference as an HTML page",
    description: "The OpenAPI document rendered on the server: no script, no asset from another origin.",
    scope: null,
    success: { status: 200, description: "The reference page", schema: v.string(), contentType: "text/html" },
    errors: [],
  };
}

/** `json` is the document as generated: served as it is, parsed once for the page. */
export function registerApiReference<E extends AnyApiEnv>(app: Hono<E>, json: string): void {
  let document: { [key: string]: unknown } | undefined;
  app.get("/openapi.json", (c) => c.body(json, 200, { "content-type": "application/json", "cache-control": "public, max-age=300" }));
  app.get("/docs", (c) => {
    const nonce = crypto.randomUUID().replaceAll("-", "");
    document ??= JSON.parse(json) as { [key: string]: unknown };
    return c.html(renderDocsPage(document, nonce), 200, { "content-security-policy": docsPageSecurityPolicy(nonce) });
  });
}
