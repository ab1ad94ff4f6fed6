/**
 * An optional SASL/PLAIN listener on the local Kafka nodes, for tests of authenticated clients.
 *
 * Each node then has a third listener, `SASL_PLAINTEXT://127.0.0.1:<saslPort>`, that accepts only
 * the given users. The PLAINTEXT listener stays: the controllers and brokers talk over it and the
 * stack's readiness probe uses it, so clients that test authentication must use the SASL ports
 * (`saslBrokers()`). Ports: brokers first, then controllers, then the SASL listeners.
 */
import { StackError } from '../errors';

export interface SaslPlainOptions {
  /** username → password the brokers accept. */
  users: Record<string, string>;
}

/** Characters allowed in users and passwords: they go into a JAAS line inside a properties file. */
const SAFE = /^[A-Za-z0-9._~+-]+$/;

/** The SASL port of node `nodeId` (1-based) in a cluster of `brokers` nodes. */
export function saslPort(kafkaPort: number, brokers: number, nodeId: number): number {
  return kafkaPort + 2 * brokers + (nodeId - 1);
}

/** `host:port` of every node's SASL listener, for kafkajs `brokers`. */
export function saslBrokers(kafkaPort: number, brokers: number): string[] {
  return Array.from({ length: brokers }, (_, index) => `127.0.0.1:${saslPort(kafkaPort, brokers, index + 1)}`);
}

/** server.properties entries that add the SASL listener to a node (they replace the listener keys). */
export function saslListenerProperties(
  node: { port: number; controllerPort: number; saslPort: number },
  sasl: SaslPlainOptions,
): Record<string, string> {
  const users = Object.entries(sasl.users);
  if (users.length === 0)
    throw new StackError('the SASL listener needs at least one user', {
      hint: 'pass saslPlain: { users: { name: password } }',
    });
  for (const [user, password] of users) {
    if (!SAFE.test(user) || !SAFE.test(password)) {
      throw new StackError(`the SASL user "${user}" or its password has characters the broker config cannot hold`, {
        hint: 'use letters, digits and . _ ~ + - in SASL users and passwords of the local stack',
      });
    }
  }
  return {
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort},SASL_PLAINTEXT://127.0.0.1:${node.saslPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port},SASL_PLAINTEXT://127.0.0.1:${node.saslPort}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config':
      'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
      users.map(([user, password]) => `user_${user}="${password}"`).join(' ') +
      ';',
  };
}
