// Registers Budget with type-graphql; GraphQL files import it from here so registration always happens first.
import { registerEnumType } from "type-graphql";
import { Budget } from "./budget.model.js";

registerEnumType(Budget, { name: "Budget" });

export { Budget };
