// GET /graphiql: the page and its assets over HTTP, then GraphiQL itself in headless Chromium with every request
// that leaves the service's origin blocked (it must work with no internet). The browser part needs Debian's
// /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it) and is skipped without it.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createGraphiQLRouter, webSocketSources } from "../src/infra/http/graphiql.js";
import { startTestApp, type TestApp, tenant } from "./support/app.js";
import { TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const CHROMIUM = "/usr/bin/chromium";
// In CI (PCS_TEST_REQUIRE_SERVICES=1) a missing browser fails the launch instead of skipping the test quietly.
const skipBrowser = !existsSync(CHROMIUM) && process.env.PCS_TEST_REQUIRE_SERVICES !== "1";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const QUERY = "{ providerCatalog(providerType: WEATHER) { id name } }";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

test("the page is never cached and carries a same-origin CSP; its assets are cached for a year", async () => {
  const page = await fetch(`${t.url}/graphiql`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(page.headers.get("cache-control")).toBe("no-store");
  const csp = page.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self';");
  expect(csp).not.toContain("unsafe");
  const host = new URL(t.url).host;
  expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host};`);
  const html = await page.text();
  expect(html).toContain('data-endpoint="/graphql"');
  expect(html).toContain('data-auth-header="false"');
  const assets = [...html.matchAll(/(?:src|href)="(\/graphiql\/assets\/[^"]+)"/g)].map((match) => match[1] ?? "");
  expect(assets).toHaveLength(5);
  for (const path of assets) {
    const response = await fetch(`${t.url}${path}`);
    expect(response.status, path).toBe(200);
    expect(response.headers.get("content-type"), path).toBe(
      path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
    );
    expect(response.headers.get("cache-control"), path).toBe("public, max-age=31536000, immutable");
  }
  expect((await fetch(`${t.url}/graphiql/assets/nope.js`)).status).toBe(404);
});

test("the CSP names WebSocket origins only for a Host header that is a plain host[:port]", () => {
  expect(webSocketSources("localhost:4000")).toEqual(["ws://localhost:4000", "wss://localhost:4000"]);
  expect(webSocketSources("[::1]:4000")).toEqual(["ws://[::1]:4000", "wss://[::1]:4000"]);
  expect(webSocketSources("config.example.com")).toEqual(["ws://config.example.com", "wss://config.example.com"]);
  for (const forged of ["a.example; script-src *", "a.example *", "a.example/x", "", "a b", "'self'", undefined]) {
    expect(webSocketSources(forged), String(forged)).toEqual([]);
  }
});

test("GET /graphiql is 404 when GRAPHIQL_ENABLED=false", async () => {
  const off = await startTestApp({ env: { GRAPHIQL_ENABLED: "false" } });
  try {
    expect((await fetch(`${off.url}/graphiql`)).status).toBe(404);
    expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
  } finally {
    await off.stop();
  }
});

describe.skipIf(skipBrowser)(`in headless Chromium (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`, () => {
  let userDataDir: string;
  let context: BrowserContext;
  /** Requests that tried to leave the origin under test (all blocked). */
  const offOrigin: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), "pcs-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  async function open(origin: string): Promise<Page> {
    const page = await context.newPage();
    await page.route("**/*", (route) => {
      if (new URL(route.request().url()).origin === origin) return route.continue();
      offOrigin.push(route.request().url());
      return route.abort("blockedbyclient");
    });
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${origin}/graphiql`);
    await page.locator(".graphiql-query-editor .CodeMirror").waitFor();
    return page;
  }

  test("runs a query typed into the editor, with no request leaving the service's origin", async () => {
    const page = await open(t.url);
    await page.locator(".graphiql-query-editor .CodeMirror").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    // insertText: CodeMirror's bracket auto-closing and hints would otherwise rewrite the typed braces.
    await page.keyboard.insertText(QUERY);
    await page.keyboard.press("Control+Enter");
    await page.locator(".graphiql-response").getByText("open_meteo").first().waitFor();
    // The settings dialog is where GraphiQL's scroll lock injects its (nonce-tagged) <style>.
    await page.getByRole("button", { name: "Open settings dialog" }).click();
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    expect(offOrigin).toEqual([]);
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  /** Starts a subscription typed into GraphiQL (with `headers` typed into its headers editor), makes a change over HTTP, waits for it on the page. */
  async function followChange(app: TestApp, headers?: Record<string, string>): Promise<void> {
    const tenantId = tenant("graphiql");
    const openStreams = async () => Number(/^pcs_subscriptions_open (\d+)$/m.exec(await app.app.metrics.render())?.[1] ?? 0);
    const before = await openStreams();
    const page = await open(app.url);
    const replaceText = async (editor: string, text: string) => {
      await page.locator(`${editor} .CodeMirror`).first().click();
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText(text);
    };
    if (headers) await replaceText(".graphiql-editor-tool .graphiql-editor:not(.hidden)", JSON.stringify(headers));
    await replaceText(
      ".graphiql-query-editor",
      `subscription Live { providerConfigChanged(tenantId: "${tenantId}") { cursor change { providerName version changeType } } }`,
    );
    // GraphiQL picks the transport from the editor's parsed document, which follows the text after a short delay.
    await page.waitForTimeout(500);
    await page.keyboard.press("Control+Enter");
    await expect.poll(openStreams, { timeout: 10_000 }).toBe(before + 1);
    const upsert = await app.gql(
      `mutation($i: UpsertProviderConfigInput!) { upsertProviderConfig(input: $i) { version } }`,
      { i: { tenantId, providerType: "MAP", providerName: "openstreetmap" } },
      { authorization: `Bearer ${await tokenFor("writer", [tenantId])}` },
    );
    expect(upsert.errors).toBeUndefined();
    await page.locator(".graphiql-response").getByText('"openstreetmap"').first().waitFor({ timeout: 5000 });
    await page.locator(".graphiql-response").getByText('"CREATED"').first().waitFor();
    expect(offOrigin).toEqual([]);
    expect(cspViolations).toEqual([]);
    await page.close();
    await expect.poll(openStreams, { timeout: 5000 }).toBe(before);
  }

  test("a subscription started in GraphiQL shows an event made by a mutation (graphql-ws)", async () => {
    await followChange(t);
  });

  test("with auth on, the token typed in the headers editor authenticates the subscription's socket", async () => {
    const secured = await startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    try {
      await followChange(secured, { Authorization: `Bearer ${await tokenFor("reader", ["*"], "config:read")}` });
    } finally {
      await secured.stop();
    }
  });

  test("presets a bearer Authorization header when auth is configured", async () => {
    const app = express().use("/graphiql", createGraphiQLRouter({ authHeader: true }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const page = await open(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const headers = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden)").filter({ hasText: "Authorization" });
      await headers.getByText("Bearer <token>").waitFor();
      expect(offOrigin).toEqual([]);
      expect(cspViolations).toEqual([]);
      await page.close();
    } finally {
      server.close();
    }
  });
});
