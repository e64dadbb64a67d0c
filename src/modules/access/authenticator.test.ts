// The authenticator on its own: claims → Caller, the verified-token memory and its bounds, open mode.
import { describe, expect, test } from "vitest";
import { mintToken, TEST_JWT_SECRET } from "../../../test/support/tokens.js";
import { ANONYMOUS_CALLER } from "../../domain/caller.js";
import { AppError } from "../../errors.js";
import { callerOf, createAuthenticator } from "./authenticator.js";

describe("callerOf", () => {
  test("keeps the known scopes only, and the tenants as a set", () => {
    const caller = callerOf({ sub: "svc", tenants: ["acme", "globex"], scope: "openid config:read  secrets:read admin" });
    expect(caller).toEqual({ id: "svc", tenants: new Set(["acme", "globex"]), scopes: new Set(["config:read", "secrets:read"]) });
  });

  test('["*"] is every tenant; no scope claim is no scope', () => {
    expect(callerOf({ sub: "ops", tenants: ["*"] })).toEqual({ id: "ops", tenants: "*", scopes: new Set() });
  });

  test.each([
    [{ tenants: [] }, "'sub'"],
    [{ sub: "  ", tenants: [] }, "'sub'"],
    [{ sub: "x", tenants: "acme" }, "'tenants'"],
    [{ sub: "x", tenants: ["acme", "*"] }, "'tenants'"],
    [{ sub: "x", tenants: Array.from({ length: 1001 }, (_, i) => `t${i}`) }, "'tenants'"],
    [{ sub: "x", tenants: [], scope: 7 }, "'scope'"],
  ])("%j is refused (%s)", (claims, claim) => {
    expect(() => callerOf(claims)).toThrow(AppError);
    expect(() => callerOf(claims)).toThrow(claim);
  });
});

describe("createAuthenticator", () => {
  test("without configuration every request is anonymous, whatever it sends", async () => {
    const open = createAuthenticator({});
    expect(open.required).toBe(false);
    expect(await open.authenticate(undefined)).toBe(ANONYMOUS_CALLER);
    expect(await open.authenticate("Bearer whatever")).toBe(ANONYMOUS_CALLER);
  });

  test("a verified token is remembered (the same caller object), but never past its exp", async () => {
    const authenticator = createAuthenticator({ jwtSecret: TEST_JWT_SECRET });
    const lasting = `Bearer ${await mintToken({ sub: "a", tenants: [] })}`;
    expect(await authenticator.authenticate(lasting)).toBe(await authenticator.authenticate(lasting));
    const expiring = `Bearer ${await mintToken({ sub: "b", tenants: [] }, { expiresIn: 1 })}`;
    const first = await authenticator.authenticate(expiring);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Verified again (jose allows 30 s of clock skew), so a new object.
    expect(await authenticator.authenticate(expiring)).not.toBe(first);
  });

  test("a refused token's message never contains the token", async () => {
    const authenticator = createAuthenticator({ jwtSecret: TEST_JWT_SECRET });
    const token = await mintToken({ sub: "a", tenants: "acme" });
    for (const header of [`Bearer ${token}`, `Bearer ${token}x`, `Bearer ${token.split(".").slice(0, 2).join(".")}.`, token]) {
      const error = await authenticator.authenticate(header).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("UNAUTHENTICATED");
      expect((error as AppError).message).not.toContain(token.split(".")[1]);
    }
  });

  test("requireExp refuses a token without exp with a message that says so; with exp it passes", async () => {
    const strict = createAuthenticator({ jwtSecret: TEST_JWT_SECRET, requireExp: true });
    const noExp = `Bearer ${await mintToken({ sub: "a", tenants: [] }, { expiresIn: null })}`;
    const error = await strict.authenticate(noExp).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "UNAUTHENTICATED",
      message: "The bearer token has no 'exp' claim: only tokens that expire are accepted.",
    });
    expect((await strict.authenticate(`Bearer ${await mintToken({ sub: "a", tenants: [] })}`)).id).toBe("a");
    // Without requireExp (outside production) the same token is accepted.
    expect((await createAuthenticator({ jwtSecret: TEST_JWT_SECRET }).authenticate(noExp)).id).toBe("a");
  });

  test.each([
    ["no iss", { audience: "svc" }, "The bearer token has no 'iss' claim."],
    ["another iss", { issuer: "https://evil.example/", audience: "svc" }, "The bearer token's 'iss' claim is not accepted."],
    ["another aud", { issuer: "https://id.example/", audience: "other" }, "The bearer token's 'aud' claim is not accepted."],
  ])("a token with %s: the message names the claim, not its value", async (_, options, message) => {
    const authenticator = createAuthenticator({ jwtSecret: TEST_JWT_SECRET, issuer: "https://id.example/", audience: "svc" });
    const token = await mintToken({ sub: "a", tenants: [] }, options);
    await expect(authenticator.authenticate(`Bearer ${token}`)).rejects.toMatchObject({ code: "UNAUTHENTICATED", message });
  });
});
