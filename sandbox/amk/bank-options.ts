// How the sandbox bank is set up: it must agree with the workers' configuration (sandbox/local-config.ts).
export interface AmkBankOptions {
  /** Partner API sign-in. */
  username: string;
  password: string;
  /** More partner accounts, so test files that count sign-ins never count each other's. */
  otherAccounts?: { username: string; password: string }[];
  /** The merchant binding payment-verify checks, and the merchant the QR codes pay. */
  merchantId: string;
  storeId: string;
  terminalId: string;
  /** payment-verify's HMAC key. */
  secretKey: string;
  /** HS256 key, issuer and audience of the bearer token on AMK's webhook to the gateway. */
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** Where the webhook goes when a QR is paid in the sandbox; without it, `pay` only records. */
  gatewayUrl?: string;
}
