import { isIdentityMapping, mapStreamDescriptor, type StreamMapping } from './stream-mapper';

const users = { name: 'users', namespace: 'public' };
const events = { name: 'events' };

describe('mapStreamDescriptor', () => {
  it('keeps the source namespace and adds the prefix', () => {
    const mapping: StreamMapping = { namespace: { type: 'source' }, prefix: 'raw_' };
    expect(mapStreamDescriptor(users, mapping)).toEqual({ name: 'raw_users', namespace: 'public' });
    expect(mapStreamDescriptor(events, mapping)).toEqual({ name: 'raw_events' });
  });

  it("drops the namespace for the destination's default", () => {
    expect(mapStreamDescriptor(users, { namespace: { type: 'destination' }, prefix: '' })).toEqual({ name: 'users' });
  });

  it('fills every ${SOURCE_NAMESPACE} of a custom format', () => {
    const mapping: StreamMapping = { namespace: { type: 'custom', format: 'lake_${SOURCE_NAMESPACE}_${SOURCE_NAMESPACE}' }, prefix: 'x_' };
    expect(mapStreamDescriptor(users, mapping)).toEqual({ name: 'x_users', namespace: 'lake_public_public' });
  });

  it('uses a custom format without placeholder as a fixed namespace', () => {
    expect(mapStreamDescriptor(users, { namespace: { type: 'custom', format: 'warehouse' }, prefix: '' })).toEqual({ name: 'users', namespace: 'warehouse' });
  });

  it('trims the custom namespace and leaves it out when nothing remains', () => {
    const mapping: StreamMapping = { namespace: { type: 'custom', format: ' ${SOURCE_NAMESPACE} ' }, prefix: '' };
    expect(mapStreamDescriptor(users, mapping)).toEqual({ name: 'users', namespace: 'public' });
    expect(mapStreamDescriptor(events, mapping)).toEqual({ name: 'events' });
  });
});

describe('isIdentityMapping', () => {
  it('is true only for the source namespace without prefix', () => {
    expect(isIdentityMapping({ namespace: { type: 'source' }, prefix: '' })).toBe(true);
    expect(isIdentityMapping({ namespace: { type: 'source' }, prefix: 'raw_' })).toBe(false);
    expect(isIdentityMapping({ namespace: { type: 'destination' }, prefix: '' })).toBe(false);
    expect(isIdentityMapping({ namespace: { type: 'custom', format: '${SOURCE_NAMESPACE}' }, prefix: '' })).toBe(false);
  });
});
