// Input checks of the catalog queries (SPEC.md §2, §4). Each failure is a BAD_USER_INPUT naming the argument.
import { isTenantId, TENANT_ID_RULE } from "../../domain/validation.js";
import { badInput } from "../../errors.js";

// Shape only: the catalog's country lists are not an ISO registry (they even hold "EU"), so an unknown but
// well-formed code is a valid question whose answer may be empty.
const COUNTRY = /^[A-Za-z]{2}$/;
const USE_CASE_MAX = 100;

export function parseTenantId(tenantId: string): string {
  if (!isTenantId(tenantId)) throw badInput("tenantId", `tenantId ${TENANT_ID_RULE}.`);
  return tenantId;
}

/** Upper case, so that results echo one spelling whatever the caller sent. */
export function parseCountry(country: string): string {
  if (!COUNTRY.test(country)) throw badInput("country", "country must be a two-letter ISO country code, e.g. YE.");
  return country.toUpperCase();
}

export function parseUseCase(useCase: string): string {
  const trimmed = useCase.trim();
  // Counted in characters (code points), not UTF-16 units, so Arabic or emoji text gets the same allowance.
  if (trimmed.length === 0 || [...useCase].length > USE_CASE_MAX) {
    throw badInput("useCase", `useCase must be 1-${USE_CASE_MAX} characters and not blank.`);
  }
  return trimmed;
}
