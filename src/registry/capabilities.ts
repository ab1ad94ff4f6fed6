/**
 * What a Confluent-compatible registry can do, learnt from its answers.
 *
 * Confluent Schema Registry, Apicurio's ccompat API and Karapace answer the same core routes, but
 * not every optional one: Karapace has no `POST /compatibility/subjects/{s}/versions` (it answers
 * 404 without a Confluent error code), Apicurio 3.0 cannot test schemas with references (422 for
 * Avro, 500 `MalformedURLException` for JSON Schema `$ref`), Karapace refuses JSON Schema
 * references (422, 44302). The client never guesses from a product name: it tries the route once,
 * and a refusal that means "this registry has no such feature" switches the route to its fallback
 * for the rest of the client's life. Any other failure (the subject is missing, the server is
 * down) stays an error.
 */
import { RegistryError } from '../errors';
import { DEFAULT_SCHEMA_TYPE, findFormat } from '../formats';
import { REGISTRY_ERROR_CODES } from './error-codes';

/** The optional routes and features the kit learns about. */
export const REGISTRY_FEATURES = {
  'compatibility-all-versions': {
    route: 'POST /compatibility/subjects/{s}/versions',
    fallback: 'one POST /compatibility/subjects/{s}/versions/{v} per version',
  },
  'compatibility-avro-references': {
    route: 'POST /compatibility/subjects/{s}/versions/{v} (Avro schema with references)',
    fallback: "the kit's offline checker against the registry's versions (verdict labelled offline)",
  },
  'compatibility-json-references': {
    route: 'POST /compatibility/subjects/{s}/versions/{v} (JSON Schema with $refs)',
    fallback: "the kit's offline checker against the registry's versions (verdict labelled offline)",
  },
  'compatibility-protobuf-references': {
    route: 'POST /compatibility/subjects/{s}/versions/{v} (Protobuf schema with imports)',
    fallback: "the kit's offline checker against the registry's versions (verdict labelled offline)",
  },
  'json-schema-references': {
    route: 'POST /subjects/{s}/versions (JSON Schema with references)',
    fallback: 'register the bundled, self-contained schema (jsonReferences: "bundle")',
  },
  'subject-level-unset': {
    route: 'GET /config/{s} (subject without a level of its own)',
    fallback: 'GET /config/{s}?defaultToGlobal=true tells "NONE" (no subject level) from a subject-level NONE',
  },
} as const;

export type RegistryFeature = keyof typeof REGISTRY_FEATURES;

/** The feature a compatibility test of a schema with references needs (its format says which). */
export function referencesFeature(schemaType: string): RegistryFeature {
  const format = findFormat(schemaType) ?? findFormat(DEFAULT_SCHEMA_TYPE)!;
  return asFeature(format.registry.referenceFeatures.test);
}

/**
 * The feature registering a schema with references needs, when registries may lack it for its
 * format (JSON Schema `$ref`s on Karapace); undefined when every registry accepts them.
 */
export function registerReferencesFeature(schemaType: string): RegistryFeature | undefined {
  const feature = findFormat(schemaType)?.registry.referenceFeatures.register;
  return feature === undefined ? undefined : asFeature(feature);
}

function asFeature(name: string): RegistryFeature {
  if (!(name in REGISTRY_FEATURES))
    throw new Error(`internal: a schema format names an unknown registry feature ${name}`);
  return name as RegistryFeature;
}

export type FeatureState =
  | { state: 'unknown' }
  | { state: 'supported' }
  /** The registry answered `status` (with `registryCode`, if any): the kit uses the fallback. */
  | { state: 'fallback'; status: number; registryCode?: number; message: string };

export interface CapabilityRow {
  feature: RegistryFeature;
  route: string;
  state: FeatureState['state'];
  fallback?: string;
  evidence?: string;
}

/** What one registry answered so far, feature by feature. */
export class RegistryCapabilities {
  private readonly states = new Map<RegistryFeature, FeatureState>();

  get(feature: RegistryFeature): FeatureState {
    return this.states.get(feature) ?? { state: 'unknown' };
  }

  usesFallback(feature: RegistryFeature): boolean {
    return this.get(feature).state === 'fallback';
  }

  supported(feature: RegistryFeature): void {
    if (this.get(feature).state === 'unknown') this.states.set(feature, { state: 'supported' });
  }

  fallback(feature: RegistryFeature, error: RegistryError): void {
    this.states.set(feature, {
      state: 'fallback',
      status: error.status ?? 0,
      ...(error.registryCode !== undefined ? { registryCode: error.registryCode } : {}),
      message: error.message,
    });
  }

  /** One row per feature, for `--format json` reports and the README's table. */
  table(): CapabilityRow[] {
    return (Object.keys(REGISTRY_FEATURES) as RegistryFeature[]).map((feature) => {
      const state = this.get(feature);
      const row: CapabilityRow = { feature, route: REGISTRY_FEATURES[feature].route, state: state.state };
      if (state.state === 'fallback') {
        row.fallback = REGISTRY_FEATURES[feature].fallback;
        row.evidence = `${state.status}${state.registryCode !== undefined ? ` (${state.registryCode})` : ''}`;
      }
      return row;
    });
  }
}

const NOT_FOUND_CODES: ReadonlySet<number> = new Set([
  REGISTRY_ERROR_CODES.SUBJECT_NOT_FOUND,
  REGISTRY_ERROR_CODES.VERSION_NOT_FOUND,
  REGISTRY_ERROR_CODES.SCHEMA_NOT_FOUND,
]);

/**
 * The route itself is missing: 405, or a 404 that is not Confluent's "subject / version / schema
 * not found" (Karapace answers an unknown route with 404 and the body "Not Found").
 */
export function isMissingRoute(error: unknown): error is RegistryError {
  if (!(error instanceof RegistryError)) return false;
  if (error.status === 405) return true;
  return error.status === 404 && (error.registryCode === undefined || !NOT_FOUND_CODES.has(error.registryCode));
}

/**
 * The registry cannot test this schema, though it would register it: Apicurio 3.0 answers 422
 * ("invalid schema") for Avro schemas with references and 500 (`MalformedURLException`, error
 * code 0) for JSON Schema `$ref`s. Only said of schemas that have references: for a schema
 * without any, a 422 is the registry's real "invalid schema" and a 500 a real server failure.
 */
export function cannotTestWithReferences(error: unknown, hasReferences: boolean): error is RegistryError {
  if (!hasReferences || !(error instanceof RegistryError)) return false;
  if (error.status === 422) return error.registryCode !== REGISTRY_ERROR_CODES.INVALID_VERSION;
  return error.status === 500 && /MalformedURLException|no protocol|reference/i.test(error.message);
}

/** Karapace's "JSON Schema references are not supported" (422, 44302), and any 422 naming references. */
export function refusesJsonReferences(error: unknown): error is RegistryError {
  if (!(error instanceof RegistryError) || error.status !== 422) return false;
  return error.registryCode === 44302 || /reference/i.test(error.message);
}

/**
 * The registry's refusal of a JSON Schema with references, with the fix: register bundled,
 * self-contained schemas instead (the topic option `jsonReferences: "bundle"`).
 */
export function jsonReferencesRefused(error: RegistryError, subject: string, where: string): RegistryError {
  return new RegistryError(
    error.url,
    error.status,
    error.registryCode,
    `${error.message} (registering ${subject} from ${where})`,
    {
      cause: error,
      hint: 'this registry has no JSON Schema references: set "jsonReferences": "bundle" on the topic in contracts.config.json and run `contracts generate`, so each event is registered as one self-contained schema',
    },
  );
}
