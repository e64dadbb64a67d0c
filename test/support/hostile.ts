// Raw HTTP for hostile-input tests (test/hostile*.test.ts): bytes in, status and text out, and the liveness check
// every attack ends with.
import { expect } from "vitest";
import type { TestApp } from "./app.js";

export interface RawResponse {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response shapes are read freely; the assertions are the checks.
  json: any;
}

/** POSTs raw bytes; a dropped connection fails the test (fetch rejects). */
export async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Alive: /healthz within 2 s, and a real query answers. */
export async function expectAlive(t: TestApp, headers: Record<string, string> = {}): Promise<void> {
  const health = await fetch(`${t.url}/healthz`, { signal: AbortSignal.timeout(2000) });
  expect(health.status).toBe(200);
  const response = await t.gql("{ providerCatalog(providerType: SMS) { id } }", undefined, headers);
  expect(response.errors).toBeUndefined();
  expect(response.data?.providerCatalog).toEqual(expect.arrayContaining([expect.objectContaining({ id: expect.any(String) })]));
}

/** No 5xx but 503: everything else a hostile request gets is the client's own error. */
export function expectNoServerError(response: RawResponse): void {
  if (response.status >= 500) expect(response.status).toBe(503);
}
