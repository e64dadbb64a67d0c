// Registers the shared enumerations with type-graphql (names as in contract.graphql).
import { registerEnumType } from "type-graphql";
import { ChangeType, ProviderPriority, ProviderType } from "../domain/provider.js";

registerEnumType(ProviderType, { name: "ProviderType" });
registerEnumType(ProviderPriority, { name: "ProviderPriority" });
registerEnumType(ChangeType, { name: "ChangeType" });

export { ChangeType, ProviderPriority, ProviderType };
