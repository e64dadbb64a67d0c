// What the service needs to know about a query text before Apollo runs it, worked out once per distinct text:
//   - whether it is too repetitive to validate (limits/document-shape.ts), so that it is refused first;
//   - which of its operations may be answered from the whole-response cache: queries whose every field reads
//     only catalog facts or tenant configs through the generation-checked cache (anything that reads history,
//     health, credentials or a config by id is executed every time), and which variables they declare.
// The memo is bounded in bytes (SPEC.md §13), and callers consult it only for authenticated requests: a caller
// sending thousands of distinct large texts can neither grow it without limit nor make it parse anything big —
// parsing stops at MAX_DOCUMENT_TOKENS, and texts over MAX_MEMOIZED_QUERY_LENGTH are inspected without a memo.
import { createHash } from "node:crypto";
import { type DocumentNode, type GraphQLError, Kind, type OperationDefinitionNode, parse, type SelectionSetNode } from "graphql";
import { LRUCache } from "lru-cache";
import { documentShapeProblem, MAX_DOCUMENT_TOKENS } from "./limits/document-shape.js";

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
  /** sha256 (hex) of the query text, as Apollo logs it (see logging.plugin.ts). */
  readonly documentHash: string;
}

export interface DocumentFacts {
  /** Why the document is refused before validation; null when it may be validated (or did not parse: Apollo reports that). */
  readonly problem: GraphQLError | null;
  /** Per operation name ("" for the only operation): the operation when it may be cached whole, else null. */
  readonly operations: ReadonlyMap<string, CacheableOperation | null>;
}

const UNPARSABLE: DocumentFacts = { problem: null, operations: new Map() };

export class DocumentInspector {
  private readonly memo = new LRUCache<string, DocumentFacts>({
    maxSize: MEMO_MAX_BYTES,
    sizeCalculation: (_facts, query) => query.length * 2 + MEMO_ENTRY_OVERHEAD,
  });

  /** The facts of a query text (memoized when it is short enough). */
  inspect(query: string): DocumentFacts {
    const known = this.memo.get(query);
    if (known) return known;
    const facts = inspect(query);
    if (query.length <= MAX_MEMOIZED_QUERY_LENGTH) this.memo.set(query, facts);
    return facts;
  }

  /** The operation when this text and operation name may be cached whole; undefined otherwise. */
  cacheable(query: string, operationName: string | undefined): CacheableOperation | undefined {
    if (query.length > MAX_MEMOIZED_QUERY_LENGTH) return undefined;
    return this.inspect(query).operations.get(operationName ?? "") ?? undefined;
  }

  /** Bytes the memo holds, as counted for its bound. */
  get memoBytes(): number {
    return this.memo.calculatedSize;
  }
}

/** The query text of a GraphQL request over HTTP: a POST's JSON body or a GET's `query` parameter. */
export function queryTextOf(request: { method?: string; body?: unknown; query?: unknown }): string | undefined {
  const source = request.method === "GET" ? request.query : request.body;
  const query = typeof source === "object" && source !== null ? (source as { query?: unknown }).query : undefined;
  return typeof query === "string" ? query : undefined;
}

function inspect(query: string): DocumentFacts {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens: MAX_DOCUMENT_TOKENS });
  } catch {
    return UNPARSABLE;
  }
  const problem = documentShapeProblem(document) ?? null;
  const operations = new Map<string, CacheableOperation | null>();
  if (problem) return { problem, operations };
  const documentHash = createHash("sha256").update(query).digest("hex");
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])),
  );
  const definitions = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const judged = new Map<string, boolean>();
  for (const operation of definitions) {
    const cacheable = operation.operation === "query" && selectionsAllowed(operation.selectionSet, fragments, true, judged);
    const facts = cacheable
      ? {
          variables: (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value).sort(),
          name: operation.name?.value ?? null,
          documentHash,
        }
      : null;
    if (operation.name) operations.set(operation.name.value, facts);
    if (definitions.length === 1) operations.set("", facts);
  }
  return { problem, operations };
}

/**
 * Whether every field under `set` may be cached. Each fragment is judged once per position (root or nested), so a
 * document that spreads fragments inside fragments over and over is still walked in linear time.
 */
function selectionsAllowed(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, SelectionSetNode>,
  root: boolean,
  judged: Map<string, boolean>,
): boolean {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (root ? !CACHEABLE_ROOT_FIELDS.has(name) : UNCACHEABLE_FIELDS.has(name)) return false;
      if (selection.selectionSet && !selectionsAllowed(selection.selectionSet, fragments, false, judged)) return false;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!selectionsAllowed(selection.selectionSet, fragments, root, judged)) return false;
    } else {
      const key = `${root ? "root" : "nested"}:${selection.name.value}`;
      const fragment = fragments.get(selection.name.value);
      if (!fragment) return false;
      let allowed = judged.get(key);
      if (allowed === undefined) {
        judged.set(key, false); // a cycle (refused by validation anyway) reads as not cacheable
        allowed = selectionsAllowed(fragment, fragments, root, judged);
        judged.set(key, allowed);
      }
      if (!allowed) return false;
    }
  }
  return true;
}
