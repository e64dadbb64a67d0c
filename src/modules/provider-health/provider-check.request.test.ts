import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ProviderType } from "../../domain/provider.js";
import { buildCheckRequest } from "./provider-check.request.js";
import type { CheckTarget } from "./provider-check.target.js";

const weather = (id: string, baseUrl: string): CheckTarget => ({ id, requiresApiKey: id !== "open_meteo", baseUrl, details: {} });
const map = (urlTemplate: string): CheckTarget => ({ id: "some_map", requiresApiKey: false, baseUrl: null, details: { urlTemplate } });

describe("buildCheckRequest", () => {
  it("asks a map for tile z=10 x=512 y=512, with the key URL-encoded where the template wants it", () => {
    const request = buildCheckRequest(
      ProviderType.MAP,
      map("https://mt1.google.com/vt/lyrs=m&x={x}&y={y}&z={z}&key={api_key}"),
      "a b&c",
      null,
    );
    expect(request).toEqual({ url: "https://mt1.google.com/vt/lyrs=m&x=512&y=512&z=10&key=a%20b%26c", headers: {} });
    expect(buildCheckRequest(ProviderType.MAP, map("https://t.example.org/{z}/{y}/{x}.png"), null, null)?.url).toBe(
      "https://t.example.org/10/512/512.png",
    );
  });

  it.each([
    [
      "open_meteo",
      "https://api.open-meteo.com/v1",
      "https://api.open-meteo.com/v1/forecast?latitude=15.37&longitude=44.19&current_weather=true",
    ],
    [
      "openweathermap",
      "https://api.openweathermap.org/data/2.5",
      "https://api.openweathermap.org/data/2.5/weather?lat=15.37&lon=44.19&appid=K%2B1",
    ],
    ["weather_api", "https://api.weatherapi.com/v1/", "https://api.weatherapi.com/v1/current.json?key=K%2B1&q=15.37%2C44.19"],
    [
      "visual_crossing",
      "https://weather.visualcrossing.com/VisualCrossingWebServices/rest/services/timeline",
      "https://weather.visualcrossing.com/VisualCrossingWebServices/rest/services/timeline/15.37,44.19/today?key=K%2B1&include=current",
    ],
  ])("asks %s for the current weather at 15.37, 44.19", (id, baseUrl, url) => {
    expect(buildCheckRequest(ProviderType.WEATHER, weather(id, baseUrl), "K+1", null)).toEqual({ url, headers: {} });
  });

  it("leaves the key out where the provider takes none", () => {
    const request = buildCheckRequest(ProviderType.WEATHER, weather("open_meteo", "https://api.open-meteo.com/v1"), "unused", null);
    expect(request?.url).not.toContain("unused");
    expect(request?.headers).toEqual({});
  });

  it("GETs the base URL of other types, with the key as a bearer token", () => {
    const stripe: CheckTarget = { id: "stripe", requiresApiKey: true, baseUrl: "https://api.stripe.com/v1", details: {} };
    expect(buildCheckRequest(ProviderType.PAYMENT, stripe, "sk_1", null)).toEqual({
      url: "https://api.stripe.com/v1",
      headers: { authorization: "Bearer sk_1" },
    });
    expect(buildCheckRequest(ProviderType.PAYMENT, stripe, null, null)?.headers).toEqual({});
  });

  it("replaces only scheme, host and port with the override origin", () => {
    const override = new URL("http://127.0.0.1:4010/ignored?x=1");
    const tile = buildCheckRequest(
      ProviderType.MAP,
      map("https://api.mapbox.com:8443/tiles/{z}/{x}/{y}?access_token={api_key}"),
      "k",
      override,
    );
    expect(tile?.url).toBe("http://127.0.0.1:4010/tiles/10/512/512?access_token=k");
    const meteo = buildCheckRequest(ProviderType.WEATHER, weather("open_meteo", "https://api.open-meteo.com/v1"), null, override);
    expect(meteo?.url).toBe("http://127.0.0.1:4010/v1/forecast?latitude=15.37&longitude=44.19&current_weather=true");
  });

  it("gives null when the catalog has no usable URL", () => {
    expect(buildCheckRequest(ProviderType.SMS, { id: "x", requiresApiKey: false, baseUrl: null, details: {} }, null, null)).toBeNull();
    expect(
      buildCheckRequest(ProviderType.SMS, { id: "x", requiresApiKey: false, baseUrl: "not a url", details: {} }, null, null),
    ).toBeNull();
  });
});

describe("buildCheckRequest on the real catalog data", () => {
  // Read as data, not through the catalog module, so this module stays independent of it.
  const raw: unknown = JSON.parse(readFileSync(new URL("../catalog/catalog.json", import.meta.url), "utf8"));
  const catalog = (raw as { catalog: Record<ProviderType, CheckTarget[]> }).catalog;
  const entries = Object.entries(catalog).flatMap(([type, targets]) =>
    targets.map((target) => [type as ProviderType, target.id, target] as const),
  );

  it.each(entries)("builds an https request for %s %s", (type, _id, target) => {
    const key = target.requiresApiKey ? "KEY-123" : null;
    const request = buildCheckRequest(type, target, key, null);
    expect(request?.url).toMatch(/^https:\/\//);
    if (key !== null) expect(`${request?.url} ${JSON.stringify(request?.headers)}`).toContain(key);
    if (type === ProviderType.MAP) expect(request?.url).toMatch(/10.*512.*512|512.*512.*10/);
    if (type === ProviderType.WEATHER) expect(decodeURIComponent(request?.url ?? "")).toMatch(/15\.37.*44\.19/);
  });
});
