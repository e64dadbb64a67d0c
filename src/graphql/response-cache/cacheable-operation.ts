// Which operations may be answered from a whole-response cache: queries whose every field reads only catalog
// facts or tenant configs through the generation-checked cache. Anything that reads history, health,
// credentials or a config by id is executed every time.
import { type DocumentNode, Kind, type OperationDefinitionNode, parse, type SelectionSetNode } from "graphql";
import { LRUCache } from "lru-cache";

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

export class CacheableOperations {
  /** Per query text, the verdict for each operation name asked for ("" for none). */
  private readonly verdicts = new LRUCache<string, Map<string, boolean>>({ max: 1000 });

  /** Whether this query text and operation name may be cached whole (memoized; unparsable → false). */
  isCacheable(query: string, operationName: string | undefined): boolean {
    let byName = this.verdicts.get(query);
    if (!byName) {
      byName = new Map();
      this.verdicts.set(query, byName);
    }
    let verdict = byName.get(operationName ?? "");
    if (verdict === undefined) {
      verdict = analyze(query, operationName);
      if (byName.size < 20) byName.set(operationName ?? "", verdict);
    }
    return verdict;
  }
}

function analyze(query: string, operationName: string | undefined): boolean {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens: 5000 });
  } catch {
    return false;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (operation?.operation !== "query") return false;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])),
  );
  return selectionsAllowed(operation.selectionSet, fragments, true, new Set());
}

function selectionsAllowed(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, SelectionSetNode>,
  root: boolean,
  visiting: Set<string>,
): boolean {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (root ? !CACHEABLE_ROOT_FIELDS.has(name) : UNCACHEABLE_FIELDS.has(name)) return false;
      if (selection.selectionSet && !selectionsAllowed(selection.selectionSet, fragments, false, visiting)) return false;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!selectionsAllowed(selection.selectionSet, fragments, root, visiting)) return false;
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || visiting.has(selection.name.value)) return false;
      visiting.add(selection.name.value);
      const allowed = selectionsAllowed(fragment, fragments, root, visiting);
      visiting.delete(selection.name.value);
      if (!allowed) return false;
    }
  }
  return true;
}
