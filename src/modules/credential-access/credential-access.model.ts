// The credential access log (SPEC.md §11): who read which credentials, when, in which request.
import type { ProviderType } from "../../domain/provider.js";

/** The operations that return plaintext credentials. */
export const CredentialOperation = {
  PROVIDER_CREDENTIALS: "providerCredentials",
  EXPORT_TENANT_CONFIG: "exportTenantConfig",
} as const;
export type CredentialOperation = (typeof CredentialOperation)[keyof typeof CredentialOperation];

/** One entry to append. */
export interface NewCredentialAccess {
  tenantId: string;
  actor: string;
  operation: CredentialOperation;
  configId: string | null;
  providerType: ProviderType | null;
  providerName: string | null;
  requestId: string | null;
}

export interface CredentialAccessRecord extends NewCredentialAccess {
  id: string;
  at: Date;
}

/** As stored: `seq` orders the entries and is the page cursor. */
export interface StoredCredentialAccess extends CredentialAccessRecord {
  seq: bigint;
}
