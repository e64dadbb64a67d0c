// Shared by the limit rules: folds an operation's selections through fragment spreads and inline fragments,
// remembering each fragment's value, so that a document spreading the same fragments over and over is still
// walked once per fragment. The rules run beside graphql-js's own rules and must survive what those report: an
// unknown fragment or type counts as nothing, and a fragment cycle is cut where it closes.
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type NamedTypeNode,
  type SelectionSetNode,
  type ValidationRule,
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

/** A validation rule that folds every operation of the document into a number and refuses it above `limit`. */
export function operationLimitRule(fold: SelectionFold<number>, limit: number, message: (value: number) => string): ValidationRule {
  return (context) => {
    const measure = foldSelections(fold, context.getSchema(), (name) => context.getFragment(name));
    return {
      OperationDefinition(operation) {
        const value = measure(operation.selectionSet, undefined);
        if (value > limit) context.reportError(new GraphQLError(message(value), { nodes: [operation] }));
      },
    };
  };
}
