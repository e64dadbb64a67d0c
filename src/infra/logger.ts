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
  // Asynchronous and buffered: lines collect in memory and go out in writes of at least LOG_WRITE_BYTES, or every
  // LOG_FLUSH_MS when fewer came, so that one line per request costs no write of its own (a hit's log line was
  // a third of its CPU, BENCHMARKS.md "Cached hit"). At most LOG_BUFFER_BYTES wait: when stdout is not read (a stuck
  // collector), lines beyond that are dropped, not kept until memory runs out. pino flushes what is left
  // synchronously when the process exits; a process killed with SIGKILL loses at most the last LOG_FLUSH_MS.
  return pino(
    base,
    pino.destination({ dest: 1, sync: false, minLength: LOG_WRITE_BYTES, periodicFlush: LOG_FLUSH_MS, maxLength: LOG_BUFFER_BYTES }),
  );
}

const LOG_WRITE_BYTES = 8 * 1024;
const LOG_FLUSH_MS = 250;
const LOG_BUFFER_BYTES = 16 * 1024 * 1024;
