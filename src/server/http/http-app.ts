/**
 * @module server/http/http-app
 * Builds the Fastify application: TypeBox schemas, OpenAPI at `/api/docs` (JSON at
 * `/api/docs/json`), one error handler that turns KilnErrors into `{code, message, details}`, and
 * the access check that runs before every route. Route files register themselves through
 * {@link RouteModule}s; each route declares its minimum role in `config.minRole`, or `open`.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RawServerDefault,
} from 'fastify';
import { httpStatusOf, isKilnError, KilnError } from '../../core/errors.js';
import type { Actor, Role } from '../../govern/auth/roles.js';
import { roleAtLeast } from '../../govern/auth/roles.js';
import type { KilnServices } from '../services.js';
import { kilnClientErrorHandler } from './client-error.js';

export type KilnHttpApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** `open`: no token needed. A function decides per request (e.g. public deployments). */
export type RouteAccess =
  | Role
  | 'open'
  | ((request: FastifyRequest) => Promise<Role | 'open'> | Role | 'open');

declare module 'fastify' {
  interface FastifyContextConfig {
    minRole?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** A group of routes; each route file exports one. */
export type RouteModule = (app: KilnHttpApp, services: KilnServices) => void | Promise<void>;

export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly minRole: RouteAccess | undefined;
}

/**
 * A handler that may answer a request before Fastify sees it (true: answered). Only for the
 * data plane's hot route, where the framework's per-request work is a large share of the cost;
 * such a handler must keep the route's contract (access, limits, error shape) itself.
 */
export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface BuildHttpAppOptions {
  readonly services: KilnServices;
  readonly routes: readonly RouteModule[];
  readonly logger?: FastifyBaseLogger | false;
  /** Tried in order on every request of the listening server (not on `inject`). */
  readonly fastPaths?: readonly FastPath[];
}

/** Fastify's default keep-alive timeout, kept when Kiln creates the server itself. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export interface BuiltHttpApp {
  readonly app: KilnHttpApp;
  /** Every route registered, with its access rule (the route-table test walks it). */
  readonly routes: readonly RouteInfo[];
}

export async function buildHttpApp(options: BuildHttpAppOptions): Promise<BuiltHttpApp> {
  const { services } = options;
  const bodyLimit = services.config.server.body_limit_bytes;
  const fastPaths = options.fastPaths ?? [];
  const app = Fastify({
    ...(fastPaths.length > 0
      ? {
          serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
            const server = createServer((req, res) => {
              for (const fast of fastPaths) if (fast(req, res)) return;
              handler(req, res);
            });
            server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
            return server;
          },
        }
      : {}),
    loggerInstance: options.logger === false ? undefined : options.logger,
    logger: options.logger === false ? false : undefined,
    // One log line per request costs a synchronous write on the hot path (a tenth of inference
    // throughput when measured); access lines are written only at debug and trace.
    logController: new LogController({
      disableRequestLogging:
        options.logger === false ||
        options.logger === undefined ||
        !['debug', 'trace'].includes(options.logger.level),
    }),
    bodyLimit,
    clientErrorHandler: kilnClientErrorHandler,
    // Names may be 128 characters; longer segments must reach the handlers to be refused as
    // INVALID_NAME, not by the router with a body outside the error catalogue.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: (error, request, reply) => {
      sendError(error, request, reply, bodyLimit);
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    // The API documentation is open to read, like the health routes.
    if (r.url.startsWith('/api/docs')) r.config = { ...(r.config ?? {}), minRole: 'open' };
  });
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods) {
      if (m === 'HEAD') continue;
      routes.push({ method: m, url: r.url, minRole: r.config?.minRole });
    }
  });

  // Uploads stream straight to disk; their size limit is enforced while streaming.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    // No route matched: the not-found handler answers 404 to anyone; there is nothing to protect.
    if (request.is404) return;
    const access = request.routeOptions.config?.minRole;
    const need = typeof access === 'function' ? await access(request) : access;
    if (need === 'open') return;
    // A route that forgot to declare its access is closed to all but admins, never open.
    const required: Role = need ?? 'admin';
    const actor = await authenticateHeader(request.headers.authorization, (t) =>
      services.tokens.authenticate(t),
    );
    checkRole(actor, required, `${request.method} ${request.routeOptions.url}`);
    request.actor = actor;
  });

  app.setErrorHandler((error: FastifyError | KilnError, request, reply) =>
    sendError(error, request, reply, bodyLimit),
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(new KilnError('NOT_FOUND', `no route for ${request.method} ${request.url}`), request, reply),
  );

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Kiln API',
        version: '1',
        description: 'Control plane (/api/v1) and data plane (/v2, Open Inference Protocol) of Kiln.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Kiln API token' } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list' },
    uiHooks: {},
    staticCSP: true,
  });

  for (const register of options.routes) await register(app, services);
  await app.ready();
  return { app, routes };
}

/**
 * The actor of an `Authorization: Bearer <token>` header.
 * @throws KilnError UNAUTHENTICATED when the header is missing or malformed, or the token unknown.
 */
export async function authenticateHeader(
  header: string | undefined,
  authenticate: (token: string) => Promise<Actor>,
): Promise<Actor> {
  if (!header) {
    throw new KilnError('UNAUTHENTICATED', 'this route needs a token: send "Authorization: Bearer <token>"');
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new KilnError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
  return authenticate(m[1]!);
}

/** @throws KilnError PERMISSION_DENIED when the actor's role is below `required` for `route` ("POST /…"). */
export function checkRole(actor: Actor, required: Role, route: string): void {
  if (!roleAtLeast(actor.role, required)) {
    throw new KilnError(
      'PERMISSION_DENIED',
      `${route} needs the ${required} role; token "${actor.name}" has ${actor.role}`,
      { required, role: actor.role },
    );
  }
}

function sendError(
  error: FastifyError | KilnError,
  request: FastifyRequest,
  reply: FastifyReply,
  bodyLimit?: number,
): FastifyReply {
  const kiln = toHttpKilnError(error, bodyLimit);
  const status = httpStatusOf(kiln.code);
  if (status >= 500 && status !== 503) request.log.error({ err: error, code: kiln.code }, 'request failed');
  const retryAfter = kiln.details.retryAfterSeconds;
  if (status === 503)
    reply.header(
      'retry-after',
      String(typeof retryAfter === 'number' ? Math.max(1, Math.ceil(retryAfter)) : 1),
    );
  // The data plane speaks the Open Inference Protocol's error shape.
  if (request.url.startsWith('/v2')) {
    return reply.status(status).send({ error: kiln.message, code: kiln.code });
  }
  return reply.status(status).send(kiln.toJSON());
}

/** PAYLOAD_TOO_LARGE for a request body over `server.body_limit_bytes` (Fastify's route and the fast path). */
export function bodyTooLarge(limitBytes: number): KilnError {
  return new KilnError(
    'PAYLOAD_TOO_LARGE',
    `the request body is over the limit of ${limitBytes} bytes (server.body_limit_bytes)`,
    { limitBytes },
  );
}

/** Maps Fastify's own errors (validation, body size, bad JSON) onto the catalogue. */
export function toHttpKilnError(error: FastifyError | KilnError | Error, bodyLimit?: number): KilnError {
  if (isKilnError(error)) return error;
  const fe = error as FastifyError;
  if (fe.validation) {
    const v = fe.validation[0];
    const where = `${fe.validationContext ?? 'body'}${v?.instancePath ? v.instancePath.replaceAll('/', '.') : ''}`;
    const extra = v?.params && 'missingProperty' in v.params ? `.${String(v.params.missingProperty)}` : '';
    const additional =
      v?.params && 'additionalProperty' in v.params ? ` ("${String(v.params.additionalProperty)}")` : '';
    return new KilnError('INVALID_ARGUMENT', `${where}${extra}: ${v?.message ?? 'invalid'}${additional}`, {
      field: `${where}${extra}`,
    });
  }
  switch (fe.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
    case 'FST_ERR_BAD_URL':
      return new KilnError('INVALID_ARGUMENT', fe.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyLimit === undefined
        ? new KilnError('PAYLOAD_TOO_LARGE', fe.message)
        : bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new KilnError('INVALID_JSON', `the body is not valid JSON: ${fe.message}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new KilnError('INVALID_ARGUMENT', fe.message);
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new KilnError(fe.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT', fe.message);
  }
  return new KilnError('INTERNAL', 'internal error; see the server log', {});
}
