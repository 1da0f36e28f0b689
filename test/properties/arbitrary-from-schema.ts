// fast-check arbitraries derived from the documents' JSON Schemas (themselves converted from the
// routes' valibot schemas): values the schema allows, and the edge cases a client could send instead.
import fc from "fast-check";

type Schema = { [key: string]: any };

/** Strings that break naive handling: control and bidi characters, astral planes, long runs. */
export const awkwardString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "\u202e", "\ud83d\ude00", "null", "<script>", "%00", "../..", "1e309", "-0", "0x10"),
  fc.string({ unit: "grapheme", minLength: 200, maxLength: 300 }),
);

/** Anything JSON can carry, of the wrong type for most fields. */
export const anyJson = fc.oneof(
  awkwardString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1e21, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2, true, false, null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3, noNullPrototype: true }),
);

export function validOf(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(validOf));
  switch (schema.type) {
    case "string": {
      const length = { minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 300) };
      if (schema.format === "uuid") return fc.uuid();
      if (schema.pattern)
        return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= length.minLength && s.length <= length.maxLength);
      return fc.string({ unit: "grapheme", ...length });
    }
    case "integer":
      return fc.integer({ min: Math.max(schema.minimum ?? -1e9, -1e15), max: Math.min(schema.maximum ?? 1e9, 1e15) });
    case "number":
      return fc.oneof(
        fc.integer({ min: -10, max: 1e7 }).map((cents) => cents / 100),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      );
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(validOf(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case "object": {
      const properties: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) properties[name] = validOf(property as Schema);
      return fc.record(properties, { requiredKeys: schema.required ?? [] });
    }
    default:
      return anyJson;
  }
}

/** An object the schema allows, then perhaps broken: a required field dropped, or a field given a wrong value. */
export function objectInputOf(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(schema.properties ?? {});
  const valid = validOf(schema) as fc.Arbitrary<Record<string, unknown>>;
  if (names.length === 0) return valid;
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...names)).map(([o, name]) => ({ ...o, [name]: undefined })) },
    { weight: 2, arbitrary: fc.tuple(valid, fc.constantFrom(...names), anyJson).map(([o, name, value]) => ({ ...o, [name]: value })) },
  );
}
