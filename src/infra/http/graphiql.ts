// GET /graphiql (SPEC.md §1): a GraphiQL page whose every file comes from this service, so it works with no
// internet. The UMD builds of React 18 and GraphiQL 4 are read once from node_modules and served under
// content-hashed names, so they can be cached for a year; the page itself is never cached.
//
// Subscriptions run over graphql-ws (SPEC.md §9): createFetcher's `subscriptionUrl` makes GraphiQL use the
// graphql-ws client its UMD build already bundles (no further asset), and sends the headers editor's content as
// the connection_init payload, so a token typed there as `Authorization` authenticates the socket too (a fixed
// `wsClient` could not see the editor).
//
// Content-Security-Policy: scripts, styles and requests go to this origin only (WebSockets included: 'self'
// does not cover ws: in every browser, so ws://<host> and wss://<host> are named, from a Host header that
// looks like one, else left out). GraphiQL's stylesheet embeds
// its fonts and icons as data: URLs (font-src/img-src data:). One dependency (react-remove-scroll-bar, used by
// GraphiQL's dialogs) injects a <style> element, tagged with `__webpack_nonce__` when that global is set, so
// the page carries a per-response nonce for styles instead of allowing 'unsafe-inline'.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import express, { type Router } from "express";

export interface GraphiQLOptions {
  /** Preset `Authorization: Bearer <token>` in the headers editor (true when bearer-token auth is configured). */
  authHeader: boolean;
}

interface Asset {
  /** Content-hashed file name under <mount>/assets/. */
  name: string;
  type: string;
  body: Buffer;
}

const require = createRequire(import.meta.url);
// graphiql's and react's "exports" maps hide their UMD files from require.resolve; their package.json is exported.
const packageFile = (pkg: string, file: string): string => join(dirname(require.resolve(`${pkg}/package.json`)), file);

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

// Runs after the three UMD scripts; an asset because the CSP allows no inline script. Its tag carries the page's
// style nonce only so that this script can hand it to GraphiQL's injected <style> (see the top of this file).
const BOOT_SCRIPT = `"use strict";
window.__webpack_nonce__ = document.currentScript.nonce;
const root = document.getElementById("graphiql");
const authHeader = root.dataset.authHeader === "true";
const endpoint = root.dataset.endpoint;
const subscriptionUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + endpoint;
ReactDOM.createRoot(root).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: endpoint, subscriptionUrl }),
    defaultHeaders: authHeader ? JSON.stringify({ Authorization: "Bearer <token>" }, null, 2) : undefined,
    defaultEditorToolsVisibility: authHeader ? "headers" : undefined,
    isHeadersEditorEnabled: true,
  }),
);
`;

/** A host name or IPv4/IPv6 address with an optional port: nothing that could end or extend a CSP directive. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The page's own WebSocket origins, when the Host header is a plain host[:port]. */
export function webSocketSources(host: string | undefined): string[] {
  return host && HOST.test(host) ? [`ws://${host}`, `wss://${host}`] : [];
}

function asset(base: string, extension: string, type: string, body: Buffer): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { name: `${base}.${hash}.${extension}`, type, body };
}

/** The router to mount at /graphiql; it reads its files once, here. */
export function createGraphiQLRouter(options: GraphiQLOptions): Router {
  const react = asset("react", "js", JS, readFileSync(packageFile("react", "umd/react.production.min.js")));
  const reactDom = asset("react-dom", "js", JS, readFileSync(packageFile("react-dom", "umd/react-dom.production.min.js")));
  const graphiql = asset("graphiql", "js", JS, readFileSync(packageFile("graphiql", "graphiql.min.js")));
  const styles = asset("graphiql", "css", CSS, readFileSync(packageFile("graphiql", "graphiql.min.css")));
  const boot = asset("boot", "js", JS, Buffer.from(BOOT_SCRIPT));
  const assets = new Map([react, reactDom, graphiql, styles, boot].map((file) => [file.name, file]));

  const router = express.Router();
  router.get("/", (request, response) => {
    const nonce = randomBytes(16).toString("base64");
    const path = (file: Asset) => `${request.baseUrl}/assets/${file.name}`;
    const scripts = [react, reactDom, graphiql].map((file) => `<script src="${path(file)}"></script>`).join("\n");
    response
      .set({
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "content-security-policy": [
          "default-src 'none'",
          "script-src 'self'",
          `style-src 'self' 'nonce-${nonce}'`,
          "font-src 'self' data:",
          "img-src 'self' data:",
          ["connect-src 'self'", ...webSocketSources(request.headers.host)].join(" "),
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'",
        ].join("; "),
      })
      .send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · Provider Config Service</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${path(styles)}">
<style nonce="${nonce}">body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql" data-endpoint="/graphql" data-auth-header="${options.authHeader}"></div>
${scripts}
<script src="${path(boot)}" nonce="${nonce}"></script>
</body>
</html>
`);
  });

  router.get("/assets/:name", (request, response, next) => {
    const file = assets.get(request.params.name);
    if (!file) return next();
    response
      .set({
        "content-type": file.type,
        "cache-control": "public, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      })
      .send(file.body);
  });
  return router;
}
