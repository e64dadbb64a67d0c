// The slice of a pino logger this module uses, so tests can capture lines and the composition root passes pino as is.
export interface HealthLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
