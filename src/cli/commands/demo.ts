/**
 * @module cli/commands/demo
 * `kiln demo` (what `npm start` runs): a demo workspace in ./.kiln-demo, the bundled fraud model
 * registered and aliased `champion` (a rerun reuses it), then the server, and what to try next.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelVersion, Page } from '../../registry/registry-types.js';
import { isWorkspace } from '../../workspace/find-workspace.js';
import { callJson } from '../api-client.js';
import type { CliContext } from '../cli-context.js';
import type { CommandGroup } from './command-helpers.js';
import { portOption } from './serve.js';

export const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/fraud/', import.meta.url));

export const demoCommand: CommandGroup = (program, ctx) => {
  program
    .command('demo')
    .description('Set up ./.kiln-demo with the bundled fraud model and start the server (npm start)')
    .option('--dir <dir>', 'demo workspace folder', '.kiln-demo')
    .option('--port <port>', 'HTTP port (default 8080, or KILN_PORT)', portOption)
    .option('--grpc-port <port>', 'gRPC port (default 8081, or KILN_GRPC_PORT)', portOption)
    .option('--no-serve', 'prepare the workspace and exit')
    .action(async (o) => {
      const { initWorkspace } = await import('../../workspace/init-workspace.js');
      const { startServer, stopOnSignals } = await import('../../server/start-server.js');
      const dir = resolve(ctx.io.cwd, o.dir);
      if (!isWorkspace(dir)) {
        await initWorkspace(dir, ctx.io.env);
        ctx.io.stderr(`created demo workspace ${dir}\n`);
      }
      ctx.setOptions({ workspace: dir, json: ctx.json });
      const dataset = await ensureExampleDataset(ctx);
      ctx.io.stderr(`dataset ${dataset} (examples/fraud/pipeline.yaml, validated by examples/fraud/suite.yaml)\n`);
      const version = await ensureExampleModel(ctx, dataset);
      await ensureExampleDeployment(ctx);
      if (!o.serve) {
        ctx.print(
          { workspace: dir, model: `${version.model}@${version.version}` },
          (x) => `demo workspace ready: ${x.workspace} (${x.model})`,
        );
        return;
      }
      // The registration above opened the workspace with default settings; reopen with the flags.
      await ctx.close();
      const quiet = ctx.io.env.KILN_LOG_LEVEL ? {} : { 'log.level': 'warn' };
      const kiln = await ctx.openLocal({ 'server.port': o.port, 'server.grpc_port': o.grpcPort, ...quiet });
      const server = await startServer(kiln);
      const stopped = new Promise<void>((done) => stopOnSignals(server, done));
      ctx.io.stdout(nextSteps(server.url, dir, ctx.io.cwd, version));
      await stopped;
    });
};

/** Registers the bundled model unless a version with the same bytes is already there. */
/** Runs the example's pipeline (the version is reused when the sample and spec are unchanged). */
export async function ensureExampleDataset(ctx: CliContext): Promise<string> {
  const kiln = await ctx.openLocal();
  const r = await kiln.pipelines.run(await ctx.localActor(), {
    specPath: join(EXAMPLE_DIR, 'pipeline.yaml'),
    env: {},
  });
  return r.dataset?.ref ?? 'none';
}

export async function ensureExampleModel(ctx: CliContext, dataset?: string): Promise<ModelVersion> {
  const modelPath = join(EXAMPLE_DIR, 'model.onnx');
  const bytes = readFileSync(modelPath);
  const digest = createHash('sha256').update(bytes).digest('hex');
  const client = await ctx.client();
  const existing = await callJson<Page<ModelVersion>>(client, {
    method: 'GET',
    path: '/api/v1/model-versions',
    query: { filter: 'name = fraud AND status = READY', page_size: 1000 },
  }).catch(() => ({ items: [] as ModelVersion[] }));
  const same = existing.items.find((v) => v.digest === digest);
  if (same) {
    if (!same.aliases.includes('champion')) await setChampion(ctx, same.version);
    return same;
  }
  const upload = await callJson<{ upload_id: string }>(client, {
    method: 'POST',
    path: '/api/v1/uploads',
    body: bytes,
  });
  const features = JSON.parse(readFileSync(join(EXAMPLE_DIR, 'features.json'), 'utf8'));
  const metricsPath = join(EXAMPLE_DIR, 'metrics.json');
  const metrics = existsSync(metricsPath) ? numericOnly(JSON.parse(readFileSync(metricsPath, 'utf8'))) : {};
  const version = await callJson<ModelVersion>(client, {
    method: 'POST',
    path: '/api/v1/models/fraud/versions',
    json: {
      upload_id: upload.upload_id,
      description: 'Bundled example: MLP fraud scorer trained on synthetic card transactions',
      model_description: 'card fraud scorer',
      tags: { team: 'risk', example: 'true' },
      metrics,
      features,
      ...(dataset ? { lineage: { datasets: [dataset] } } : {}),
    },
  });
  await setChampion(ctx, version.version);
  return { ...version, aliases: ['champion'] };
}

/** The `fraud` deployment serving fraud@champion with dynamic batching (created once). */
export async function ensureExampleDeployment(ctx: CliContext): Promise<void> {
  const client = await ctx.client();
  const list = await callJson<{ deployments: { name: string }[] }>(client, {
    method: 'GET',
    path: '/api/v1/deployments',
  });
  if (list.deployments.some((d) => d.name === 'fraud')) return;
  await callJson(client, {
    method: 'POST',
    path: '/api/v1/deployments',
    json: { name: 'fraud', model: 'fraud@champion', max_batch_size: 64, max_queue_delay_microseconds: 500 },
  });
}

/** The first sample transaction's features, in schema order, for the printed curl. */
function sampleRow(): number[] {
  const [header, first] = readFileSync(join(EXAMPLE_DIR, 'sample.csv'), 'utf8').split('\n');
  const names = (header ?? '').split(',');
  const values = (first ?? '').split(',');
  const schema = JSON.parse(readFileSync(join(EXAMPLE_DIR, 'features.json'), 'utf8')) as {
    columns: { name: string }[];
  };
  return schema.columns.map((c) => Number(values[names.indexOf(c.name)]));
}

async function setChampion(ctx: CliContext, version: number): Promise<void> {
  await callJson(await ctx.client(), {
    method: 'PUT',
    path: '/api/v1/models/fraud/aliases/champion',
    json: { version },
  });
}

function numericOnly(obj: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(obj).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)),
  ) as Record<string, number>;
}

function nextSteps(url: string, dir: string, cwd: string, v: ModelVersion): string {
  const rel = relative(cwd, dir) || '.';
  const creds = `${rel}/.kiln/credentials`;
  const row = sampleRow();
  return `
Kiln is running on ${url}  (Ctrl-C stops it)
  workspace: ${dir}
  data:      ${v.lineage?.datasets?.[0] ?? 'fraud_transactions'} (pipeline examples/fraud/pipeline.yaml, suite examples/fraud/suite.yaml)
  model:     fraud@${v.version} (alias champion), deployed as "fraud" with dynamic batching, ${v.signature?.inputs.map((i) => `${i.name} ${i.datatype}[${i.shape.join(',')}]`).join(', ')}

Try next, in another terminal:
  export KILN_HOME=${rel}
  npx kiln data show fraud_transactions
  npx kiln data profile fraud_transactions --html profile.html
  npx kiln pipeline runs
  npx kiln models list
  npx kiln models show fraud@champion
  npx kiln models card fraud ${v.version}
  npx kiln audit log
  npx kiln audit verify
  TOKEN=$(node -p 'JSON.parse(require("fs").readFileSync("${creds}")).token')
  curl -s -H "Authorization: Bearer $TOKEN" ${url}/v2/models/fraud/infer \\
    -d '{"inputs":[{"name":"features","shape":[1,${row.length}],"datatype":"FP32","data":${JSON.stringify(row)}}]}'
  curl -s -H "Authorization: Bearer $TOKEN" ${url}/api/v1/models/fraud
  curl -s -H "Authorization: Bearer $TOKEN" ${url}/metrics | grep kiln_inference
  open ${url}/api/docs for the API reference
`;
}
