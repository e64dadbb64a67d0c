// Bearer tokens for tests, minted with jose as an identity provider would (SPEC.md §6 claims).
import { type CryptoKey, type JWTPayload, SignJWT } from "jose";

/** AUTH_JWT_SECRET of the test apps that run with authentication (32+ characters). */
export const TEST_JWT_SECRET = "test-jwt-secret-0123456789abcdefghijklmnop";

export const ALL_SCOPES = "config:read config:write secrets:read audit:read usage:write";

export interface TokenOptions {
  /** Default: TEST_JWT_SECRET (HS256). */
  key?: CryptoKey | Uint8Array;
  alg?: string;
  kid?: string;
  /** Seconds from now; null: no exp claim. Default 300. */
  expiresIn?: number | null;
  issuer?: string;
  audience?: string;
}

export async function mintToken(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? "HS256", typ: "JWT", ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuedAt(now);
  const expiresIn = options.expiresIn === undefined ? 300 : options.expiresIn;
  if (expiresIn !== null) jwt.setExpirationTime(now + expiresIn);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(options.key ?? new TextEncoder().encode(TEST_JWT_SECRET));
}

/** A caller of `tenants` with `scope` (default: every scope). */
export const tokenFor = (sub: string, tenants: unknown, scope: string = ALL_SCOPES, options?: TokenOptions): Promise<string> =>
  mintToken({ sub, tenants, scope } as JWTPayload, options);

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** An unsigned token (`alg: none`), which no verifier may accept. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ exp: Math.floor(Date.now() / 1000) + 300, ...claims })}.`;
}
