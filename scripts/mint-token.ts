// `npm run token -- <client> [scope ...]`: a development bearer token signed with JWT_SECRET
// (from the environment, .dev.vars, or the local defaults). Scopes default to all three.
import { existsSync, readFileSync } from "node:fs";
import { mintDevToken } from "../sandbox/dev-token.ts";
import { localConfig, SANDBOX_PORT } from "../sandbox/local-config.ts";

const [client = "dev-app", ...scopes] = process.argv.slice(2);
const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const fromDevVars = (name: string) => new RegExp(`^\\s*${name}\\s*=\\s*"?([^"\\n]*)"?\\s*$`, "m").exec(devVars)?.[1];
const defaults = localConfig(`http://127.0.0.1:${SANDBOX_PORT}`);
const setting = (name: string) => process.env[name] ?? fromDevVars(name) ?? defaults[name]!;

const token = await mintDevToken({
  secret: setting("JWT_SECRET"),
  issuer: setting("JWT_ISSUER"),
  audience: setting("JWT_AUDIENCE"),
  subject: client,
  scopes: scopes.length > 0 ? scopes : ["payments:inquire", "payments:confirm", "khqr:generate"],
});
console.log(token);
