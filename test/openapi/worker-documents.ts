// Each worker's app, its served document and the descriptions it is generated from: what the
// OpenAPI and property tests walk. A new worker's routes are described in its openapi-document.ts.
import { buildOpenApiDocument } from "#shared/platform/http/openapi/build-document.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { app as gatewayApp } from "../../workers/gateway/src/index.ts";
import * as gatewayDocs from "../../workers/gateway/src/openapi-document.ts";
import { openApiJson as gatewayJson } from "../../workers/gateway/src/openapi.generated.ts";
import { app as khqrApp } from "../../workers/khqr/src/index.ts";
import * as khqrDocs from "../../workers/khqr/src/openapi-document.ts";
import { openApiJson as khqrJson } from "../../workers/khqr/src/openapi.generated.ts";

export type OpenApiDocument = { paths: Record<string, Record<string, any>>; [key: string]: any };

export interface WorkerDocument {
  worker: "gateway" | "khqr";
  /** The routes Hono has registered: method and path, `:param` style. */
  routes: { method: string; path: string }[];
  served: OpenApiDocument;
  routeDocs: RouteDoc[];
  /** Built afresh from the descriptions, as `npm run openapi` would. */
  rebuild(): OpenApiDocument;
}

export const WORKER_DOCUMENTS: WorkerDocument[] = [
  {
    worker: "gateway",
    routes: gatewayApp.routes,
    served: JSON.parse(gatewayJson),
    routeDocs: gatewayDocs.routeDocs,
    rebuild: () => buildOpenApiDocument(gatewayDocs.documentInfo, gatewayDocs.routeDocs) as OpenApiDocument,
  },
  {
    worker: "khqr",
    routes: khqrApp.routes,
    served: JSON.parse(khqrJson),
    routeDocs: khqrDocs.routeDocs,
    rebuild: () => buildOpenApiDocument(khqrDocs.documentInfo, khqrDocs.routeDocs) as OpenApiDocument,
  },
];

/** `METHOD /path/{param}` of every handler route (middleware is registered as ALL /*). */
export function registeredOperations(routes: { method: string; path: string }[]): string[] {
  const operations = routes
    .filter((r) => r.method !== "ALL")
    .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
  return [...new Set(operations)].sort();
}

export function documentedOperations(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}
