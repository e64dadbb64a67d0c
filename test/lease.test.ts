// Leader leases (SPEC.md §14) against the database: one holder at a time, renewal, expiry, release, the guard
// that writes check, and LeaderLease's own view (it stops leading at its local deadline when it cannot renew).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { onlyTenants } from "../src/domain/tenant-scope.js";
import { Prisma } from "../src/generated/prisma/client.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { LeaderLease, type LeaseBackend } from "../src/infra/leadership/lease.js";
import { LeaseStore, leaseHeld } from "../src/infra/leadership/lease.store.js";
import { EventPublicationRepository } from "../src/modules/change-events/event-publication.repository.js";
import { startTestApp, type TestApp } from "./support/app.js";

let app: TestApp;
let store: LeaseStore;
let unitOfWork: UnitOfWork;

beforeAll(async () => {
  app = await startTestApp();
  unitOfWork = new UnitOfWork(app.app.database.adapter);
  store = new LeaseStore(unitOfWork);
});
afterAll(() => app?.stop());

const leaseName = () => `test-lease-${randomBytes(4).toString("hex")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet = { info: () => {}, warn: () => {} };

const guardHolds = (name: string, holder: string) =>
  unitOfWork.read(onlyTenants(), async (db) => {
    const [row] = await db.query<{ held: boolean }>(Prisma.sql`SELECT ${leaseHeld(name, holder)} AS held`);
    return row?.held;
  });

describe("LeaseStore", () => {
  test("one holder at a time; the holder renews; another gets it only after expiry", async () => {
    const name = leaseName();
    expect(await store.tryAcquire(name, "a", 3000)).toBe(true);
    expect(await store.tryAcquire(name, "b", 3000)).toBe(false);
    expect(await store.holderOf(name)).toBe("a");
    expect(await guardHolds(name, "a")).toBe(true);
    expect(await guardHolds(name, "b")).toBe(false);

    await sleep(1500);
    expect(await store.tryAcquire(name, "a", 3000)).toBe(true); // renewed: still a's well past the first expiry
    await sleep(1500);
    expect(await store.tryAcquire(name, "b", 3000)).toBe(false);

    await sleep(3200);
    expect(await store.holderOf(name)).toBeNull();
    expect(await guardHolds(name, "a")).toBe(false); // an ex-holder's guarded write fails once it has expired
    expect(await store.tryAcquire(name, "b", 3000)).toBe(true);
    expect(await store.tryAcquire(name, "a", 3000)).toBe(false);
  });

  test("release frees it at once, only for its holder", async () => {
    const name = leaseName();
    expect(await store.tryAcquire(name, "a", 10_000)).toBe(true);
    await store.release(name, "b");
    expect(await store.holderOf(name)).toBe("a");
    await store.release(name, "a");
    expect(await store.holderOf(name)).toBeNull();
    expect(await store.tryAcquire(name, "b", 10_000)).toBe(true);
  });

  test("racing acquirers: exactly one wins", async () => {
    const name = leaseName();
    const results = await Promise.all(["a", "b", "c", "d"].map((holder) => store.tryAcquire(name, holder, 10_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe("the publication position (event_publication)", () => {
  test("starts once, moves only forward and only while the lease is held", async () => {
    const publications = new EventPublicationRepository();
    const name = leaseName();
    const at = (txid: bigint, seq: bigint) => ({ txid, seq });
    const run = <T>(work: Parameters<typeof unitOfWork.read<T>>[1]) => unitOfWork.read(onlyTenants(), work);
    expect(await run((db) => publications.start(db, name, at(100n, 0n)))).toEqual(at(100n, 0n));
    expect(await run((db) => publications.start(db, name, at(5n, 0n)))).toEqual(at(100n, 0n)); // the first start stays

    await store.tryAcquire(name, "a", 10_000);
    expect(await run((db) => publications.advance(db, name, at(100n, 7n), leaseHeld(name, "b")))).toBe(false); // not b's
    expect(await run((db) => publications.advance(db, name, at(100n, 7n), leaseHeld(name, "a")))).toBe(true);
    expect(await run((db) => publications.advance(db, name, at(100n, 3n), leaseHeld(name, "a")))).toBe(false); // backwards
    expect(await run((db) => publications.position(db, name))).toEqual(at(100n, 7n));
  });
});

describe("LeaderLease", () => {
  test("two instances: one leads; the other takes over after the leader dies (lease expiry) or stops (release)", async () => {
    const name = leaseName();
    const changes: string[] = [];
    const make = (holder: string) =>
      new LeaderLease({ name, holder, backend: store, logger: quiet, ttlMs: 900, onChange: (on) => changes.push(`${holder}:${on}`) });
    const [a, b] = [make("a"), make("b")];
    a.start();
    await sleep(100);
    b.start();
    await sleep(400);
    expect([a.leading, b.leading]).toEqual([true, false]);

    const diedAt = Date.now();
    await a.stop({ release: false }); // dies: the lease has to expire
    expect(a.leading).toBe(false);
    while (!b.leading) await sleep(20);
    expect(Date.now() - diedAt).toBeGreaterThan(300);
    expect(Date.now() - diedAt).toBeLessThan(900 + 300 + 500);

    const c = make("c");
    c.start();
    await sleep(200);
    expect(c.leading).toBe(false);
    const stoppedAt = Date.now();
    await b.stop(); // graceful: released, so c does not wait for expiry
    while (!c.leading) await sleep(20);
    expect(Date.now() - stoppedAt).toBeLessThan(600);
    await c.stop();
    expect(changes).toEqual(["a:true", "a:false", "b:true", "b:false", "c:true", "c:false"]);
    expect(await store.holderOf(name)).toBeNull();
  });

  test("stops leading at its local deadline when renewals fail, before the database would let anyone else in", async () => {
    let clock = 0;
    let reachable = true;
    const backend: LeaseBackend = {
      tryAcquire: async () => {
        if (!reachable) throw new Error("connection refused");
        return true;
      },
      release: async () => {},
    };
    const warnings: string[] = [];
    const lease = new LeaderLease({
      name: "x",
      holder: "a",
      backend,
      ttlMs: 1000,
      now: () => clock,
      logger: { info: () => {}, warn: (_fields, message) => warnings.push(message) },
    });
    expect(await lease.renew()).toBe(true);
    reachable = false;
    clock = 500;
    expect(await lease.renew()).toBe(true); // still within the term it was granted
    clock = 999;
    expect(lease.leading).toBe(true);
    clock = 1000;
    expect(lease.leading).toBe(false);
    expect(warnings).toContain("lease lost");
  });
});
