// configDiff's comparison rules (SPEC.md §11): which fields, in which order, with which values.
import { describe, expect, test } from "vitest";
import type { JsonObject } from "../../domain/provider.js";
import { diffSnapshots } from "./config-diff.js";

const state = (configData: JsonObject, priority = "PRIMARY", enabled = true) =>
  ({ priority, enabled, configData }) as Parameters<typeof diffSnapshots>[0];
const noCredentials = () => false;

describe("diffSnapshots", () => {
  test("the same state has no changes", () => {
    expect(diffSnapshots(state({ a: 1, b: { c: [1, 2] } }), state({ b: { c: [1, 2] }, a: 1 }), noCredentials)).toEqual([]);
  });

  test("priority, enabled, credentials, then configData paths sorted; before is the first snapshot's value", () => {
    const changes = diffSnapshots(
      state({ zoom: 3, style: "dark", nested: { b: 1, a: 1 } }, "PRIMARY", true),
      state({ zoom: 4, style: "dark", nested: { b: 2, a: 1 }, added: true }, "SECONDARY", false),
      (field) => field === "apiSecret",
    );
    expect(changes).toEqual([
      { field: "priority", before: "PRIMARY", after: "SECONDARY" },
      { field: "enabled", before: true, after: false },
      { field: "apiSecret", before: null, after: null },
      { field: "configData.added", before: null, after: true },
      { field: "configData.nested.b", before: 1, after: 2 },
      { field: "configData.zoom", before: 3, after: 4 },
    ]);
  });

  test("both credentials, in the documented order, by name only", () => {
    expect(diffSnapshots(state({}), state({}), () => true)).toEqual([
      { field: "apiKey", before: null, after: null },
      { field: "apiSecret", before: null, after: null },
    ]);
  });

  test("secret configData fields by name only, sorted among the configData paths", () => {
    expect(diffSnapshots(state({ a: 1 }), state({ a: 1, z: 2 }), noCredentials, ["webhookSecret"])).toEqual([
      { field: "configData.webhookSecret", before: null, after: null },
      { field: "configData.z", before: null, after: 2 },
    ]);
  });

  test("nested objects become dotted paths; arrays are compared whole", () => {
    const changes = diffSnapshots(
      state({ limits: { daily: { max: 10, warn: 8 } }, bounds: [1, 2, 3] }),
      state({ limits: { daily: { max: 20, warn: 8 } }, bounds: [1, 2, 4] }),
      noCredentials,
    );
    expect(changes).toEqual([
      { field: "configData.bounds", before: [1, 2, 3], after: [1, 2, 4] },
      { field: "configData.limits.daily.max", before: 10, after: 20 },
    ]);
  });

  test("a key on one side only, or an object against a scalar, is one entry with the whole values", () => {
    const changes = diffSnapshots(
      state({ removed: { deep: 1 }, shape: { x: 1 }, nulled: 1 }),
      state({ added: { deep: 2 }, shape: 5, nulled: null }),
      noCredentials,
    );
    expect(changes).toEqual([
      { field: "configData.added", before: null, after: { deep: 2 } },
      { field: "configData.nulled", before: 1, after: null },
      { field: "configData.removed", before: { deep: 1 }, after: null },
      { field: "configData.shape", before: { x: 1 }, after: 5 },
    ]);
  });

  test("a key added with the value null is still a change", () => {
    expect(diffSnapshots(state({}), state({ note: null }), noCredentials)).toEqual([
      { field: "configData.note", before: null, after: null },
    ]);
  });

  test("swapping the order swaps before and after", () => {
    const a = state({ n: 1 }, "PRIMARY");
    const b = state({ n: 2 }, "TERTIARY");
    const forward = diffSnapshots(a, b, noCredentials);
    const backward = diffSnapshots(b, a, noCredentials);
    expect(backward).toEqual(forward.map((change) => ({ field: change.field, before: change.after, after: change.before })));
  });
});
