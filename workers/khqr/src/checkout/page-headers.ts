// The checkout pages' response headers: a strict Content-Security-Policy (nothing from another
// origin; inline script and style only with this response's nonce), no caching, and no Referer,
// since the page's own URL carries the payment's token.
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
}

export function pageHeaders(nonce?: string): Record<string, string> {
  const inline = nonce ? `'nonce-${nonce}'` : "'none'";
  const csp = [
    "default-src 'none'",
    `script-src ${inline}`,
    `style-src ${inline}`,
    "img-src data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": csp,
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
}
