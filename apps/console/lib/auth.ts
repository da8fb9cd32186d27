// Whether an API token is accepted, asked of the API with that token.
import { ApiUnreachableError, createApiClient, numericQuery } from './api/api-client';

export type TokenCheck = { valid: true } | { valid: false; reason: string };

export async function verifyApiToken(token: string): Promise<TokenCheck> {
  try {
    const { response } = await createApiClient(token).GET('/api/v1/sources', { params: { query: numericQuery({ limit: 1 }) } });
    if (response.ok) return { valid: true };
    if (response.status === 401) return { valid: false, reason: 'The API did not accept this token.' };
    return { valid: false, reason: `The API answered ${response.status}; try again.` };
  } catch (error) {
    if (error instanceof ApiUnreachableError) return { valid: false, reason: error.message };
    throw error;
  }
}
