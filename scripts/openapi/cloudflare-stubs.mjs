// Node module hooks for `npm run openapi`: the workers' route modules reach `cloudflare:*` through
// their adapters; describing routes needs none of it, so those imports resolve to empty classes.
const STUBS = {
  "cloudflare:workers": "export class WorkerEntrypoint {} export class DurableObject {} export const env = {};",
  "cloudflare:sockets": "export function connect() { throw new Error('no sockets while generating OpenAPI'); }",
};

export async function resolve(specifier, context, nextResolve) {
  const stub = STUBS[specifier];
  if (stub !== undefined) return { url: `data:text/javascript,${encodeURIComponent(stub)}`, shortCircuit: true };
  return nextResolve(specifier, context);
}
