// AMK's partner API for QR generation (docs/contracts.md): sign-in and /qr/generator. The
// only module that knows these formats. The access token is reused across requests (memory) and
// instances (KV) until a minute before it expires; a 401 forces one fresh sign-in and one retry.
// KV is only a cache: when it fails we sign in or keep the token in memory, never fail the request.
import * as v from "valibot";
import { amkUnknown } from "#shared/amk/errors.ts";
import type { GeneratedQr, QrGenerator, QrRequest } from "#shared/payments/issue-khqr.ts";
import { fetchUpstream } from "#shared/platform/upstream.ts";

export interface AmkPartnerSettings {
  baseUrl: string;
  username: string;
  password: string;
  timeoutMs: number;
}

/** Where access tokens are shared between instances: the subset of a Workers KV namespace used here. */
export interface TokenCache {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string, options: { expirationTtl: number }): Promise<void>;
}

interface CachedToken {
  accessToken: string;
  expiresAtMs: number;
}

const REFRESH_BEFORE_EXPIRY_MS = 60_000;
const memoryTokens = new Map<string, CachedToken>();
/** One sign-in at a time per account in this isolate: concurrent requests share its promise. */
const signInsInFlight = new Map<string, Promise<CachedToken>>();

const SignInReply = v.object({ access_token: v.pipe(v.string(), v.nonEmpty()), expires_in: v.pipe(v.number(), v.minValue(1)) });
const QrReply = v.object({
  code: v.string(),
  message: v.nullish(v.string()),
  // data.qrImage is not read: the customer is shown a PNG we draw from the checked qrString.
  data: v.nullish(v.object({ qrString: v.pipe(v.string(), v.nonEmpty()) })),
});

export class AmkPartnerApi implements QrGenerator {
  private readonly cacheKey: string;

  /**
   * `waitUntil` keeps the request that started a shared sign-in alive until it settles: workerd
   * cancels other requests' continuations on a promise whose creating request has ended.
   */
  constructor(
    private readonly settings: AmkPartnerSettings,
    private readonly sessions: TokenCache,
    private readonly waitUntil: (promise: Promise<unknown>) => void = () => {},
  ) {
    this.cacheKey = `amk-token:${settings.baseUrl}:${settings.username}`;
  }

  async generateQr(request: QrRequest): Promise<GeneratedQr> {
    const token = await this.token();
    const first = await this.postQr(request, token);
    if (first !== "token-rejected") return first;
    const retried = await this.postQr(request, await this.token(token));
    if (retried === "token-rejected") throw amkUnknown("qr/generator rejected a fresh token");
    return retried;
  }

  private async postQr(request: QrRequest, accessToken: string): Promise<GeneratedQr | "token-rejected"> {
    const response = await fetchUpstream({ upstream: "AMK QR API", timeoutMs: this.settings.timeoutMs }, `${this.base()}/qr/generator`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(request),
    });
    const parsed = v.safeParse(QrReply, await response.json().catch(() => undefined));
    if (response.status === 401 || (parsed.success && parsed.output.code === "401")) return "token-rejected";
    if (!parsed.success) throw amkUnknown(`unreadable qr/generator reply (HTTP ${response.status})`);
    if (parsed.output.code !== "000" || !parsed.output.data) throw amkUnknown(`qr/generator answered code ${parsed.output.code}`);
    return parsed.output.data;
  }

  /**
   * A usable access token: from memory, then KV, else from a sign-in. `rejected` is a token AMK
   * just refused: another one already in memory is used, else this request joins or starts the
   * one sign-in in flight.
   */
  private async token(rejected?: string): Promise<string> {
    const now = Date.now();
    const usable = (t: CachedToken | null | undefined) =>
      t && t.accessToken !== rejected && t.expiresAtMs - REFRESH_BEFORE_EXPIRY_MS > now ? t : undefined;
    const remembered = usable(memoryTokens.get(this.cacheKey));
    if (remembered) return remembered.accessToken;
    const pending = signInsInFlight.get(this.cacheKey);
    if (pending) return (await pending).accessToken;
    if (rejected === undefined) {
      const shared = usable(await this.readSession());
      if (shared) {
        memoryTokens.set(this.cacheKey, shared);
        return shared.accessToken;
      }
    }
    return (await this.sharedSignIn()).accessToken;
  }

  private sharedSignIn(): Promise<CachedToken> {
    const existing = signInsInFlight.get(this.cacheKey);
    if (existing) return existing;
    const signingIn = this.signIn(Date.now())
      .then(async (token) => {
        memoryTokens.set(this.cacheKey, token);
        await this.writeSession(token);
        return token;
      })
      .finally(() => signInsInFlight.delete(this.cacheKey));
    signInsInFlight.set(this.cacheKey, signingIn);
    this.waitUntil(signingIn.catch(() => {}));
    return signingIn;
  }

  private async readSession(): Promise<CachedToken | null> {
    try {
      const text = await this.sessions.get(this.cacheKey, "text");
      return text === null ? null : (JSON.parse(text) as CachedToken);
    } catch (error) {
      logSessionFailure("read", error);
      return null;
    }
  }

  private async writeSession(token: CachedToken): Promise<void> {
    const ttlSeconds = Math.floor((token.expiresAtMs - REFRESH_BEFORE_EXPIRY_MS - Date.now()) / 1000);
    if (ttlSeconds < 60) return; // KV's shortest TTL; memory alone serves such a short-lived token
    try {
      await this.sessions.put(this.cacheKey, JSON.stringify(token), { expirationTtl: ttlSeconds });
    } catch (error) {
      logSessionFailure("write", error);
    }
  }

  private async signIn(now: number): Promise<CachedToken> {
    const response = await fetchUpstream({ upstream: "AMK sign-in", timeoutMs: this.settings.timeoutMs }, `${this.base()}/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ username: this.settings.username, password: this.settings.password }),
    });
    const parsed = v.safeParse(SignInReply, await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success) throw amkUnknown(`sign-in failed (HTTP ${response.status})`);
    return { accessToken: parsed.output.access_token, expiresAtMs: now + parsed.output.expires_in * 1000 };
  }

  private base(): string {
    return this.settings.baseUrl.replace(/\/$/, "");
  }
}

function logSessionFailure(operation: "read" | "write", error: unknown): void {
  console.log(JSON.stringify({ service: "amk-session-cache", operation, outcome: "kv-failed", reason: String(error) }));
}
