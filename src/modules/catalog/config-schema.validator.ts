// The catalog providers' configData schemas, compiled once at start-up (Ajv, draft 2020-12) and checked on every
// write that carries configData (SPEC.md §10.3). Strict mode: a typo in config-schemas.json (an unknown keyword,
// a wrong type) stops the start-up instead of silently checking nothing.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { JsonObject, ProviderType } from "../../domain/provider.js";
import type { Problems } from "../../domain/validation.js";
import type { ProviderInfo } from "./catalog.model.js";
import { schemaProblems } from "./config-schema.errors.js";
import { SECRET_KEYWORD } from "./config-schema.js";
import { SecretFields } from "./secret-fields.js";

const keyOf = (providerType: ProviderType, providerName: string): string => `${providerType}/${providerName}`;

export class ConfigSchemaValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    providers: readonly ProviderInfo[],
    private readonly secretFields = new SecretFields(providers),
  ) {
    // verbose: the errors carry their schema (a pattern's description becomes the message); their `data` is never read.
    const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
    ajv.addKeyword({ keyword: SECRET_KEYWORD, schemaType: "boolean" });
    // Providers whose schemas differ only in their title share one compiled function (most types have one or a few).
    const compiled = new Map<string, ValidateFunction>();
    for (const provider of providers) {
      const { title: _title, ...rules } = provider.configSchema;
      const text = JSON.stringify(rules);
      try {
        const validate = compiled.get(text) ?? ajv.compile(provider.configSchema);
        compiled.set(text, validate);
        this.validators.set(keyOf(provider.providerType, provider.id), validate);
      } catch (error) {
        throw new Error(`Invalid configData schema of ${provider.providerType} ${provider.id}: ${(error as Error).message}`);
      }
    }
  }

  /**
   * Adds a problem per invalid field under `field` (e.g. `configs[2].configData`). Names outside the catalog accept
   * any object. A secret field given as null is not a value but its removal (secret-data.ts): it is not checked.
   */
  check(problems: Problems, providerType: ProviderType, providerName: string, configData: JsonObject, field: string): void {
    const validate = this.validators.get(keyOf(providerType, providerName));
    if (!validate) return;
    const removed = this.secretFields.of(providerType, providerName).filter((name) => configData[name] === null);
    const data =
      removed.length === 0 ? configData : Object.fromEntries(Object.entries(configData).filter(([name]) => !removed.includes(name)));
    if (validate(data)) return;
    for (const problem of schemaProblems(validate.errors ?? [], field)) problems.add(problem.path, problem.message);
  }
}
