// A cost limit for list fields: an operation whose estimated size is above MAX_QUERY_COST is refused before it
// runs. The estimate is deliberately simple:
//   - every field costs 1 (introspection fields and __typename cost nothing: the depth limit bounds them);
//   - a list field costs 1 + n × (the cost of its selection, at least 1), where n is its `limit` argument (as
//     written, from the variables, or its default) or, for lists without one, DEFAULT_LIST_SIZE;
//   - a page (a field that is not a list but has a `limit`, e.g. configHistory) counts the lists inside it as
//     `limit` items instead of DEFAULT_LIST_SIZE: its selection's cost is scaled by limit / DEFAULT_LIST_SIZE;
//   - a list bounded by the catalog rather than by stored data declares its size in its field extensions
//     (`listSize`, see LIST_SIZE_EXTENSION), e.g. configTemplates and a template's entries;
//   - fragments cost what their fields cost.
// A dashboard query costs a few hundred; configHistory(limit: 500) with every field about 7,000; 30 aliased
// providerConfigs lists about 12,000; a 100-config batch upsert returning each config's history about 25,000.
// What it refuses is multiplication: many aliases of large pages or tenant views, or history(limit: 500) under
// every config of a tenant. It runs once the operation is known (after validation), as `limit` may come from a
// variable.
import type { ApolloServerPlugin } from "@apollo/server";
import {
  type FieldNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  valueFromAST,
} from "graphql";
import { foldSelections } from "./selection-walk.js";

export const MAX_QUERY_COST = 50_000;
/** The assumed length of a list without a `limit` argument (a tenant's configs, catalog lists, chain entries). */
export const DEFAULT_LIST_SIZE = 100;
/** The field extension with which a list field states its size, when that is known to be small: `@Extensions({ listSize: n })`. */
export const LIST_SIZE_EXTENSION = "listSize";

export function costLimitPlugin(maxCost = MAX_QUERY_COST): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          const root = operation && schema.getRootType(operation.operation);
          if (!operation || !root) return;
          const fragments = new Map(
            document.definitions.flatMap((definition) =>
              definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : [],
            ),
          );
          const sizeOf = limitOf(operation, request.variables ?? {});
          const costOf = foldSelections<number>(
            {
              field(node, parent, children) {
                const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
                if (!definition || node.name.value.startsWith("__")) return 0;
                const inner = children(getNamedType(definition.type) as GraphQLNamedType);
                const declared = definition.extensions?.[LIST_SIZE_EXTENSION];
                const size = typeof declared === "number" ? declared : sizeOf(node, definition);
                if (isListType(getNullableType(definition.type))) return 1 + (size ?? DEFAULT_LIST_SIZE) * Math.max(inner, 1);
                return 1 + (size === undefined ? inner : Math.ceil((inner * size) / DEFAULT_LIST_SIZE));
              },
              combine: (costs) => costs.reduce((sum, cost) => sum + cost, 0),
              empty: 0,
            },
            schema,
            (name) => fragments.get(name),
          );
          const cost = costOf(operation.selectionSet, root);
          if (cost > maxCost) {
            throw new GraphQLError(
              `The operation's estimated cost ${cost} exceeds the limit of ${maxCost} (a list counts as its limit argument, or ${DEFAULT_LIST_SIZE} items, times its fields); nothing was executed. Ask for fewer aliases, smaller limits or fewer nested lists.`,
              { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}

/** A field's `limit` argument as the request gives it, else its default; undefined when it has none. */
function limitOf(operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  return (node: FieldNode, definition: GraphQLField<unknown, unknown>): number | undefined => {
    const argument = definition.args.find((arg) => arg.name === "limit");
    if (!argument) return undefined;
    const given = node.arguments?.find((arg) => arg.name.value === "limit")?.value;
    let value: unknown = argument.defaultValue;
    if (given?.kind === Kind.VARIABLE) {
      const name = given.name.value;
      const fallback = operation.variableDefinitions?.find((variable) => variable.variable.name.value === name)?.defaultValue;
      value = name in variables ? variables[name] : fallback ? valueFromAST(fallback, argument.type) : value;
    } else if (given) {
      value = valueFromAST(given, argument.type);
    }
    return typeof value === "number" && Number.isFinite(value) ? Math.max(1, Math.round(value)) : DEFAULT_LIST_SIZE;
  };
}
