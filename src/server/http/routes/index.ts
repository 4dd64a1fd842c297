/**
 * @module server/http/routes
 * Every route module of the HTTP server, in registration order.
 */
import type { RouteModule } from '../http-app.js';
import { auditRoutes } from './audit.js';
import { configRoutes } from './config.js';
import { dataRoutes } from './data.js';
import { deploymentRoutes } from './deployments.js';
import { driftRoutes } from './drift.js';
import { feedbackRoutes } from './feedback.js';
import { healthRoutes } from './health.js';
import { jobRoutes } from './jobs.js';
import { modelRoutes } from './models.js';
import { monitorRoutes } from './monitors.js';
import { tokenRoutes } from './tokens.js';
import { webhookRoutes } from './webhooks.js';

export const ALL_ROUTES: readonly RouteModule[] = [
  healthRoutes,
  tokenRoutes,
  modelRoutes,
  auditRoutes,
  jobRoutes,
  webhookRoutes,
  configRoutes,
  deploymentRoutes,
  driftRoutes,
  feedbackRoutes,
  dataRoutes,
  monitorRoutes,
];
