// GET /docs: the OpenAPI document rendered as one HTML page on the server. No script and no asset
// from another origin (docs/api.md), so it reads offline and under a CSP that allows
// only its own inline style, by nonce.
type Json = { [key: string]: any };

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f5f7;padding:.6rem;overflow:auto;border-radius:4px}
section{border-top:1px solid #d8dde3;padding:.5rem 0}h3 code{font-size:15px}.m{font-weight:700;margin-right:.5rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d8dde3;padding:.25rem .5rem;text-align:left;vertical-align:top}
nav a{display:block}`;

const escape = (text: unknown) =>
  String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const pretty = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

/** Backticked words of the descriptions as code, the rest escaped. */
const prose = (text: unknown) => escape(text).replace(/`([^`]+)`/g, "<code>$1</code>");

function schemaSummary(schema: Json = {}): string {
  const parts = [schema.type, schema.enum && `one of ${schema.enum.join(", ")}`, schema.format];
  if (schema.pattern) parts.push(`matching ${schema.pattern}`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? ""}..${schema.maximum ?? ""}`);
  if (schema.default !== undefined) parts.push(`default ${schema.default}`);
  return escape(parts.filter(Boolean).join(", "));
}

function operation(method: string, path: string, op: Json): string {
  const scope = op.security?.[0]?.bearer?.[0];
  const rows = (op.parameters ?? []).map(
    (p: Json) =>
      `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}${p.required ? ", required" : ""}</td><td>${schemaSummary(p.schema)}${
        p.description ? `<br>${prose(p.description)}` : ""
      }</td></tr>`,
  );
  const body = op.requestBody?.content?.["application/json"];
  const responses = Object.entries(op.responses as Json).map(([status, response]: [string, Json]) => {
    const [type, content] = (Object.entries(response.content ?? {})[0] ?? []) as [string?, Json?];
    const example = content?.example !== undefined && type === "application/json" ? pretty(content.example) : "";
    const schema = content?.schema ? `<details><summary>schema</summary>${pretty(content.schema)}</details>` : "";
    return `<tr><td>${status}</td><td>${prose(response.description)}${example}${schema}</td></tr>`;
  });
  return `<section id="${escape(op.operationId)}"><h3><span class="m">${method.toUpperCase()}</span><code>${escape(path)}</code></h3>
<p><strong>${prose(op.summary)}</strong></p><p>${prose(op.description)}</p>
<p>${scope ? `Bearer token with scope <code>${escape(scope)}</code>.` : "No token."}</p>
${rows.length ? `<h4>Parameters</h4><table>${rows.join("")}</table>` : ""}
${body ? `<h4>Request body (application/json)</h4>${pretty(body.example)}<details><summary>schema</summary>${pretty(body.schema)}</details>` : ""}
<h4>Responses</h4><table>${responses.join("")}</table></section>`;
}

export function renderDocsPage(document: Json, nonce: string): string {
  const operations = Object.entries(document.paths as Json).flatMap(([path, methods]) =>
    Object.entries(methods as Json).map(([method, op]) => ({ method, path, op: op as Json })),
  );
  const nav = operations.map(({ method, path, op }) => `<a href="#${escape(op.operationId)}">${method.toUpperCase()} ${escape(path)}</a>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(document.info.title)}</title><style nonce="${nonce}">${STYLE}</style></head><body>
<h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1><p>${prose(document.info.description)}</p>
<p>The machine-readable document: <a href="openapi.json">openapi.json</a> (OpenAPI ${escape(document.openapi)}).</p>
<nav>${nav.join("")}</nav>${operations.map(({ method, path, op }) => operation(method, path, op)).join("")}</body></html>`;
}

export function docsPageSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}
