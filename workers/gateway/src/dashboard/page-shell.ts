// What every operator page shares: the document around its sections, its one nonce'd style, and
// headers that allow no script and nothing from another origin. Pages with a form may post it
// back to the gateway only (form-action 'self').
import { escapeHtml as e } from "./charts.ts";

export const PAGE_STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f7f8fa}
header{background:#1b2b3f;color:#fff;padding:.8rem 1.2rem}header h1{margin:0;font-size:1.3rem}header p{margin:.2rem 0 0;color:#c9d3de;font-size:.85rem}header a{color:#fff}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:1rem;padding:1rem;max-width:1400px;margin:0 auto}
section{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:.6rem 1rem;min-width:0;overflow-wrap:anywhere}h2{font-size:1.05rem;margin:.2rem 0 .6rem}
.wide{grid-column:1/-1}ul{list-style:none;margin:0;padding:0}li.alert{display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:.4rem .6rem;border-left:6px solid #2e8540;margin:.3rem 0;background:#f1f8f3}
li.alert.firing{border-color:#c62828;background:#fdecea}.state{font-weight:700;min-width:5.5rem}.firing .state{color:#c62828}.quiet .state{color:#2e8540}
.name{font-weight:600;min-width:11rem}.small{color:#5b6570;font-size:.85rem}code{font:12px ui-monospace,monospace}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e7ec;padding:.3rem .4rem;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{width:100%;height:auto;display:block}form{display:grid;gap:.5rem;margin:.6rem 0}select,textarea,button{font:inherit;padding:.3rem}
button{background:#1b2b3f;color:#fff;border:0;border-radius:4px;padding:.45rem 1rem;justify-self:start}.bad{color:#c62828;font-weight:600}.good{color:#2e8540;font-weight:600}`;

export function operatorPage(page: {
  title: string;
  heading: string;
  subtitle: string;
  nonce: string;
  body: string;
  refreshSeconds?: number;
}) {
  const refresh = page.refreshSeconds ? `<meta http-equiv="refresh" content="${page.refreshSeconds}">` : "";
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `${refresh}<title>${e(page.title)}</title><style nonce="${e(page.nonce)}">${PAGE_STYLE}</style></head>` +
    `<body><header><h1>${e(page.heading)}</h1><p>${page.subtitle}</p></header><main>${page.body}</main></body></html>`
  );
}

/** No script at all, nothing from anywhere: only this response's inline style (and, with forms, posts to the gateway). */
export function operatorPageHeaders(nonce: string, options: { forms?: boolean } = {}): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action ${options.forms ? "'self'" : "'none'"}; frame-ancestors 'none'`,
    "cache-control": "no-store",
    // A form page keeps its origin on its posts (no-referrer would send Origin: null).
    "referrer-policy": options.forms ? "same-origin" : "no-referrer",
    "x-content-type-options": "nosniff",
  };
}

export const newNonce = () => crypto.randomUUID().replaceAll("-", "");

/** A browser asking for a page (its Accept names text/html before any JSON); tools get JSON. */
export function wantsHtml(accept: string | undefined): boolean {
  const types = (accept ?? "").split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
  const html = types.indexOf("text/html");
  const json = types.indexOf("application/json");
  return html !== -1 && (json === -1 || html < json);
}
