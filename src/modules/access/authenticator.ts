// Who is calling (SPEC.md §6): verifies `Authorization: Bearer <JWT>` with jose and turns its claims into a Caller.
// HS256 tokens are checked against AUTH_JWT_SECRET; RS256/ES256 tokens against the identity provider's keys at
// AUTH_JWKS_URL (fetched by jose, cached, refetched when an unknown `kid` shows up). Each verifier pins its own
// algorithms, so a token can never pick its verification method: an HS256 token signed with a public key as the
// HMAC secret fails, and `alg: none` fails everywhere. `exp` is honoured when present (SPEC.md §6 lists sub, tenants
// and scope as the claims the service reads) and required in production (SPEC.md §13). A token without `tenants` or
// `scope` is valid and grants no tenant or scope: it may still read the catalog. Without any auth configuration
// (refused in production by config.ts) every request is the anonymous caller.
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { LRUCache } from "lru-cache";
import { ALL_SCOPES, ANONYMOUS_CALLER, type Caller, type Scope } from "../../domain/caller.js";
import { checkTenantId, Problems } from "../../domain/validation.js";
import { AppError, ErrorCode } from "../../errors.js";

export interface AuthConfig {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Refuse tokens without `exp` (production, SPEC.md §13): a leaked token must not work forever. */
  requireExp?: boolean;
}

export interface Authenticator {
  /** False in open mode: every request is the anonymous caller. */
  readonly required: boolean;
  /**
   * The caller of a request with this Authorization header. Throws an AppError: UNAUTHENTICATED for a missing or
   * invalid token, SERVICE_UNAVAILABLE when the identity provider's keys cannot be fetched. No message repeats
   * the token.
   */
  authenticate(authorization: string | undefined): Promise<Caller>;
}

export const HS_ALGORITHMS = ["HS256"];
export const JWKS_ALGORITHMS = ["RS256", "ES256"];
/** Verified tokens are remembered this long at most (and never past their `exp`). */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
/** The memo of verified tokens is bounded in bytes (SPEC.md §13): a token may name up to MAX_TENANTS tenants. */
const VERIFIED_TOKEN_CACHE_BYTES = 16 * 1024 * 1024;
/** Longer tokens are refused before any parsing (real ones are well under 2 KB). */
const MAX_TOKEN_LENGTH = 8192;
const MAX_SUB_LENGTH = 255;
const MAX_TENANTS = 1000;
export const CLOCK_TOLERANCE_SECONDS = 30;
const BEARER = /^Bearer +(\S+) *$/i;
const KNOWN_SCOPES: ReadonlySet<string> = new Set(ALL_SCOPES);

/** The token of an `Authorization: Bearer <token>` header (graphql-ws reads it too, to close at its `exp`). */
export const bearerToken = (authorization: string | undefined): string | undefined => BEARER.exec(authorization ?? "")?.[1];

const unauthenticated = (message: string): AppError => new AppError(ErrorCode.UNAUTHENTICATED, message);

export function createAuthenticator(config: AuthConfig): Authenticator {
  if (!config.jwtSecret && !config.jwksUrl) return { required: false, authenticate: async () => ANONYMOUS_CALLER };
  return new JwtAuthenticator(config);
}

class JwtAuthenticator implements Authenticator {
  readonly required = true;
  private readonly secret?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;
  private readonly verified = new LRUCache<string, Caller>({ maxSize: VERIFIED_TOKEN_CACHE_BYTES, sizeCalculation: sizeOf });

  constructor(private readonly config: AuthConfig) {
    if (config.jwtSecret) this.secret = new TextEncoder().encode(config.jwtSecret);
    // jose caches the key set for 10 minutes and refetches at most every 30 s when a token names an unknown kid.
    if (config.jwksUrl) this.jwks = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000 });
  }

  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (!authorization) throw unauthenticated("Authentication required: send 'Authorization: Bearer <token>'.");
    const token = bearerToken(authorization);
    if (!token || token.length > MAX_TOKEN_LENGTH) throw unauthenticated("The Authorization header must be 'Bearer <token>'.");
    const known = this.verified.get(token);
    if (known) return known;
    const payload = await this.verify(token);
    const caller = callerOf(payload);
    const ttl = payload.exp === undefined ? VERIFIED_TOKEN_TTL_MS : Math.min(VERIFIED_TOKEN_TTL_MS, payload.exp * 1000 - Date.now());
    if (ttl > 0) this.verified.set(token, caller, { ttl });
    return caller;
  }

  private async verify(token: string): Promise<JWTPayload> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthenticated("The bearer token is not a valid JWT.");
    }
    const options = {
      issuer: this.config.issuer,
      audience: this.config.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: this.config.requireExp ? ["exp"] : [],
    };
    try {
      // The header only chooses which verifier runs; each one accepts its own algorithms and nothing else.
      if (this.secret && (alg === "HS256" || !this.jwks)) {
        return (await jwtVerify(token, this.secret, { ...options, algorithms: HS_ALGORITHMS })).payload;
      }
      return (await jwtVerify(token, this.jwks as JWTVerifyGetKey, { ...options, algorithms: JWKS_ALGORITHMS })).payload;
    } catch (error) {
      throw verificationError(error);
    }
  }
}

/** Roughly the memory a remembered token takes: its text, the caller's id and tenant ids (UTF-16), and overhead. */
function sizeOf(caller: Caller, token: string): number {
  let size = 256 + 2 * (token.length + caller.id.length);
  if (caller.tenants !== "*") for (const tenantId of caller.tenants) size += 64 + 2 * tenantId.length;
  return size;
}

/** jose's error codes, in words that name the problem but never the token or its claims' values. */
function verificationError(error: unknown): AppError {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return unauthenticated("The bearer token has expired.");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return claimError(error as { claim?: unknown; reason?: unknown });
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return unauthenticated("The bearer token's signing algorithm is not accepted.");
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return unauthenticated("The bearer token's signature is not valid.");
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
    case "ERR_JWK_INVALID":
      return unauthenticated("The bearer token is not a valid JWT.");
    default:
      // The key set could not be fetched or read (timeout, network, non-200, bad JSON): not the caller's fault.
      return new AppError(ErrorCode.SERVICE_UNAVAILABLE, "The identity provider's signing keys are unavailable; try again shortly.");
  }
}

/** A claim jose found missing (only its name is known to be safe to repeat) or with a value not accepted. */
function claimError({ claim, reason }: { claim?: unknown; reason?: unknown }): AppError {
  const name = typeof claim === "string" && /^[a-z]{1,16}$/i.test(claim) ? claim : undefined;
  if (!name) return unauthenticated("The bearer token's claims are not accepted.");
  if (reason !== "missing") return unauthenticated(`The bearer token's '${name}' claim is not accepted.`);
  if (name === "exp") return unauthenticated("The bearer token has no 'exp' claim: only tokens that expire are accepted.");
  return unauthenticated(`The bearer token has no '${name}' claim.`);
}

/** `sub` → id, `tenants` → tenants (none when absent), `scope` → the known scopes it lists. Malformed → UNAUTHENTICATED. */
export function callerOf(payload: JWTPayload): Caller {
  const { sub, tenants, scope } = payload as { sub?: unknown; tenants?: unknown; scope?: unknown };
  if (typeof sub !== "string" || sub.trim() === "" || sub.length > MAX_SUB_LENGTH) {
    throw unauthenticated(`The bearer token's 'sub' claim must be a non-empty string of at most ${MAX_SUB_LENGTH} characters.`);
  }
  if (scope !== undefined && typeof scope !== "string") {
    throw unauthenticated("The bearer token's 'scope' claim must be a space-separated string.");
  }
  const scopes = new Set((scope ?? "").split(" ").filter((name): name is Scope => KNOWN_SCOPES.has(name)));
  return { id: sub, tenants: tenantsOf(tenants), scopes };
}

function tenantsOf(claim: unknown): Caller["tenants"] {
  const malformed = unauthenticated(`The bearer token's 'tenants' claim must be an array of at most ${MAX_TENANTS} tenant ids, or ["*"].`);
  if (claim === undefined) return new Set();
  if (!Array.isArray(claim) || claim.length > MAX_TENANTS) throw malformed;
  if (claim.length === 1 && claim[0] === "*") return "*";
  const problems = new Problems();
  for (const tenantId of claim) {
    if (typeof tenantId !== "string") throw malformed;
    checkTenantId(problems, tenantId);
  }
  if (!problems.empty) throw malformed;
  return new Set(claim as string[]);
}
