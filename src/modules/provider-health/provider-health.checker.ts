// Performs one live check and turns its outcome into a ProviderHealthRecord (SPEC.md §4). The URL may carry the API
// key, so it never reaches a message or a log line: messages are generic and logs name the provider only.
import type { ProviderType } from "../../domain/provider.js";
import { CheckLimiter } from "./provider-check.limiter.js";
import { buildCheckRequest, type CheckRequest } from "./provider-check.request.js";
import type { CheckTarget } from "./provider-check.target.js";
import type { HealthLogger } from "./provider-health.logger.js";
import { type ProviderHealthRecord, ProviderStatus } from "./provider-health.model.js";

export interface ProviderHealthCheckerOptions {
  /** PROVIDER_CHECK_TIMEOUT_MS: covers connecting and waiting for the response headers. */
  readonly timeoutMs: number;
  /** PROVIDER_CHECK_ORIGIN_OVERRIDE: every check goes to this origin instead (tests). */
  readonly originOverride?: string | undefined;
  readonly logger: HealthLogger;
  /** The HTTP client; Node's global fetch unless a test gives another. */
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Bounds the requests in flight; the default allows MAX_CONCURRENT_CHECKS at once per checker (one per instance). */
  readonly limiter?: CheckLimiter;
}

/** What the service and the monitor need from a checker (a fake in their tests, if they like). */
export interface ProviderChecker {
  check(providerType: ProviderType, providerName: string, target: CheckTarget, apiKey: string | null): Promise<ProviderHealthRecord>;
}

type Outcome = Pick<ProviderHealthRecord, "status" | "responseTimeMs" | "errorMessage">;

export class ProviderHealthChecker implements ProviderChecker {
  private readonly originOverride: URL | null;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly limiter: CheckLimiter;

  constructor(private readonly options: ProviderHealthCheckerOptions) {
    this.originOverride = options.originOverride ? new URL(options.originOverride) : null;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? performance.now.bind(performance);
    this.limiter = options.limiter ?? new CheckLimiter();
  }

  async check(providerType: ProviderType, providerName: string, target: CheckTarget, apiKey: string | null): Promise<ProviderHealthRecord> {
    const checkedAt = new Date();
    const outcome = await this.probe(providerType, target, apiKey);
    const fields = { providerType, providerName, status: outcome.status, responseTimeMs: outcome.responseTimeMs };
    if (outcome.status === ProviderStatus.AVAILABLE) this.options.logger.info(fields, "provider health checked");
    else this.options.logger.warn({ ...fields, errorMessage: outcome.errorMessage }, "provider health check failed");
    return { providerType, providerName, checkedAt, ...outcome };
  }

  private async probe(providerType: ProviderType, target: CheckTarget, apiKey: string | null): Promise<Outcome> {
    if (target.requiresApiKey && apiKey === null) return failure("API key required");
    const request = buildCheckRequest(providerType, target, apiKey, this.originOverride);
    if (request === null) return failure("no usable URL in the catalog");
    // Only real requests take a slot; a full line throws SERVICE_UNAVAILABLE out of check(), not an ERROR result,
    // because it says nothing about the provider.
    return this.limiter.run(() => this.send(request));
  }

  private async send(request: CheckRequest): Promise<Outcome> {
    const started = this.now();
    try {
      // Never follow redirects: a 3xx already proves the provider answers, and following could lead off the catalog host.
      const response = await this.fetch(request.url, {
        method: "GET",
        headers: request.headers,
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const responseTimeMs = Math.round((this.now() - started) * 10) / 10;
      // The body is not needed (a tile can be large); cancelling frees the connection without reading it.
      await response.body?.cancel().catch(() => undefined);
      return { ...statusOf(response.status), responseTimeMs };
    } catch (error) {
      return failure(networkMessage(error, this.options.timeoutMs));
    }
  }
}

const failure = (errorMessage: string): Outcome => ({ status: ProviderStatus.ERROR, responseTimeMs: null, errorMessage });

function statusOf(code: number): Omit<Outcome, "responseTimeMs"> {
  if (code >= 200 && code < 400) return { status: ProviderStatus.AVAILABLE, errorMessage: null };
  if (code === 429) return { status: ProviderStatus.RATE_LIMITED, errorMessage: "HTTP 429" };
  return { status: ProviderStatus.UNAVAILABLE, errorMessage: `HTTP ${code}` };
}

/** Only the error's kind is reported: undici's messages and causes may quote the host or the URL. */
const NETWORK_MESSAGES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  UND_ERR_SOCKET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

function networkMessage(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `timeout after ${timeoutMs} ms`;
  const code = errorCode(error instanceof Error ? error.cause : undefined);
  if (code === undefined) return "network error";
  if (code.startsWith("ERR_TLS") || code.includes("CERT")) return "TLS error";
  return NETWORK_MESSAGES[code] ?? "network error";
}

function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== "object" || cause === null || !("code" in cause)) return undefined;
  return typeof cause.code === "string" ? cause.code : undefined;
}
