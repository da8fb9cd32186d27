// The three pages of sources and of destinations (list, new, edit), shared by kind; the route
// files under app/ only pass the kind and the URL parameters.
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ConnectorKind } from '../../lib/api/api-types';
import { orNotFound } from '../../lib/api/api-client';
import { getActor, listAllActors } from '../../lib/actors';
import { getConnectorDefinition, listConnectorDefinitions } from '../../lib/connector-definitions';
import { ConnectorIcon } from '../catalog/connector-icon';
import { ActorForm } from './actor-form';
import { ActorList } from './actor-list';
import { DeleteActor } from './delete-actor';

const title = (kind: ConnectorKind) => (kind === 'source' ? 'Sources' : 'Destinations');
const collectionOf = (kind: ConnectorKind) => (kind === 'source' ? 'sources' : 'destinations');

export async function ActorListPage({ kind }: { kind: ConnectorKind }) {
  const [actors, definitions] = await Promise.all([listAllActors(kind), listConnectorDefinitions(kind)]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{title(kind)}</h1>
          <p>{kind === 'source' ? 'Where data is read from.' : 'Where synced data is written.'}</p>
        </div>
        <Link className="button primary" href={`/${collectionOf(kind)}/new`}>
          New {kind}
        </Link>
      </div>
      <ActorList kind={kind} actors={actors.sort((a, b) => a.name.localeCompare(b.name))} definitions={definitions} />
    </>
  );
}

export async function NewActorPage({ kind, definitionId }: { kind: ConnectorKind; definitionId?: string }) {
  const collection = collectionOf(kind);
  if (!definitionId) {
    const definitions = (await listConnectorDefinitions(kind)).filter((d) => d.available);
    return (
      <>
        <div className="breadcrumbs">
          <Link href={`/${collection}`}>{title(kind)}</Link> / New
        </div>
        <div className="page-head">
          <h1>New {kind}: choose a connector</h1>
        </div>
        <ul className="grid-cards" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Connectors">
          {definitions.map((d) => (
            <li key={d.id}>
              <Link className="connector-card" href={`/${collection}/new?definition=${encodeURIComponent(d.id)}`}>
                <ConnectorIcon icon={d.icon} name={d.name} large />
                <div>
                  <strong>{d.name}</strong>
                  <p>{d.description}</p>
                </div>
              </Link>
            </li>
          ))}
        </ul>
      </>
    );
  }
  const definition = await orNotFound(getConnectorDefinition(definitionId));
  if (definition.kind !== kind) notFound();
  return (
    <>
      <div className="breadcrumbs">
        <Link href={`/${collection}`}>{title(kind)}</Link> / <Link href={`/${collection}/new`}>New</Link> / {definition.name}
      </div>
      <div className="page-head">
        <div className="row" style={{ gap: 12 }}>
          <ConnectorIcon icon={definition.icon} name={definition.name} large />
          <div>
            <h1>New {definition.name} {kind}</h1>
            <p>
              Fields marked * are required. <Link href={`/catalog/${encodeURIComponent(definition.id)}`}>Connector documentation</Link>
            </p>
          </div>
        </div>
      </div>
      <ActorForm kind={kind} definition={definition} />
    </>
  );
}

export async function EditActorPage({ kind, id, testOnOpen }: { kind: ConnectorKind; id: string; testOnOpen: boolean }) {
  const collection = collectionOf(kind);
  const actor = await orNotFound(getActor(kind, id));
  const definition = await getConnectorDefinition(actor.definitionId);
  return (
    <>
      <div className="breadcrumbs">
        <Link href={`/${collection}`}>{title(kind)}</Link> / {actor.name}
      </div>
      <div className="page-head">
        <div className="row" style={{ gap: 12 }}>
          <ConnectorIcon icon={definition.icon} name={definition.name} large />
          <div>
            <h1>{actor.name}</h1>
            <p>
              {definition.name} {kind} · <Link href={`/catalog/${encodeURIComponent(definition.id)}`}>documentation</Link>
            </p>
          </div>
        </div>
        {kind === 'source' ? (
          <Link className="button" href={`/connections/new?source=${actor.id}`}>
            New connection from this source
          </Link>
        ) : null}
      </div>
      <ActorForm key={actor.id} kind={kind} definition={definition} actor={actor} testOnOpen={testOnOpen} />
      <div style={{ height: 16 }} />
      <DeleteActor kind={kind} id={actor.id} name={actor.name} />
    </>
  );
}
