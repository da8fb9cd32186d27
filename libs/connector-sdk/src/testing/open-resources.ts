// Leak detection: what a connector leaves running after an operation — sockets, server handles,
// child processes, timers — measured with process.getActiveResourcesInfo(), the same list that
// keeps Node alive. Resources can take a moment to go once closed (a peer's FIN, a child's exit),
// so the check waits for them to settle before it reports a leak.
const IGNORED = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'FSReqPromise', 'Immediate', 'TickObject', 'CloseReq']);

/** Counts of active resources by type (sockets `TCPSocketWrap`, processes `ProcessWrap`, `Timeout`, ...). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (!IGNORED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** Types whose count grew since `before`, with how many more there are. */
export function resourcesAddedSince(before: Map<string, number>): Record<string, number> {
  const added: Record<string, number> = {};
  for (const [type, count] of activeResources()) {
    const extra = count - (before.get(type) ?? 0);
    if (extra > 0) added[type] = extra;
  }
  return added;
}

/**
 * Waits up to `timeoutMs` for every resource opened since `before` to go away; resolves with those
 * still there (empty when none leaked).
 */
export async function leakedResourcesSince(before: Map<string, number>, timeoutMs = 2000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Let pending closes, exits and FINs be processed before looking.
    await new Promise((resolve) => setImmediate(resolve));
    const added = resourcesAddedSince(before);
    if (Object.keys(added).length === 0 || Date.now() >= deadline) return added;
    // A referenced timer: outside Jest nothing else may hold the event loop open while we wait.
    // It has fired (and is gone) by the time resources are counted again.
    await new Promise<void>((resolve) => setTimeout(resolve, 25));
  }
}
