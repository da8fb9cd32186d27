import { connectorNames } from './connector-name';
import { ScaffoldException } from './scaffold.exception';

describe('connectorNames', () => {
  it('derives the id, kind, file stem, class and display names', () => {
    expect(connectorNames('source-acme-crm2')).toEqual({ id: 'source-acme-crm2', kind: 'source', stem: 'acme-crm2', pascal: 'AcmeCrm2', title: 'Acme Crm2' });
    expect(connectorNames('destination-lake', 'destination')).toMatchObject({ kind: 'destination', stem: 'lake', pascal: 'Lake' });
    expect(connectorNames('source-9lives')).toMatchObject({ stem: '9lives', pascal: '9lives' });
  });

  it.each([
    ['acme', undefined, 'must start with "source-" or "destination-" (e.g. source-acme)'],
    ['AcmeCrm', 'source', 'try "source-acme-crm"'],
    ['source_acme', undefined, '(e.g. source-acme)'],
    ['destination-x', 'source', 'must start with "source-"'],
    ['source-', undefined, 'kebab-case'],
    ['source-Acme', undefined, 'kebab-case'],
    ['source--acme', undefined, 'kebab-case'],
    ['source-acme-', undefined, 'kebab-case'],
    [`source-${'a'.repeat(60)}`, undefined, 'longer than 64'],
  ] as const)('rejects %s (kind %s)', (name, kind, message) => {
    expect(() => connectorNames(name, kind)).toThrow(ScaffoldException);
    expect(() => connectorNames(name, kind)).toThrow(message);
  });
});
