// The hostile clients of bench/hostile.mjs, in a process of their own so that building and sending their bodies
// does not slow the load generator measuring normal traffic. ATTACK_URL, ATTACKERS (concurrent clients, each
// sequential: one request in flight, the next sent when the answer is in), ATTACK_TOKEN (optional bearer),
// ATTACK_KINDS (optional, comma-separated: only these kinds). Runs
// until the parent sends "stop", then sends back, per kind of attack: requests sent, status codes, failures
// (dropped connections, timeouts) and the client-side latency, and exits.
import { randomBytes } from "node:crypto";
import { DASHBOARD } from "./support.mjs";

const url = `${process.env.ATTACK_URL}/graphql`;
const attackers = Number(process.env.ATTACKERS ?? 3);
const token = process.env.ATTACK_TOKEN;
const only = process.env.ATTACK_KINDS?.split(",");
const TIMEOUT_MS = 10_000;

const json = (body) => Buffer.from(JSON.stringify(body));
const unique = () => randomBytes(8).toString("hex");

// Constant bodies are built once; the others are different on every request.
const nested = Buffer.from(`{"query":"{__typename}","variables":{"v":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`);
const typenames = json({ query: `{${" __typename".repeat(90_000)} }` });
const repeated = json({ query: `{ ${"providerCatalog { id } ".repeat(400)}}` });
const CATALOG_ALIASES = Array.from({ length: 100 }, (_, i) => `a${i}: providerCatalog(providerType: MAP) { id }`).join(" ");
// Just under the cost limit (MAX_QUERY_COST 50,000): a list without a limit counts as 100 items times its fields,
// so each alias of the whole catalog costs 801 and 62 of them 49,662 (a response of about 780 KB, never cached).
const COSTLY = `{ ${Array.from({ length: 62 }, (_, i) => `c${i}: providerCatalog { id providerType name nameAr requiresApiKey defaultPriority baseUrl details }`).join(" ")} }`;

export const KINDS = {
  "nested-variables": () => nested,
  "90k-typename-document": () => typenames,
  "400-repeated-fields": () => repeated,
  "distinct-60KiB-queries": () => json({ query: `${DASHBOARD}\n# ${randomBytes(30 * 1024).toString("hex")}`, variables: { t: "bench-7" } }),
  "distinct-unused-variable": () => json({ query: DASHBOARD, variables: { t: "bench-7", [`u${unique()}`]: unique() } }),
  "huge-unused-variable": () => json({ query: DASHBOARD, variables: { t: "bench-7", unused: randomBytes(450 * 1024).toString("hex") } }),
  "100-root-aliases": () => json({ query: `{ ${CATALOG_ALIASES} } # ${unique()}` }),
  "near-max-cost": () => json({ query: `${COSTLY} # ${unique()}` }),
};

const stats = Object.fromEntries(
  (only ?? Object.keys(KINDS)).map((kind) => [kind, { sent: 0, statuses: {}, failures: {}, totalMs: 0, maxMs: 0, bytes: 0 }]),
);
let stopping = false;

async function attacker(index) {
  const kinds = only ?? Object.keys(KINDS);
  for (let n = index; !stopping; n++) {
    const kind = kinds[n % kinds.length];
    const body = KINDS[kind]();
    const s = stats[kind];
    s.sent++;
    s.bytes += body.length;
    const began = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.arrayBuffer();
      s.statuses[response.status] = (s.statuses[response.status] ?? 0) + 1;
    } catch (error) {
      const reason = error?.name === "TimeoutError" ? "timeout" : (error?.cause?.code ?? error?.cause?.message ?? String(error));
      s.failures[reason] = (s.failures[reason] ?? 0) + 1;
    }
    const ms = performance.now() - began;
    s.totalMs += ms;
    s.maxMs = Math.max(s.maxMs, ms);
  }
}

if (process.send) {
  const running = Array.from({ length: attackers }, (_, i) => attacker(i));
  process.on("message", async (message) => {
    if (message !== "stop") return;
    stopping = true;
    await Promise.all(running);
    process.send(stats, () => process.exit(0));
  });
  process.send("started");
}
