// Writes credential access entries (SPEC.md §11). Every operation that returns plaintext credentials calls
// record() inside the transaction that read them and returns them only after that transaction commits: the
// entry is durable before any secret leaves, and when it cannot be written the operation fails with nothing
// returned. providerCredentials uses it for one config; an export with secrets passes all the configs it returns.

import type { Caller } from "../../domain/caller.js";
import type { ProviderType } from "../../domain/provider.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { CredentialOperation } from "./credential-access.model.js";
import type { CredentialAccessRepository } from "./credential-access.repository.js";

/** Who is reading, in which request, through which operation. */
export interface CredentialReader {
  caller: Caller;
  requestId: string | null;
  operation: CredentialOperation;
}

/** A config whose credentials are being returned. */
export interface AccessedConfig {
  id: string;
  tenantId: string;
  providerType: ProviderType;
  providerName: string;
}

export class CredentialAccessRecorder {
  constructor(private readonly repository: CredentialAccessRepository) {}

  async record(db: Executor, reader: CredentialReader, configs: readonly AccessedConfig[]): Promise<void> {
    await this.repository.append(
      db,
      configs.map((config) => ({
        tenantId: config.tenantId,
        actor: reader.caller.id,
        operation: reader.operation,
        configId: config.id,
        providerType: config.providerType,
        providerName: config.providerName,
        requestId: reader.requestId,
      })),
    );
  }
}
