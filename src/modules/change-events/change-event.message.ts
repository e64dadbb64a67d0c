// A change event as published to NATS (SPEC.md §9 NATS): its subject, its de-duplication id and its JSON payload.
// The payload is the history snapshot callers see (toVersionRecord: no credential material) plus the event id and
// the tenant-stream cursor, so a consumer can resume configChanges(tenantId, after: cursor) from any message.
import { toVersionRecord } from "../history/config-version.model.js";
import type { StoredEvent } from "./change-event.repository.js";
import { positionOf } from "./change-feed.service.js";
import { encodeChangeCursor } from "./change-position.js";

export const SUBJECT_PREFIX = "sahool.tenant.";
export const SUBJECT_SUFFIX = ".config.updated";
/** What a stream that keeps every tenant's events listens to. */
export const ALL_TENANTS_SUBJECT = `${SUBJECT_PREFIX}*${SUBJECT_SUFFIX}`;

/** Characters a NATS subject token may not hold: the separator, both wildcards, and whitespace (and controls). */
const NOT_IN_TOKEN = /[.*>\s\p{Cc}]/gu;

/** `sahool.tenant.<tenantId>.config.updated`, the tenant id made a single token (the exact id is in the payload). */
export function subjectOf(tenantId: string): string {
  const token = tenantId.replace(NOT_IN_TOKEN, "_");
  return `${SUBJECT_PREFIX}${token === "" ? "_" : token}${SUBJECT_SUFFIX}`;
}

export interface ChangeEventMessage {
  readonly subject: string;
  /** Sent as Nats-Msg-Id: JetStream drops a second copy within its duplicate window. */
  readonly msgId: string;
  readonly payload: ChangeEventPayload;
}

export interface ChangeEventPayload {
  eventId: string;
  cursor: string;
  tenantId: string;
  configId: string;
  providerType: string;
  providerName: string;
  changeType: string;
  version: number;
  priority: string;
  enabled: boolean;
  configData: unknown;
  hasApiKey: boolean;
  changedAt: string;
  changedBy: string | null;
  changeReason: string | null;
}

export function toChangeEventMessage(event: StoredEvent): ChangeEventMessage {
  const record = toVersionRecord(event);
  const payload: ChangeEventPayload = {
    eventId: record.id,
    cursor: encodeChangeCursor(positionOf(event), { tenantId: record.tenantId }),
    tenantId: record.tenantId,
    configId: record.configId,
    providerType: record.providerType,
    providerName: record.providerName,
    changeType: record.changeType,
    version: record.version,
    priority: record.priority,
    enabled: record.enabled,
    configData: record.configData,
    hasApiKey: record.hasApiKey,
    changedAt: record.changedAt.toISOString(),
    changedBy: record.changedBy,
    changeReason: record.changeReason,
  };
  return { subject: subjectOf(record.tenantId), msgId: record.id, payload };
}
