// Documents that would be expensive to validate are refused right after parsing, before graphql-js's rules see
// them (SPEC.md §13). Two things make validation expensive:
//   - size: Apollo's parser stops at MAX_DOCUMENT_TOKENS (parseOptions.maxTokens), so a 1 MiB document of
//     repeated fields is refused after reading its first tokens, and nothing deep enough to overflow the stack
//     is ever built;
//   - repetition: OverlappingFieldsCanBeMerged compares every pair of fields that share a response name in one
//     selection set (fragments included), and recursively their sub-selections, so a few hundred copies of one
//     field cost a quadratic number of comparisons. Legitimate documents select a field a handful of times at
//     most (the same field through two fragments), so more than MAX_SAME_RESPONSE_NAME is refused.
// The check itself is linear: each fragment's response names are counted once and reused wherever it is spread,
// and the whole walk has a work budget.
import { BREAK, type DocumentNode, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode, visit } from "graphql";

/** GraphiQL's full introspection query is under 200 tokens; a 100-alias dashboard query about 2,000. */
export const MAX_DOCUMENT_TOKENS = 5000;
export const MAX_SAME_RESPONSE_NAME = 16;
/** Map updates the check may spend; a document needing more is refused as too complex. */
const WORK_BUDGET = 200_000;

const refused = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } });

/** The reason to refuse this document before validation, or undefined when it may be validated. */
export function documentShapeProblem(document: DocumentNode): GraphQLError | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const counter = new ResponseNameCounter(fragments);
  let problem: GraphQLError | undefined;
  visit(document, {
    SelectionSet(set) {
      const repeated = counter.mostRepeated(set);
      if (repeated === "over-budget") {
        problem = refused("The document is too complex to validate (too many fragment spreads of large fragments); nothing was executed.");
      } else if (repeated && repeated.count > MAX_SAME_RESPONSE_NAME) {
        problem = refused(
          `The field '${repeated.name}' is selected ${repeated.count} times in one selection set (fragments included); the limit is ${MAX_SAME_RESPONSE_NAME}. Nothing was executed.`,
        );
      }
      return problem ? BREAK : undefined;
    },
  });
  return problem;
}

type Counts = Map<string, number>;

class ResponseNameCounter {
  private readonly byFragment = new Map<string, Counts>();
  private readonly open = new Set<string>();
  private work = 0;

  constructor(private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>) {}

  /** The response name selected most often in `set` (inline fragments and spreads flattened into it). */
  mostRepeated(set: SelectionSetNode): { name: string; count: number } | "over-budget" | undefined {
    const counts = this.countsOf(set);
    if (this.work > WORK_BUDGET) return "over-budget";
    let most: { name: string; count: number } | undefined;
    for (const [name, count] of counts) if (!most || count > most.count) most = { name, count };
    return most;
  }

  private countsOf(set: SelectionSetNode, into: Counts = new Map(), spread = new Set<string>()): Counts {
    for (const selection of set.selections) {
      if (this.work > WORK_BUDGET) break;
      if (selection.kind === Kind.FIELD) {
        const name = selection.alias?.value ?? selection.name.value;
        this.add(into, name, 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        this.countsOf(selection.selectionSet, into, spread);
      } else if (!spread.has(selection.name.value)) {
        // graphql-js collects each fragment once per selection set however often it is spread there.
        spread.add(selection.name.value);
        for (const [name, count] of this.fragmentCounts(selection.name.value)) this.add(into, name, count);
      }
    }
    return into;
  }

  /** A fragment's own counts, worked out once; an unknown fragment or a cycle counts as nothing (validation reports it). */
  private fragmentCounts(name: string): Counts {
    const known = this.byFragment.get(name);
    if (known) return known;
    const fragment = this.fragments.get(name);
    if (!fragment || this.open.has(name)) return new Map();
    this.open.add(name);
    const counts = this.countsOf(fragment.selectionSet);
    this.open.delete(name);
    this.byFragment.set(name, counts);
    return counts;
  }

  private add(counts: Counts, name: string, count: number): void {
    this.work += 1;
    counts.set(name, Math.min((counts.get(name) ?? 0) + count, Number.MAX_SAFE_INTEGER));
  }
}
