// PostgreSQL URLs as wrangler and miniflare take them for a Hyperdrive binding.

/** Hyperdrive's local emulation insists on a password; a trust-auth server ignores this one. */
export function withPlaceholderPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.password) url.password = "unused";
  return url.toString();
}
