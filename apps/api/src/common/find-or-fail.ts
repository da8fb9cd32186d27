// Loading a resource by id: an id that is not a UUID is simply a resource that does not exist.
import type { FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';
import { ApiException } from './api.exception';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

export async function findOrFail<T extends ObjectLiteral>(repository: Repository<T>, what: string, id: string, where: FindOptionsWhere<T> = {}): Promise<T> {
  const found = isUuid(id) ? await repository.findOne({ where: { ...where, id } as FindOptionsWhere<T> }) : null;
  if (!found) throw ApiException.notFound(what, id);
  return found;
}
