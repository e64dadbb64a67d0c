// Builds the one live request of a health check (SPEC.md §4). Only catalog URLs are ever built: callers choose a
// provider by name, never a URL, so a check cannot be pointed at an internal host (no SSRF).
import { ProviderType } from "../../domain/provider.js";
import type { CheckTarget } from "./provider-check.target.js";

export interface CheckRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The MAP tile and the WEATHER spot every check asks for (SPEC.md §4). */
const TILE = { z: "10", x: "512", y: "512" } as const;
const SPOT = { latitude: "15.37", longitude: "44.19" } as const;

type WeatherUrl = (base: string, apiKey: string | null) => URL;

const withQuery = (base: string, path: string, query: Record<string, string | null>): URL => {
  const url = new URL(`${base.replace(/\/+$/, "")}/${path}`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== null) url.searchParams.set(name, value);
  }
  return url;
};

/**
 * Each weather API's own current-weather request, with the key where that API expects it. A Map, not an object
 * literal, so that an id such as "constructor" cannot find an inherited property.
 */
const WEATHER_URLS: ReadonlyMap<string, WeatherUrl> = new Map<string, WeatherUrl>([
  ["open_meteo", (base) => withQuery(base, "forecast", { latitude: SPOT.latitude, longitude: SPOT.longitude, current_weather: "true" })],
  ["openweathermap", (base, apiKey) => withQuery(base, "weather", { lat: SPOT.latitude, lon: SPOT.longitude, appid: apiKey })],
  ["weather_api", (base, apiKey) => withQuery(base, "current.json", { key: apiKey, q: `${SPOT.latitude},${SPOT.longitude}` })],
  ["visual_crossing", (base, apiKey) => withQuery(base, `${SPOT.latitude},${SPOT.longitude}/today`, { key: apiKey, include: "current" })],
]);

function tileUrl(template: string, apiKey: string | null): URL {
  const filled = template
    .replaceAll("{z}", TILE.z)
    .replaceAll("{x}", TILE.x)
    .replaceAll("{y}", TILE.y)
    .replaceAll("{api_key}", encodeURIComponent(apiKey ?? ""));
  return new URL(filled);
}

/**
 * Returns null when the catalog gives no usable URL. The key goes where the provider reads it: in the tile template,
 * in the weather API's query parameter, and otherwise as a bearer token. For those other types the check is a GET of
 * the base URL, i.e. a reachability probe; the bearer header is the most common scheme among them, and a provider that
 * rejects it answers 401/403, which honestly reports the key as unusable.
 */
export function buildCheckRequest(
  providerType: ProviderType,
  target: CheckTarget,
  apiKey: string | null,
  originOverride: URL | null,
): CheckRequest | null {
  const { urlTemplate } = target.details;
  const weatherUrl = WEATHER_URLS.get(target.id);
  const headers: Record<string, string> = {};
  let url: URL;
  try {
    if (providerType === ProviderType.MAP && typeof urlTemplate === "string" && urlTemplate !== "") {
      url = tileUrl(urlTemplate, apiKey);
    } else if (providerType === ProviderType.WEATHER && target.baseUrl && weatherUrl) {
      url = weatherUrl(target.baseUrl, apiKey);
    } else if (target.baseUrl) {
      url = new URL(target.baseUrl);
      if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    } else {
      return null;
    }
  } catch {
    return null; // a malformed catalog URL: reported as a failed check, not as a server error
  }
  return { url: originOverride ? withOrigin(url, originOverride) : url.toString(), headers };
}

/** Swaps scheme, host and port only; path and query (with the key) stay as the provider would receive them. */
function withOrigin(url: URL, origin: URL): string {
  return `${origin.origin}${url.pathname}${url.search}`;
}
