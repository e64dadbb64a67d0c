// The contract's custom scalars, from graphql-scalars (names DateTime, JSON, JSONObject and UUID, as in contract-v2.graphql).
export {
  DateTimeResolver as DateTimeScalar,
  JSONObjectResolver as JSONObjectScalar,
  JSONResolver as JSONScalar,
  UUIDResolver as UUIDScalar,
} from "graphql-scalars";
