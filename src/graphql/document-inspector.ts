// What the service needs to know about a query text, worked out once per distinct text by one walk of its
// operations and fragments, and shared by everything that used to walk the document on its own:
//   - whether it is too repetitive to validate (limits/document-shape.ts), so that it is refused first;
//   - per operation, its shape limits: depth, root fields, health checks (limits/operation-limits.ts, a
//     validation rule that reads these facts);
//   - per operation, its name and type (the request log and metrics, also for documents that fail validation);
//   - per operation, whether it may be answered from the whole-response cache: queries whose every field reads
//     only catalog facts or tenant configs through the generation-checked cache (anything that reads history,
//     health, credentials or a config by id is executed every time), and which variables they declare.
// The memo is bounded in bytes (SPEC.md §13), and callers consult it only for authenticated requests: a caller
// sending thousands of distinct large texts can neither grow it without limit nor make it parse anything big —
// parsing stops at MAX_DOCUMENT_TOKENS, and texts over MAX_MEMOIZED_QUERY_LENGTH are inspected without a memo.
import { hash } from "node:crypto";
import {
  type DocumentNode,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type OperationTypeNode,
  parse,
  print,
  type SelectionSetNode,
} from "graphql";
import { LRUCache } from "lru-cache";
import { documentShapeProblem, MAX_DOCUMENT_TOKENS } from "./limits/document-shape.js";
import { HEALTH_CHECK_FIELD } from "./limits/operation-limits.js";

const CACHEABLE_ROOT_FIELDS = new Set([
  "providerConfigs",
  "tenantConfig",
  "providerCatalog",
  "selectProviders",
  "recommendProviders",
  "__typename",
]);
/** Nested fields that read outside the tenant cache. */
const UNCACHEABLE_FIELDS = new Set(["history"]);
/** A dashboard's query is a few KiB; longer texts are inspected each time and never cached whole. */
export const MAX_MEMOIZED_QUERY_LENGTH = 64 * 1024;
/** What the memo may hold, counted as the UTF-16 bytes of the texts it keys plus a fixed overhead per entry. */
const MEMO_MAX_BYTES = 8 * 1024 * 1024;
const MEMO_ENTRY_OVERHEAD = 512;

export interface CacheableOperation {
  /** The operation's declared variables, sorted: the only ones its response can depend on. */
  readonly variables: readonly string[];
  /** The operation's own name (null when anonymous), for the request log. */
  readonly name: string | null;
  /** sha256 (hex) of the query text, as Apollo logs it (see plugins/request-log.ts). */
  readonly documentHash: string;
}

export interface OperationFacts {
  /** The operation's own name; null when anonymous. */
  readonly name: string | null;
  readonly type: OperationTypeNode;
  /** The deepest nesting of fields (fragments add no level of their own). */
  readonly depth: number;
  /** Root fields, aliases and fields reached through fragments included. */
  readonly rootFields: number;
  /** Root fields that are outbound health checks (HEALTH_CHECK_FIELD), counted the same way. */
  readonly healthChecks: number;
  /** When the whole response may be cached; null otherwise. */
  readonly cacheable: CacheableOperation | null;
}

export interface DocumentFacts {
  /** Why the document is refused before validation; null when it may be validated (or did not parse: Apollo reports that). */
  readonly problem: GraphQLError | null;
  /** Every operation, in the document's order (empty when it did not parse or has a problem). */
  readonly operations: readonly OperationFacts[];
  /** By operation name, and "" for the only operation. */
  readonly byName: ReadonlyMap<string, OperationFacts>;
}

const UNPARSABLE: DocumentFacts = { problem: null, operations: [], byName: new Map() };

export class DocumentInspector {
  private readonly memo = new LRUCache<string, DocumentFacts>({
    maxSize: MEMO_MAX_BYTES,
    sizeCalculation: (_facts, query) => query.length * 2 + MEMO_ENTRY_OVERHEAD,
  });

  /** The facts of a query text (memoized when it is short enough). */
  inspect(query: string): DocumentFacts {
    const known = this.memo.get(query);
    if (known) return known;
    let facts = UNPARSABLE;
    try {
      facts = factsOf(parse(query, { noLocation: true, maxTokens: MAX_DOCUMENT_TOKENS }), query);
    } catch {}
    this.remember(query, facts);
    return facts;
  }

  /** The facts of a parsed document (Apollo's, during validation): its text's memo entry when there is one. */
  factsOf(document: DocumentNode): DocumentFacts {
    const query = document.loc?.source.body ?? print(document);
    const known = this.memo.get(query);
    if (known) return known;
    const facts = factsOf(document, query);
    this.remember(query, facts);
    return facts;
  }

  /** The operation when this text and operation name may be cached whole; undefined otherwise. */
  cacheable(query: string, operationName: string | undefined): CacheableOperation | undefined {
    if (query.length > MAX_MEMOIZED_QUERY_LENGTH) return undefined;
    return this.inspect(query).byName.get(operationName ?? "")?.cacheable ?? undefined;
  }

  /** Bytes the memo holds, as counted for its bound. */
  get memoBytes(): number {
    return this.memo.calculatedSize;
  }

  private remember(query: string, facts: DocumentFacts): void {
    if (query.length <= MAX_MEMOIZED_QUERY_LENGTH) this.memo.set(query, facts);
  }
}

/** The query text of a GraphQL request over HTTP: a GET's `query` parameter (`search` is the URL's), else the body's. */
export function queryTextOf(method: string | undefined, body: unknown, search: string): string | undefined {
  if (method === "GET") return new URLSearchParams(search).get("query") ?? undefined;
  const query = typeof body === "object" && body !== null ? (body as { query?: unknown }).query : undefined;
  return typeof query === "string" ? query : undefined;
}

function factsOf(document: DocumentNode, query: string): DocumentFacts {
  const problem = documentShapeProblem(document) ?? null;
  if (problem) return { problem, operations: [], byName: new Map() };
  const documentHash = hash("sha256", query, "hex");
  const walk = new SelectionWalk(document);
  const definitions = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operations = definitions.map((operation): OperationFacts => {
    const summary = walk.summarize(operation.selectionSet, true);
    const name = operation.name?.value ?? null;
    return {
      name,
      type: operation.operation,
      depth: summary.depth,
      rootFields: summary.fields,
      healthChecks: summary.healthChecks,
      cacheable:
        operation.operation === "query" && summary.cacheable
          ? { variables: (operation.variableDefinitions ?? []).map((d) => d.variable.name.value).sort(), name, documentHash }
          : null,
    };
  });
  const byName = new Map<string, OperationFacts>();
  for (const operation of operations) if (operation.name !== null) byName.set(operation.name, operation);
  if (operations.length === 1) byName.set("", operations[0] as OperationFacts);
  return { problem, operations, byName };
}

/** What one selection set adds up to, fragment spreads and inline fragments flattened into it. */
interface Summary {
  depth: number;
  /** Fields at this level. */
  fields: number;
  /** HEALTH_CHECK_FIELD fields at this level. */
  healthChecks: number;
  /** Whether every field under it may be cached whole, at its position (root or nested). */
  cacheable: boolean;
}

const NOTHING: Summary = { depth: 0, fields: 0, healthChecks: 0, cacheable: true };
const CUT: Summary = { ...NOTHING, cacheable: false };

/**
 * Each fragment is summarized once per position (root or nested), so a document that spreads fragments inside
 * fragments over and over is still walked in linear time. The walk runs before graphql-js's rules, so it survives
 * what those report: an unknown fragment counts as nothing (and is not cacheable), and a cycle is cut where it closes.
 */
class SelectionWalk {
  private readonly fragments = new Map<string, SelectionSetNode>();
  private readonly summaries = new Map<string, Summary>();

  constructor(document: DocumentNode) {
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, d.selectionSet);
  }

  summarize(set: SelectionSetNode, root: boolean): Summary {
    const summary = { ...NOTHING };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const children = selection.selectionSet ? this.summarize(selection.selectionSet, false) : NOTHING;
        summary.depth = Math.max(summary.depth, 1 + children.depth);
        summary.fields += 1;
        if (name === HEALTH_CHECK_FIELD) summary.healthChecks += 1;
        const allowed = root ? CACHEABLE_ROOT_FIELDS.has(name) : !UNCACHEABLE_FIELDS.has(name);
        summary.cacheable &&= allowed && children.cacheable;
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT
            ? this.summarize(selection.selectionSet, root)
            : this.fragment(selection.name.value, root);
        summary.depth = Math.max(summary.depth, inner.depth);
        summary.fields += inner.fields;
        summary.healthChecks += inner.healthChecks;
        summary.cacheable &&= inner.cacheable;
      }
    }
    return summary;
  }

  private fragment(name: string, root: boolean): Summary {
    const key = `${root ? "root" : "nested"}:${name}`;
    const known = this.summaries.get(key);
    if (known) return known;
    const set = this.fragments.get(name);
    if (!set) return CUT;
    this.summaries.set(key, CUT); // a spread inside itself reads as nothing (validation refuses the cycle)
    const summary = this.summarize(set, root);
    this.summaries.set(key, summary);
    return summary;
  }
}
