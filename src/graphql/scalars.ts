// The contract's custom scalars, from graphql-scalars (names DateTime, JSONObject and UUID, as in contract.graphql).
export { DateTimeResolver as DateTimeScalar, JSONObjectResolver as JSONObjectScalar, UUIDResolver as UUIDScalar } from "graphql-scalars";
