// The API's order of configs (SPEC.md §4): type in enum order, then priority (PRIMARY first), then name by code unit.
import { describe, expect, test } from "vitest";
import { ProviderPriority, ProviderType } from "../../domain/provider.js";
import { compareConfigs, compareNames, sortConfigs } from "./provider-config.order.js";

const config = (providerType: ProviderType, priority: ProviderPriority, providerName: string) => ({ providerType, priority, providerName });

describe("sortConfigs", () => {
  test("orders by type, then priority, then name", () => {
    const configs = [
      config(ProviderType.SMS, ProviderPriority.PRIMARY, "twilio"),
      config(ProviderType.MAP, ProviderPriority.DISABLED, "aaa"),
      config(ProviderType.NOTIFICATION, ProviderPriority.PRIMARY, "fcm"),
      config(ProviderType.MAP, ProviderPriority.PRIMARY, "openstreetmap"),
      config(ProviderType.WEATHER, ProviderPriority.PRIMARY, "open_meteo"),
      config(ProviderType.MAP, ProviderPriority.SECONDARY, "esri_satellite"),
      config(ProviderType.MAP, ProviderPriority.PRIMARY, "esri_streets"),
      config(ProviderType.PAYMENT, ProviderPriority.TERTIARY, "paypal"),
      config(ProviderType.SATELLITE, ProviderPriority.PRIMARY, "landsat"),
      config(ProviderType.MAP, ProviderPriority.TERTIARY, "opentopomap"),
    ];
    expect(sortConfigs(configs).map((c) => `${c.providerType}/${c.priority}/${c.providerName}`)).toEqual([
      "MAP/PRIMARY/esri_streets",
      "MAP/PRIMARY/openstreetmap",
      "MAP/SECONDARY/esri_satellite",
      "MAP/TERTIARY/opentopomap",
      "MAP/DISABLED/aaa",
      "WEATHER/PRIMARY/open_meteo",
      "SATELLITE/PRIMARY/landsat",
      "PAYMENT/TERTIARY/paypal",
      "SMS/PRIMARY/twilio",
      "NOTIFICATION/PRIMARY/fcm",
    ]);
  });

  test("does not change its input", () => {
    const configs = [config(ProviderType.SMS, ProviderPriority.PRIMARY, "b"), config(ProviderType.MAP, ProviderPriority.PRIMARY, "a")];
    const before = [...configs];
    sortConfigs(configs);
    expect(configs).toEqual(before);
  });

  test("keeps the other properties of each item", () => {
    const [first] = sortConfigs([{ ...config(ProviderType.MAP, ProviderPriority.PRIMARY, "a"), id: "x" }]);
    expect(first?.id).toBe("x");
  });
});

describe("compareNames", () => {
  test("compares by code unit, not by locale: '-' < '.' < digits < '_' < letters", () => {
    const names = ["a_b", "ab", "a.b", "a-b", "a1", "a"];
    expect([...names].sort(compareNames)).toEqual(["a", "a-b", "a.b", "a1", "a_b", "ab"]);
  });

  test("equal names compare equal, so equal configs keep their order", () => {
    expect(compareNames("x", "x")).toBe(0);
    const a = config(ProviderType.MAP, ProviderPriority.PRIMARY, "same");
    expect(compareConfigs(a, { ...a })).toBe(0);
  });

  test("is antisymmetric", () => {
    const a = config(ProviderType.MAP, ProviderPriority.PRIMARY, "a");
    const b = config(ProviderType.MAP, ProviderPriority.PRIMARY, "b");
    expect(Math.sign(compareConfigs(a, b))).toBe(-Math.sign(compareConfigs(b, a)));
    expect(compareConfigs(a, b)).toBeLessThan(0);
  });
});
