// Structured JSON logs (pino). Credentials and auth headers are redacted wherever they appear in a logged object.
import { type Logger, pino } from "pino";

export type { Logger };

/** Paths pino censors; secrets are also kept out of messages by construction (see graphql/format-error.ts). */
export const REDACTED_PATHS = [
  "apiKey",
  "apiSecret",
  "*.apiKey",
  "*.apiSecret",
  "*.*.apiKey",
  "*.*.apiSecret",
  "input.apiKey",
  "input.apiSecret",
  "variables.*.apiKey",
  "variables.*.apiSecret",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "password",
  "*.password",
];

export interface LoggerOptions {
  level: string;
  /** Human-readable lines (development); JSON otherwise. */
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    base: { service: "provider-config-service" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty)
    return pino({ ...base, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" } } });
  // Asynchronous: a line is written at once when stdout is free, else joined to the next write, so that one line
  // per request never waits on a slow reader of stdout or costs a write of its own under load. pino flushes what
  // is left synchronously when the process exits.
  return pino(base, pino.destination({ dest: 1, sync: false }));
}
