/**
 * "Really serves" checks: a Kafka metadata request through kafkajs (the client the kit uses) and
 * `GET <ccompat>/subjects` on the registry.
 */
import { Kafka, logLevel } from 'kafkajs';

/** Node IDs of the brokers the cluster reports, or undefined when no broker answers. */
export async function describeKafkaBrokers(brokers: string[], timeoutMs = 3_000): Promise<number[] | undefined> {
  const kafka = new Kafka({
    clientId: 'contracts-stack-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 2_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  const connecting = admin.connect();
  try {
    await withTimeout(connecting, timeoutMs);
    const cluster = await withTimeout(admin.describeCluster(), timeoutMs);
    return cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } catch {
    return undefined;
  } finally {
    // a connect that outlived the timeout would otherwise finish after the disconnect and stay open
    // (bounded: connectionTimeout + requestTimeout, no retries)
    await connecting.catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

export async function registryServes(url: string, timeoutMs = 3_000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
