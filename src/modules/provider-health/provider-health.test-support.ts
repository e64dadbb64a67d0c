// Test helpers: a fake upstream that records what it received, a logger that keeps every line, and catalog targets.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ProviderType } from "../../domain/provider.js";
import type { CatalogLookup, CheckTarget } from "./provider-check.target.js";
import type { HealthLogger } from "./provider-health.logger.js";

export interface ReceivedRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface FakeUpstream {
  readonly origin: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Answers by the first path segment: /ok → 200, /limited → 429, /broken → 500, /moved → 302 to another host,
 * /hang → never answers. Anything else → 200. A key containing REJECTED (in the query or the bearer header) → 401,
 * as a provider answers a bogus or revoked key.
 */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const received: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((request, response) => {
    received.push({ url: request.url ?? "", headers: request.headers });
    const route = (request.url ?? "/").split(/[/?]/)[1];
    if (route === "hang") {
      hanging.add(response);
      return;
    }
    const rejected = `${request.url ?? ""} ${request.headers.authorization ?? ""}`.includes("REJECTED");
    const status = rejected ? 401 : route === "limited" ? 429 : route === "broken" ? 500 : route === "moved" ? 302 : 200;
    if (status === 302) response.setHeader("location", "http://169.254.169.254/latest/meta-data");
    response.writeHead(status, { "content-type": "text/plain" }).end("fake upstream body");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An origin nothing listens on: a server is bound to get a free port, then closed. */
export async function closedPortOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface CapturedLogger extends HealthLogger {
  readonly lines: string[];
}

export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const keep = (fields: Record<string, unknown>, message: string) => {
    lines.push(JSON.stringify({ ...fields, msg: message }));
  };
  return { lines, info: keep, warn: keep };
}

/** Catalog entries shaped like catalog.json, with base URLs whose first segment picks the fake upstream's route. */
export const TARGETS = {
  openstreetmap: {
    id: "openstreetmap",
    requiresApiKey: false,
    baseUrl: null,
    details: { urlTemplate: "https://tile.example.org/ok/{z}/{x}/{y}.png" },
  },
  mapbox_streets: {
    id: "mapbox_streets",
    requiresApiKey: true,
    baseUrl: null,
    details: { urlTemplate: "https://api.mapbox.com/ok/tiles/{z}/{x}/{y}?access_token={api_key}" },
  },
  open_meteo: { id: "open_meteo", requiresApiKey: false, baseUrl: "https://api.open-meteo.com/ok/v1", details: {} },
  openweathermap: { id: "openweathermap", requiresApiKey: true, baseUrl: "https://api.openweathermap.org/limited/2.5", details: {} },
  weather_api: { id: "weather_api", requiresApiKey: true, baseUrl: "https://api.weatherapi.com/broken/v1", details: {} },
  visual_crossing: { id: "visual_crossing", requiresApiKey: true, baseUrl: "https://weather.example.com/hang/timeline", details: {} },
  stripe: { id: "stripe", requiresApiKey: true, baseUrl: "https://api.stripe.com/moved/v1", details: {} },
} satisfies Record<string, CheckTarget>;

const TYPES: Readonly<Record<keyof typeof TARGETS, ProviderType>> = {
  openstreetmap: ProviderType.MAP,
  mapbox_streets: ProviderType.MAP,
  open_meteo: ProviderType.WEATHER,
  openweathermap: ProviderType.WEATHER,
  weather_api: ProviderType.WEATHER,
  visual_crossing: ProviderType.WEATHER,
  stripe: ProviderType.PAYMENT,
};

export const fakeCatalog: CatalogLookup = (providerType, providerName) => {
  const name = providerName as keyof typeof TARGETS;
  return Object.hasOwn(TARGETS, name) && TYPES[name] === providerType ? TARGETS[name] : undefined;
};
