/**
 * What integration tests use to reach the servers. The global setup puts KAFKA_BROKERS and
 * SCHEMA_REGISTRY_URL into process.env (from the user's environment or the local stack it
 * started); CONTRACTS_STACK_LOCAL=1 says the servers are the local stack, which tests may restart.
 */
export interface TestStackEnv {
  /** kafkajs `brokers`, e.g. `['127.0.0.1:9092']`. */
  brokers: string[];
  /** Confluent-compatible API base URL, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`. */
  registryUrl: string;
  /** True when the servers are this project's local stack (`contracts stack`), not external ones. */
  local: boolean;
}

export function stackEnv(): TestStackEnv {
  const brokers = process.env.KAFKA_BROKERS?.trim();
  const registryUrl = process.env.SCHEMA_REGISTRY_URL?.trim();
  const missing = [!brokers && 'KAFKA_BROKERS', !registryUrl && 'SCHEMA_REGISTRY_URL'].filter(Boolean);
  if (!brokers || !registryUrl) {
    throw new Error(
      `${missing.join(' and ')} not set: integration tests run through the jest "integration" project, ` +
        'whose global setup (test/support/global-setup.ts) starts the local stack or takes both from the environment',
    );
  }
  return {
    brokers: brokers
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    registryUrl: registryUrl.replace(/\/+$/, ''),
    local: process.env.CONTRACTS_STACK_LOCAL === '1',
  };
}

/** An environment variable a child process was started with; an error naming it when it was not. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
