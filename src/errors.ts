// The service's one error vocabulary (SPEC.md §8). Services throw AppErrors; graphql/format-error.ts turns them
// into `extensions.code` and masks everything else. No graphql import here on purpose.

export const ErrorCode = {
  BAD_USER_INPUT: "BAD_USER_INPUT",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One thing wrong with the input: where (`configs[3].priority`) and what. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  override readonly name = "AppError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field the error is about, e.g. `input.apiKey` or `configs[2].providerName`. */
    readonly field?: string,
    /** Every problem found, when the input was checked whole (`extensions.problems`). */
    readonly problems?: readonly Problem[],
  ) {
    super(message);
  }
}

export const badInput = (field: string, message: string): AppError => new AppError(ErrorCode.BAD_USER_INPUT, message, field);
export const conflict = (message: string, field?: string): AppError => new AppError(ErrorCode.CONFLICT, message, field);
export const serviceUnavailable = (message: string): AppError => new AppError(ErrorCode.SERVICE_UNAVAILABLE, message);
