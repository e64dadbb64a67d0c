// The request log (one JSON line per GraphQL request) and the request id: taken from X-Request-ID when sane, else
// generated, echoed back, and carried by the log line. Non-GraphQL routes write no per-request line.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestApp, type TestApp, tenant } from "./support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LIST = `query ListConfigs($t: String!) { providerConfigs(tenantId: $t) { id } }`;

async function post(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const requestLines = (requestId: string) => t.logs.filter((line) => line.requestId === requestId && line.msg === "graphql request");

describe("request id", () => {
  test("a sane X-Request-ID is echoed and appears in the request's log line", async () => {
    const requestId = `req-${tenant("id")}`;
    const response = await post({ query: LIST, variables: { t: tenant() } }, { "x-request-id": requestId });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe(requestId);
    const lines = requestLines(requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, operation: "ListConfigs", operationType: "query", outcome: "ok" });
    expect(typeof lines[0]?.durationMs).toBe("number");
    expect(lines[0]?.documentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("without one (or with one that is not sane) a UUID is generated, echoed and logged", async () => {
    for (const given of [undefined, "has spaces in it", "x".repeat(200)]) {
      const response = await post({ query: "{ __typename }" }, given === undefined ? {} : { "x-request-id": given });
      const requestId = response.headers.get("x-request-id") ?? "";
      expect(requestId).toMatch(UUID);
      expect(requestLines(requestId)).toMatchObject([{ operation: "anonymous", operationType: "query", outcome: "ok" }]);
    }
  });

  test("every request gets its own line, also when the response comes from the cache", async () => {
    const tenantId = tenant();
    for (const requestId of ["repeat-1", "repeat-2", "repeat-3"].map((id) => `${id}-${tenantId}`)) {
      const response = await post({ query: LIST, variables: { t: tenantId } }, { "x-request-id": requestId });
      expect(response.status).toBe(200);
      expect(requestLines(requestId)).toMatchObject([{ operation: "ListConfigs", operationType: "query", outcome: "ok" }]);
    }
    // The first is executed; the others are whole-response cache hits, which never reach Apollo's plugins.
    expect(t.logs.some((line) => String(line.requestId).endsWith(tenantId) && line.cached === true)).toBe(true);
  });
});

describe("request log line", () => {
  test("errors: outcome is the first code, errorCodes lists them; no variables and no query text", async () => {
    const requestId = `bad-${tenant()}`;
    const apiKey = `sk_live_${tenant("key")}`;
    await post(
      {
        query: `mutation Save($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`,
        variables: { input: { tenantId: "not a tenant id", providerType: "PAYMENT", providerName: "stripe", apiKey } },
      },
      { "x-request-id": requestId },
    );
    const [line] = requestLines(requestId);
    expect(line).toMatchObject({ operation: "Save", operationType: "mutation", outcome: "BAD_USER_INPUT", errorCodes: ["BAD_USER_INPUT"] });
    expect(Object.keys(line ?? {}).sort()).toEqual(
      [
        "documentHash",
        "durationMs",
        "errorCodes",
        "level",
        "msg",
        "operation",
        "operationType",
        "outcome",
        "requestId",
        "service",
        "time",
      ].sort(),
    );
    expect(JSON.stringify(t.logs)).not.toContain(apiKey);
  });

  test("healthz, readyz and metrics write no per-request line", async () => {
    const before = t.logs.length;
    for (const path of ["/healthz", "/readyz", "/metrics"]) {
      const response = await fetch(`${t.url}${path}`, { headers: { "x-request-id": `route-${path.slice(1)}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-request-id")).toBe(`route-${path.slice(1)}`);
    }
    expect(t.logs.slice(before)).toEqual([]);
  });
});
