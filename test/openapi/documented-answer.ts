// Checks one answer against what the document says of its route: a documented status, a body
// valid against that status's schema, and the error envelope with the same request id as the header.
import { Validator } from "@cfworker/json-schema";
import { expect } from "vitest";
import type { OpenApiDocument } from "./worker-documents.ts";

const validators = new Map<object, Validator>();

function validatorFor(schema: object): Validator {
  let validator = validators.get(schema);
  if (!validator) validators.set(schema, (validator = new Validator(schema as any, "2020-12", false)));
  return validator;
}

export interface CheckedAnswer {
  status: number;
  body: any;
}

export async function expectDocumentedAnswer(
  document: OpenApiDocument,
  operation: { method: string; path: string },
  response: Response,
): Promise<CheckedAnswer> {
  const where = `${operation.method.toUpperCase()} ${operation.path} answered ${response.status}`;
  const text = await response.text();
  expect(response.status, `${where}: ${text.slice(0, 300)}`).toBeLessThan(500);
  const documented = document.paths[operation.path]?.[operation.method]?.responses?.[String(response.status)];
  expect(documented, `${where}, a status the document does not list`).toBeDefined();
  const [contentType, content] = Object.entries(documented.content ?? {})[0] as [string, { schema: object }];
  expect(response.headers.get("content-type") ?? "", where).toContain(contentType);
  const body = contentType === "application/json" ? JSON.parse(text) : text;
  const result = validatorFor(content.schema).validate(body);
  expect(
    result.errors.map((e) => `${e.instanceLocation} ${e.error}`),
    `${where}: ${text.slice(0, 300)}`,
  ).toEqual([]);
  if (response.status >= 400) {
    expect(body.success, where).toBe(false);
    expect(body.requestId, where).toBe(response.headers.get("x-request-id"));
  }
  return { status: response.status, body };
}
