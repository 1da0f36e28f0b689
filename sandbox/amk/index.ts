// Placeholder until the AMK stand-in lands (issue 3).
import type { SandboxRoute } from "../http.ts";

export interface AmkBankOptions {
  username: string;
  password: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  secretKey: string;
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  gatewayUrl?: string;
}

export function amkBank(_options: AmkBankOptions): SandboxRoute {
  return () => undefined;
}
