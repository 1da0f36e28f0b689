// `npm run token -- <client> [scope ...]`: a development bearer token signed with JWT_SECRET
// (from the environment, .dev.vars, or the local defaults). Scopes default to the app and bank
// ones (payments:inquire, payments:confirm, khqr:generate); an operator's token names payments:operate.
import { mintDevToken } from "../sandbox/dev-token.ts";
import { SANDBOX_PORT } from "../sandbox/local-config.ts";
import { localSettings } from "./local-settings.ts";

const [client = "dev-app", ...scopes] = process.argv.slice(2);
const settings = localSettings(`http://127.0.0.1:${SANDBOX_PORT}`);

console.log(
  await mintDevToken({
    secret: settings.JWT_SECRET!,
    issuer: settings.JWT_ISSUER!,
    audience: settings.JWT_AUDIENCE!,
    subject: client,
    scopes: scopes.length > 0 ? scopes : ["payments:inquire", "payments:confirm", "khqr:generate"],
  }),
);
