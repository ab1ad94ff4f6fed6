/**
 * A test file must not leave work running: a kafkajs client still connected (or restarting after a
 * crash), an HTTP request in flight, would go on after jest tears the environment down and fail
 * the run there ("…after the Jest environment has been torn down"), far from its cause. Take a
 * baseline in beforeAll and call `expectSettled` last in afterAll: it waits (bounded) until the
 * process has no more open TCP sockets than at the baseline, and otherwise fails here, saying so.
 */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

export async function expectSettled(baseline: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (openSockets() > baseline) {
    if (Date.now() > deadline) {
      throw new Error(
        `${openSockets() - baseline} TCP socket(s) still open ${timeoutMs} ms after the last client should have stopped ` +
          `(${process.getActiveResourcesInfo().join(', ')}): something (a kafkajs consumer restarting after a crash, a producer ` +
          'connected after its disconnect, a request in flight) would outlive the test file',
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
