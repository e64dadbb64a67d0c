// The cost limit's walk (cost-limit.plugin.ts), which needs the schema's types and the request's variables, so it
// runs per request rather than once per text like the document inspector's: folds an operation's selections
// through fragment spreads and inline fragments, remembering each fragment's value, so that a document spreading
// the same fragments over and over is still walked once per fragment. An unknown fragment or type counts as
// nothing, and a fragment cycle is cut where it closes.
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type NamedTypeNode,
  type SelectionSetNode,
} from "graphql";

export interface SelectionFold<T> {
  /** The value of one field; `children` walks its selection set as selections on `type`. */
  field(node: FieldNode, parent: GraphQLNamedType | undefined, children: (type: GraphQLNamedType | undefined) => T): T;
  /** Combines the values of sibling selections. */
  combine(values: T[]): T;
  readonly empty: T;
}

export type SelectionWalk<T> = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined) => T;

export function foldSelections<T>(
  fold: SelectionFold<T>,
  schema: GraphQLSchema,
  fragmentOf: (name: string) => FragmentDefinitionNode | null | undefined,
): SelectionWalk<T> {
  const byFragment = new Map<string, T>();
  const open = new Set<string>();
  const typeOf = (condition: NamedTypeNode | undefined, otherwise: GraphQLNamedType | undefined) =>
    condition ? schema.getType(condition.name.value) : otherwise;

  const walk: SelectionWalk<T> = (selectionSet, parent) =>
    fold.combine(
      selectionSet.selections.map((selection) => {
        if (selection.kind === Kind.FIELD) {
          const children = (type: GraphQLNamedType | undefined) =>
            selection.selectionSet ? walk(selection.selectionSet, type) : fold.empty;
          return fold.field(selection, parent, children);
        }
        if (selection.kind === Kind.INLINE_FRAGMENT) return walk(selection.selectionSet, typeOf(selection.typeCondition, parent));
        const name = selection.name.value;
        const known = byFragment.get(name);
        if (known !== undefined) return known;
        const fragment = fragmentOf(name);
        if (!fragment || open.has(name)) return fold.empty;
        open.add(name);
        const value = walk(fragment.selectionSet, typeOf(fragment.typeCondition, undefined));
        open.delete(name);
        byFragment.set(name, value);
        return value;
      }),
    );
  return walk;
}
