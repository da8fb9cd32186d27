// Consuming an input until a signal aborts. A plain `for await` only notices an abort between
// batches, so a source that hangs would hold the destination (and its open files) forever; racing
// each next() against the signal lets the destination stop at once and release its resources.

/** Yields `source`'s items; rejects with the abort reason as soon as `signal` aborts. */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  signal.throwIfAborted();
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await nextOrAbort(iterator, signal);
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Let the source release what it holds. Not awaited: a source stuck in next() would only
    // answer return() after that next() settles.
    if (!finished) iterator.return?.().catch(() => undefined);
  }
}

/**
 * One listener per call, removed when next() settles. (Racing every next() against one shared
 * "aborted" promise would leak: each race leaves a reaction on it that keeps its batch alive.)
 */
function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator
      .next()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
