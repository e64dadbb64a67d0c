// What the history-and-audit tests share (SPEC.md §11): callers with their own tokens, and snapshot times set
// exactly, so that from/to/at boundaries are tested to the millisecond.
import { expect } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.js";
import type { GraphQLResponse, TestApp } from "./app.js";
import { bearer, tokenFor } from "./tokens.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read response shapes freely; the assertions are the checks.
type Data = Record<string, any>;

export interface AuditCaller {
  gql(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  /** The data of a response that must have no errors. */
  must(query: string, variables?: Record<string, unknown>): Promise<Data>;
  upsert(input: Record<string, unknown>): Promise<{ id: string; version: number }>;
}

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;

/** A caller `sub` of `tenants` with `scope` (default: every scope), on the app `t()` returns. */
export async function callerOf(t: () => TestApp, sub: string, tenants: string[], scope?: string): Promise<AuditCaller> {
  const headers = bearer(await tokenFor(sub, tenants, scope));
  const gql = (query: string, variables?: Record<string, unknown>) => t().gql(query, variables, headers);
  const must = async (query: string, variables?: Record<string, unknown>) => {
    const response = await gql(query, variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data as Data;
  };
  return { gql, must, upsert: async (input) => (await must(UPSERT, { input })).upsertProviderConfig };
}

/** Moves a snapshot to an exact instant (changed_at is otherwise the commit's clock). */
export async function setChangedAt(t: TestApp, configId: string, version: number, at: string): Promise<void> {
  await t.asAllTenants((db) =>
    db.query(Prisma.sql`UPDATE config_versions SET changed_at = ${at}::timestamptz
      WHERE config_id = ${configId}::uuid AND version = ${version}::int RETURNING seq`),
  );
}

export const DELETE = `mutation($id: UUID!) { deleteProviderConfig(id: $id) { version } }`;
