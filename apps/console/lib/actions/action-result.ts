// What a server action answers a form: success with a value, or the API's message and per-field
// issues (never a thrown error, which production builds would hide behind a digest).
import { ApiRequestError, ApiUnreachableError } from '../api/api-client';

export type ActionResult<T = undefined> =
  | { ok: true; value: T }
  | { ok: false; message: string; issues: { field: string; message: string }[]; status?: number; body?: Record<string, unknown> };

export async function attempt<T>(run: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof ApiRequestError) return { ok: false, message: error.message, issues: error.issues, status: error.status, body: error.body };
    if (error instanceof ApiUnreachableError) return { ok: false, message: error.message, issues: [] };
    // redirect() and notFound() travel as errors: let Next handle them.
    throw error;
  }
}
