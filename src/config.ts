// The one reader of process.env. Every variable is validated here, once, and every problem is reported at once.
import { z } from "zod";
import { KeyringError, parseKeyring } from "./infra/crypto/keyring.js";

const optionalString = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const integer = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(z.number().int().min(min).max(max));

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no"]))
  .transform((value) => value === "true" || value === "1" || value === "yes");

const url = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a ${protocols.join(" or ")}// URL`,
    );

/** A comma-separated list of nats:// or tls:// server URLs (one is enough; the client learns the rest of a cluster). */
const natsServers = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((server) => server.trim())
      .filter(Boolean),
  )
  .pipe(z.array(url(["nats:", "tls:"])).min(1, "must name at least one nats:// or tls:// URL"));

/** A comma-separated list of host:port (Redis Sentinels); an IPv6 host in brackets. One problem for the whole list. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;
const hostPorts = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((node) => node.trim())
      .filter(Boolean),
  )
  .refine(
    (nodes) =>
      nodes.length > 0 &&
      nodes.every((node) => {
        const port = Number(HOST_PORT.exec(node)?.[2] ?? 0);
        return port >= 1 && port <= 65_535;
      }),
    "must be a comma-separated list of host:port (port 1-65535)",
  )
  .transform((nodes) =>
    nodes.map((node) => {
      const colon = node.lastIndexOf(":");
      return { host: node.slice(0, colon).replace(/^\[(.*)\]$/, "$1"), port: Number(node.slice(colon + 1)) };
    }),
  );

const envSchema = z.object({
  NODE_ENV: optionalString,
  PORT: integer(0, 65535).default(8104),
  HOST: optionalString.default("0.0.0.0"),
  DATA_DIR: optionalString.default("./.data"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  DATABASE_POOL_MAX: integer(1, 500).default(20),
  DATABASE_DIRECT_URL: url(["postgres:", "postgresql:"]).optional(),
  DATABASE_PGBOUNCER: flag.optional(),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 characters of letters, digits, '_', '.', ':' or '-'")
    .default("pcs:"),
  REDIS_SENTINELS: hostPorts.optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 characters of letters, digits, '_', '.' or '-'")
    .optional(),
  REDIS_CLUSTER_NODES: hostPorts.optional(),
  REDIS_PASSWORD: optionalString,
  REDIS_SENTINEL_PASSWORD: optionalString,
  CACHE_TTL_SECONDS: integer(1, 86_400).default(300),
  AUTH_JWT_SECRET: optionalString,
  AUTH_JWKS_URL: url(["https:", "http:"]).optional(),
  AUTH_JWT_ISSUER: optionalString,
  AUTH_JWT_AUDIENCE: optionalString,
  CONFIG_ENCRYPTION_KEYS: optionalString,
  PROVIDER_CHECK_ORIGIN_OVERRIDE: url(["http:", "https:"]).optional(),
  PROVIDER_CHECK_TIMEOUT_MS: integer(1, 120_000).default(5000),
  HEALTH_MONITOR_INTERVAL_SECONDS: integer(0, 86_400).default(0),
  HEALTH_RESULT_TTL_SECONDS: integer(1, 604_800).default(900),
  MAX_CONFIGS_PER_TENANT: integer(1, 100_000).default(500),
  USAGE_RETENTION_INTERVAL_MINUTES: integer(0, 10_080).default(60),
  HISTORY_RETENTION_DAYS: integer(1, 36_500).optional(),
  HISTORY_RETENTION_INTERVAL_MINUTES: integer(1, 10_080).default(60),
  BACKUP_DIR: optionalString,
  BACKUP_INTERVAL_MINUTES: integer(1, 10_080).default(60),
  BACKUP_KEEP: integer(1, 10_000).default(24),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GRAPHIQL_ENABLED: flag.optional(),
  INTROSPECTION_ENABLED: flag.optional(),
  NATS_URL: natsServers.optional(),
  NATS_STREAM: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters of letters, digits, '_' or '-'")
    .default("PROVIDER_CONFIG_EVENTS"),
  NATS_PUBLISH_FROM: z.enum(["now", "beginning"]).default("now"),
  NATS_TOKEN: optionalString,
  NATS_CREDS: optionalString,
  // Take-over after an instance dies: within TTL + TTL/3; at most 20 s keeps SPEC.md §14's 30 s.
  LEADER_LEASE_TTL_SECONDS: integer(2, 20).default(15),
});

export interface AppConfig {
  production: boolean;
  port: number;
  host: string;
  dataDir: string;
  /** `requireRowLevelSecurity`: a login that bypasses the policies stops start-up (production, SPEC.md §13). */
  database: { url?: string; directUrl?: string; pgbouncer: boolean; poolMax: number; requireRowLevelSecurity: boolean };
  /** SPEC.md §13: beyond it a create is BAD_USER_INPUT. */
  maxConfigsPerTenant: number;
  /** SPEC.md §12: minutes between purges of expired raw usage (0: never on this instance). */
  usageRetentionIntervalMinutes: number;
  /** SPEC.md §11: snapshots older than `days` are purged (latest per config and unpublished events kept); absent: keep all. */
  historyRetention?: { days: number; intervalMinutes: number };
  /** SPEC.md §10.4 scheduled backups; absent when BACKUP_DIR is unset. */
  backup?: { directory: string; intervalMinutes: number; keep: number };
  /** One server (`url`), a master behind Sentinel (`sentinel`) or a Cluster (`cluster`), one of them at most; `keyPrefix` lets several deployments share one Redis. */
  redis: { url?: string; sentinel?: RedisSentinelConfig; cluster?: RedisClusterConfig; keyPrefix: string };
  cacheTtlSeconds: number;
  /** `requireExp`: production refuses tokens without an expiry (SPEC.md §13). */
  auth: { jwtSecret?: string; jwksUrl?: string; issuer?: string; audience?: string; requireExp: boolean };
  /** Raw `keyId:base64[,keyId:base64]` list; parsed and checked by infra/crypto. */
  encryptionKeys?: string;
  /** `resultTtlSeconds`: how long a recorded health result counts before it reads as never checked. */
  providerCheck: { originOverride?: string; timeoutMs: number; monitorIntervalSeconds: number; resultTtlSeconds: number };
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  graphiql: boolean;
  introspection: boolean;
  /** SPEC.md §9: publish every change event to this JetStream; absent when NATS_URL is unset. */
  nats?: { servers: string[]; stream: string; publishFrom: "now" | "beginning"; token?: string; credsFile?: string };
  /** Background work on exactly one instance (SPEC.md §14). */
  leaderLease: { ttlSeconds: number };
}

/** SPEC.md §14: the master `name` is found through any of the `sentinels`. */
export interface RedisSentinelConfig {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  /** The master's (and replicas') password. */
  password?: string;
  /** The Sentinels' own password. */
  sentinelPassword?: string;
}

/** SPEC.md §14: any of the `nodes` tells the client the rest of the Cluster. */
export interface RedisClusterConfig {
  nodes: Array<{ host: string; port: number }>;
  /** Every node's password. */
  password?: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/** Reads and validates the environment. Throws one ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty variables count as unset, as in most process managers.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  // The checks across variables read the raw values, so that they are reported together with the ones above.
  const production = present.NODE_ENV?.trim() === "production";
  const jwtSecret = present.AUTH_JWT_SECRET?.trim();
  if (production && !jwtSecret && !present.AUTH_JWKS_URL) {
    problems.push("AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required when NODE_ENV=production");
  }
  if (production && !present.CONFIG_ENCRYPTION_KEYS) {
    problems.push("CONFIG_ENCRYPTION_KEYS: required when NODE_ENV=production");
  }
  // SPEC.md §13: a key set fetched over plain HTTP can be replaced in transit, and the origin override would send
  // every tenant's decrypted key to another host.
  if (production && present.AUTH_JWKS_URL && !/^\s*https:/i.test(present.AUTH_JWKS_URL)) {
    problems.push("AUTH_JWKS_URL: must be an https:// URL when NODE_ENV=production");
  }
  if (production && present.PROVIDER_CHECK_ORIGIN_OVERRIDE) {
    problems.push("PROVIDER_CHECK_ORIGIN_OVERRIDE: not allowed when NODE_ENV=production (it would send tenants' keys to another host)");
  }
  if (!present.NATS_URL) {
    for (const variable of ["NATS_TOKEN", "NATS_CREDS"])
      if (present[variable]) problems.push(`${variable}: has no effect without NATS_URL`);
  } else if (present.NATS_TOKEN && present.NATS_CREDS) {
    problems.push("NATS_TOKEN and NATS_CREDS: set one of them, not both");
  }
  const topologies = ["REDIS_URL", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES"].filter((variable) => present[variable]);
  if (topologies.length > 1) problems.push(`${topologies.join(" and ")}: set one of them, not ${topologies.length === 2 ? "both" : "all"}`);
  if (present.REDIS_SENTINELS) {
    if (!present.REDIS_SENTINEL_NAME) problems.push("REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the master's name)");
  } else {
    for (const variable of ["REDIS_SENTINEL_NAME", "REDIS_SENTINEL_PASSWORD"])
      if (present[variable]) problems.push(`${variable}: has no effect without REDIS_SENTINELS`);
    if (present.REDIS_PASSWORD && !present.REDIS_CLUSTER_NODES)
      problems.push("REDIS_PASSWORD: has no effect without REDIS_SENTINELS or REDIS_CLUSTER_NODES");
  }
  if (present.HISTORY_RETENTION_INTERVAL_MINUTES && !present.HISTORY_RETENTION_DAYS) {
    problems.push("HISTORY_RETENTION_INTERVAL_MINUTES: has no effect without HISTORY_RETENTION_DAYS");
  }
  if (!present.BACKUP_DIR) {
    for (const variable of ["BACKUP_INTERVAL_MINUTES", "BACKUP_KEEP"])
      if (present[variable]) problems.push(`${variable}: has no effect without BACKUP_DIR`);
  }
  if (jwtSecret && jwtSecret.length < 32) {
    problems.push("AUTH_JWT_SECRET: must be at least 32 characters");
  }
  const keyringProblem = present.CONFIG_ENCRYPTION_KEYS === undefined ? undefined : keyringProblemOf(present.CONFIG_ENCRYPTION_KEYS);
  if (keyringProblem) problems.push(keyringProblem);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

  return {
    production,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    database: {
      url: e.DATABASE_URL,
      directUrl: e.DATABASE_DIRECT_URL,
      pgbouncer: e.DATABASE_PGBOUNCER ?? false,
      poolMax: e.DATABASE_POOL_MAX,
      requireRowLevelSecurity: production,
    },
    maxConfigsPerTenant: e.MAX_CONFIGS_PER_TENANT,
    usageRetentionIntervalMinutes: e.USAGE_RETENTION_INTERVAL_MINUTES,
    historyRetention:
      e.HISTORY_RETENTION_DAYS === undefined
        ? undefined
        : { days: e.HISTORY_RETENTION_DAYS, intervalMinutes: e.HISTORY_RETENTION_INTERVAL_MINUTES },
    backup: e.BACKUP_DIR ? { directory: e.BACKUP_DIR, intervalMinutes: e.BACKUP_INTERVAL_MINUTES, keep: e.BACKUP_KEEP } : undefined,
    redis: {
      url: e.REDIS_URL,
      sentinel:
        e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME
          ? {
              sentinels: e.REDIS_SENTINELS,
              name: e.REDIS_SENTINEL_NAME,
              password: e.REDIS_PASSWORD,
              sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
            }
          : undefined,
      cluster: e.REDIS_CLUSTER_NODES ? { nodes: e.REDIS_CLUSTER_NODES, password: e.REDIS_PASSWORD } : undefined,
      keyPrefix: e.REDIS_KEY_PREFIX,
    },
    cacheTtlSeconds: e.CACHE_TTL_SECONDS,
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_JWT_ISSUER,
      audience: e.AUTH_JWT_AUDIENCE,
      requireExp: production,
    },
    encryptionKeys: e.CONFIG_ENCRYPTION_KEYS,
    providerCheck: {
      originOverride: e.PROVIDER_CHECK_ORIGIN_OVERRIDE,
      timeoutMs: e.PROVIDER_CHECK_TIMEOUT_MS,
      monitorIntervalSeconds: e.HEALTH_MONITOR_INTERVAL_SECONDS,
      resultTtlSeconds: e.HEALTH_RESULT_TTL_SECONDS,
    },
    logLevel: e.LOG_LEVEL,
    graphiql: e.GRAPHIQL_ENABLED ?? !production,
    introspection: e.INTROSPECTION_ENABLED ?? !production,
    nats: e.NATS_URL
      ? { servers: e.NATS_URL, stream: e.NATS_STREAM, publishFrom: e.NATS_PUBLISH_FROM, token: e.NATS_TOKEN, credsFile: e.NATS_CREDS }
      : undefined,
    leaderLease: { ttlSeconds: e.LEADER_LEASE_TTL_SECONDS },
  };
}

/** A malformed key list is a start-up problem like any other; the message names no key material. */
function keyringProblemOf(spec: string): string | undefined {
  try {
    parseKeyring(spec);
    return undefined;
  } catch (error) {
    if (error instanceof KeyringError) return error.message;
    throw error;
  }
}
