/**
 * @module server/http/routes/inference-access
 * Who may call a deployment's inference route: anyone when the deployment is public, else a
 * `predictor` token. An unknown deployment needs `predictor` too, so that its 404 is only told to
 * callers with a token. Shared by the Fastify route and the raw fast path.
 */
import type { Role } from '../../../govern/auth/roles.js';
import type { DataPlane } from '../../../serve/data-plane.js';

export function inferenceAccess(dataPlane: DataPlane, name: string | undefined): Role | 'open' {
  if (!name) return 'predictor';
  try {
    return dataPlane.served(name).public ? 'open' : 'predictor';
  } catch {
    return 'predictor';
  }
}
