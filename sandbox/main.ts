// `npm run sandbox`: the sandbox alone, for pointing a separately started worker at it.
import { startSandbox } from "./server.ts";
import { GATEWAY_PORT, SANDBOX_PORT } from "./local-config.ts";

const port = Number(process.env.SANDBOX_PORT ?? SANDBOX_PORT);
const sandbox = await startSandbox({ port, gatewayUrl: process.env.GATEWAY_URL ?? `http://127.0.0.1:${GATEWAY_PORT}` });
console.log(`sandbox listening on ${sandbox.url}`);
