/**
 * @module server/http/routes/config
 * The workspace configuration (admin): every key with its value in force and its source; setting
 * a key in kiln.yaml (validated, audited; applied at the next restart).
 */
import { Type } from 'typebox';
import { describeConfig, setConfigValue } from '../../../workspace/config-editor.js';
import type { RouteModule } from '../http-app.js';
import { actorOf } from './route-helpers.js';

export const configRoutes: RouteModule = (app, services) => {
  app.get(
    '/api/v1/config',
    {
      config: { minRole: 'admin' },
      schema: { tags: ['config'], summary: 'Configuration in force, with each value’s source' },
    },
    async () => ({ keys: describeConfig(services.config, services.workspaceDir, services.env) }),
  );
  app.put(
    '/api/v1/config/:key',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['config'],
        summary: 'Set a key in kiln.yaml (value as YAML text); applied when the server restarts',
        params: Type.Object({ key: Type.String({ maxLength: 128 }) }),
        body: Type.Object({ value: Type.String({ maxLength: 65536 }) }, { additionalProperties: false }),
      },
    },
    async (request) => ({
      ...(await setConfigValue(
        services.workspaceDir,
        actorOf(request),
        services.audit,
        request.params.key,
        request.body.value,
      )),
      applies: 'at the next restart of kiln serve',
    }),
  );
};
