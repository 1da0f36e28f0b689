// AMK's partner API for QR generation (external-contracts §5): sign-in and /qr/generator. The
// only module that knows these formats. The access token is reused across requests (memory) and
// instances (KV) until a minute before it expires; a 401 forces one fresh sign-in and one retry.
import * as v from "valibot";
import { amkUnknown } from "#shared/amk/amk-errors.ts";
import type { GeneratedQr, QrGenerator, QrRequest } from "#shared/payments/issue-khqr.ts";
import { fetchUpstream } from "#shared/upstream.ts";

export interface AmkPartnerSettings {
  baseUrl: string;
  username: string;
  password: string;
  timeoutMs: number;
}

interface CachedToken {
  accessToken: string;
  expiresAtMs: number;
}

const REFRESH_BEFORE_EXPIRY_MS = 60_000;
const memoryTokens = new Map<string, CachedToken>();

const SignInReply = v.object({ access_token: v.pipe(v.string(), v.nonEmpty()), expires_in: v.pipe(v.number(), v.minValue(1)) });
const QrReply = v.object({
  code: v.string(),
  message: v.nullish(v.string()),
  data: v.nullish(v.object({ qrImage: v.pipe(v.string(), v.nonEmpty()), qrString: v.pipe(v.string(), v.nonEmpty()) })),
});

export class AmkPartnerApi implements QrGenerator {
  private readonly cacheKey: string;

  constructor(
    private readonly settings: AmkPartnerSettings,
    private readonly sessions: KVNamespace,
  ) {
    this.cacheKey = `amk-token:${settings.baseUrl}:${settings.username}`;
  }

  async generateQr(request: QrRequest): Promise<GeneratedQr> {
    const first = await this.postQr(request, await this.token(false));
    if (first !== "token-rejected") return first;
    const retried = await this.postQr(request, await this.token(true));
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

  /** A usable access token: from memory, then KV, else a fresh sign-in (always when `fresh`). */
  private async token(fresh: boolean): Promise<string> {
    const now = Date.now();
    const usable = (t: CachedToken | null | undefined) => (t && t.expiresAtMs - REFRESH_BEFORE_EXPIRY_MS > now ? t : undefined);
    if (!fresh) {
      const cached = usable(memoryTokens.get(this.cacheKey)) ?? usable(await this.sessions.get<CachedToken>(this.cacheKey, "json"));
      if (cached) {
        memoryTokens.set(this.cacheKey, cached);
        return cached.accessToken;
      }
    }
    const token = await this.signIn(now);
    memoryTokens.set(this.cacheKey, token);
    const ttlSeconds = Math.floor((token.expiresAtMs - REFRESH_BEFORE_EXPIRY_MS - now) / 1000);
    if (ttlSeconds >= 60) await this.sessions.put(this.cacheKey, JSON.stringify(token), { expirationTtl: ttlSeconds });
    return token.accessToken;
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
