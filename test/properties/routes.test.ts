// Schema-driven property tests of every documented route, through each worker's real fetch: inputs
// derived from the document (converted from the routes' valibot schemas), valid and broken, with
// good, wrong-scope, forged and absent tokens. Whatever comes in: never a 5xx, every answer is one
// the document lists with a body valid against its schema (errors in the envelope), input the
// route's valibot schema refuses is 400, and a refused request changes no record.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { callGateway } from "../support/gateway.ts";
import { callKhqr } from "../support/khqr.ts";
import { tokenFor } from "../support/tokens.ts";
import { expectDocumentedAnswer } from "../openapi/documented-answer.ts";
import { WORKER_DOCUMENTS, type OpenApiDocument } from "../openapi/worker-documents.ts";
import { anyJson, awkwardString, objectInputOf, validOf } from "./arbitrary-from-schema.ts";

const RUNS = 30;
const TABLES = ["premiums", "payments", "khqr_issuances", "event_outbox", "webhook_receipts", "payment_exceptions"];
/** Refusals before any business judgement: nothing at all may have been written. */
const INPUT_REFUSALS = new Set([400, 401, 403, 413, 429]);

async function recordCounts(): Promise<Record<string, number>> {
  const sql = `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(", ")}`;
  return (await env.DB.prepare(sql).first<Record<string, number>>())!;
}

interface Sent {
  path: string;
  token: string | null;
  tokenHasScope: boolean;
  headers: Record<string, string>;
  rawBody?: string;
  /** What the route's valibot schema gets to judge, when the request reaches it. */
  judged?: { schema: v.GenericSchema; input: unknown };
}

const headerText = fc.stringMatching(/^[ -~]{0,80}$/);

function tokenArbitrary(tokens: Awaited<ReturnType<typeof mintTokens>>) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ token: tokens.scoped, tokenHasScope: true }) },
    { weight: 1, arbitrary: fc.constantFrom(tokens.otherScope, tokens.forged, null).map((token) => ({ token, tokenHasScope: false })) },
    { weight: 1, arbitrary: headerText.map((token) => ({ token, tokenHasScope: false })) },
  );
}

async function mintTokens(scope: string | null) {
  const scoped = await tokenFor(scope ? [scope] : []);
  return {
    scoped,
    otherScope: await tokenFor(["payments:none"]),
    forged: await tokenFor(scope ? [scope] : [], { secret: "not-the-secret-not-the-secret-not-the-secret" }),
  };
}

function queryArbitrary(op: any, route: RouteDoc) {
  const params = (op.parameters ?? []).filter((p: any) => p.in === "query");
  if (params.length === 0) return fc.constant({ query: "", judged: undefined });
  const schema = {
    type: "object",
    properties: Object.fromEntries(params.map((p: any) => [p.name, p.schema])),
    required: params.filter((p: any) => p.required).map((p: any) => p.name),
  };
  return fc.tuple(objectInputOf(schema), fc.option(awkwardString, { nil: undefined })).map(([values, junk]) => {
    const search = new URLSearchParams();
    const seen: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) if (value !== undefined) search.set(name, (seen[name] = String(value)));
    if (junk !== undefined) search.set("unexpected", junk);
    return { query: `?${search}`, judged: route.query ? { schema: route.query, input: seen } : undefined };
  });
}

function pathArbitrary(template: string, op: any) {
  const params = (op.parameters ?? []).filter((p: any) => p.in === "path");
  if (params.length === 0) return fc.constant(template);
  return fc
    .tuple(...params.map((p: any) => fc.oneof(validOf(p.schema), awkwardString)))
    .map((values) =>
      params.reduce(
        (path: string, p: any, i: number) => path.replace(`{${p.name}}`, encodeURIComponent(String(values[i])) || "x"),
        template,
      ),
    );
}

function bodyArbitrary(op: any, route: RouteDoc) {
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  if (!schema) return fc.constant({ rawBody: undefined, contentType: undefined, judged: undefined });
  const json = objectInputOf(schema).map((body) => {
    const rawBody = JSON.stringify(body);
    return { rawBody, contentType: "application/json", judged: { schema: route.body!.schema, input: JSON.parse(rawBody) } };
  });
  const broken = fc.oneof(
    anyJson.map((value) => ({ rawBody: JSON.stringify(value), contentType: "application/json" })),
    awkwardString.map((rawBody) => ({ rawBody, contentType: "application/json" })),
    objectInputOf(schema).map((body) => ({ rawBody: JSON.stringify(body), contentType: "text/plain" })),
    fc.constant({ rawBody: JSON.stringify({ padding: "x".repeat(70 * 1024) }), contentType: "application/json" }),
  );
  return fc.oneof({ weight: 3, arbitrary: json }, { weight: 1, arbitrary: broken.map((b) => ({ ...b, judged: undefined })) });
}

function requestArbitrary(template: string, op: any, route: RouteDoc, tokens: Awaited<ReturnType<typeof mintTokens>>): fc.Arbitrary<Sent> {
  return fc
    .record({
      auth: tokenArbitrary(tokens),
      path: pathArbitrary(template, op),
      query: queryArbitrary(op, route),
      body: bodyArbitrary(op, route),
      clientRequestId: fc.option(headerText, { nil: undefined }),
    })
    .map(({ auth, path, query, body, clientRequestId }) => {
      const headers: Record<string, string> = {};
      if (body.contentType) headers["content-type"] = body.contentType;
      if (clientRequestId !== undefined) headers["x-request-id"] = clientRequestId;
      return { path: path + query.query, ...auth, headers, rawBody: body.rawBody, judged: route.body ? body.judged : query.judged };
    });
}

function send(worker: "gateway" | "khqr", method: string, sent: Sent): Promise<Response> {
  if (worker === "khqr")
    return callKhqr(sent.path, { method: method.toUpperCase(), token: sent.token, headers: sent.headers, rawBody: sent.rawBody });
  return callGateway(sent.path, { method: method.toUpperCase(), token: sent.token, headers: sent.headers, rawBody: sent.rawBody });
}

for (const { worker, served, routeDocs } of WORKER_DOCUMENTS) {
  describe(`${worker}: every documented route, schema-driven`, () => {
    // The checkout page's routes answer HTML pages by design (a bad link is a plain 404 page, not the
    // envelope); test/khqr/checkout-page.test.ts and the browser test cover them.
    for (const route of routeDocs.filter((r) => !r.path.startsWith("/pay/"))) {
      const op = served.paths[route.path]![route.method]!;
      it(`${route.method.toUpperCase()} ${route.path}: no 5xx, documented answers, 400 for what its schema refuses, no record changed by a refusal`, async () => {
        const tokens = await mintTokens(route.scope);
        await fc.assert(
          fc.asyncProperty(requestArbitrary(route.path, op, route, tokens), async (sent) => {
            const before = await recordCounts();
            const { status, body } = await expectDocumentedAnswer(served as OpenApiDocument, route, await send(worker, route.method, sent));
            const after = await recordCounts();
            if (INPUT_REFUSALS.has(status)) expect(after, `${status} ${JSON.stringify(body)}`).toEqual(before);
            if (status >= 400) expect(after.payments).toBe(before.payments);
            if (route.scope && sent.tokenHasScope && sent.judged && !v.is(sent.judged.schema, sent.judged.input)) {
              expect([400, 413, 429], JSON.stringify(body)).toContain(status);
            }
            if (route.scope && sent.token === null) expect(status).toBe(401);
          }),
          { numRuns: RUNS },
        );
      });
    }
  });
}
