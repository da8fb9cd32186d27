// The faker's per-stream state, `{ "updated_at": "<ISO date-time>", "id": <n> }`: the cursor and
// id of the last record a checkpoint covers. Reading resumes strictly after it, whether the state
// comes from the previous sync (incremental) or from an interrupted attempt of this one (resumed
// full refresh): both mean "these records are already delivered".
import { ConfigError } from '@tributary/connector-sdk';
import { type JsonObject, type StateMessage, type StreamDescriptor, streamKey } from '@tributary/protocol';
import type { FakerStream } from './faker.stream';

/** The stream_state of the last STREAM state for `descriptor` among `states`, if any. */
export function findStreamState(states: StateMessage[], descriptor: StreamDescriptor): JsonObject | undefined {
  const key = streamKey(descriptor);
  const matching = states.filter(
    (message) => (message.state.type ?? 'STREAM') === 'STREAM' && message.state.stream && streamKey(message.state.stream.stream_descriptor) === key,
  );
  return matching.at(-1)?.state.stream?.stream_state;
}

/**
 * Id of the last record `state` covers (0 for none): the read continues at the next id. When both
 * fields are present the later position wins, so no record at or before either is sent again; a
 * state holding only updated_at (written by hand, say) is honoured too.
 */
export function resumeAfter(stream: FakerStream, state: JsonObject | undefined): number {
  if (!state) return 0;
  const name = stream.definition.name;
  let after = 0;
  if (state.id !== undefined) {
    if (typeof state.id !== 'number' || !Number.isSafeInteger(state.id) || state.id < 0) {
      throw new ConfigError(`The saved state of stream "${name}" has an invalid id ${JSON.stringify(state.id)}; reset the stream's state.`);
    }
    after = state.id;
  }
  if (state.updated_at !== undefined) {
    const cursor = typeof state.updated_at === 'string' ? Date.parse(state.updated_at) : Number.NaN;
    if (Number.isNaN(cursor)) {
      throw new ConfigError(`The saved state of stream "${name}" has an invalid updated_at ${JSON.stringify(state.updated_at)}; reset the stream's state.`);
    }
    after = Math.max(after, lastIdAtOrBefore(stream, cursor));
  }
  return after;
}

/** The largest id whose updated_at ≤ cursor, or 0: a binary search, since updated_at grows with id. */
function lastIdAtOrBefore(stream: FakerStream, cursor: number): number {
  let low = 0;
  let high = stream.size;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (stream.updatedAt(middle) <= cursor) low = middle;
    else high = middle - 1;
  }
  return low;
}

export function streamStateMessage(descriptor: StreamDescriptor, streamState: JsonObject, recordCount: number): StateMessage {
  return {
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: streamState }, sourceStats: { recordCount } },
  };
}
