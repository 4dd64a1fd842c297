/**
 * @module cli/commands/models
 * `kiln models …`: register, list, search, show, versions, alias, unalias, card, download, delete.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { invalid, KilnError } from '../../core/errors.js';
import { parseModelRef } from '../../core/names.js';
import type { ModelVersion, Page, RegisteredModel } from '../../registry/registry-types.js';
import { callJson, callRaw } from '../api-client.js';
import type { CliContext } from '../cli-context.js';
import { formatFields, formatTable } from '../format.js';
import { type CommandGroup, collect, keyValues } from './command-helpers.js';

export const modelsCommands: CommandGroup = (program, ctx) => {
  const models = program.command('models').description('Model registry: models, versions, aliases, cards');

  models
    .command('register')
    .description('Register an ONNX file as a new version of a model (created if needed)')
    .argument('<name>', 'model name')
    .argument('<file>', 'path to the .onnx file')
    .option('--description <text>', 'description of this version')
    .option('--model-description <text>', 'description of the model, if it is created now')
    .option('--tag <key=value>', 'tag on the version (repeatable)', collect, [])
    .option('--param <key=value>', 'training parameter (repeatable)', collect, [])
    .option('--metrics <file>', 'JSON file of metric name → number')
    .option('--features <cols|file.json>', 'feature schema: comma-separated column names, or a JSON file')
    .option('--dataset <name@version>', 'training dataset lineage (repeatable)', collect, [])
    .option('--run <id>', 'training run id (lineage)')
    .action(async (name: string, file: string, o) => {
      // Flags and their files are read before the upload, so a bad one leaves no staged upload behind.
      const lineage: { datasets?: string[]; run?: string } = {};
      if (o.dataset.length > 0) lineage.datasets = o.dataset;
      if (o.run) lineage.run = o.run;
      const metadata = {
        description: o.description,
        model_description: o.modelDescription,
        tags: keyValues(o.tag, '--tag'),
        params: keyValues(o.param, '--param'),
        metrics: o.metrics ? readJsonFile(o.metrics, '--metrics') : undefined,
        lineage,
        features: o.features ? parseFeaturesOption(o.features) : undefined,
      };
      const bytes = readModelFile(file);
      const client = await ctx.client();
      const upload = await callJson<{ upload_id: string }>(client, {
        method: 'POST',
        path: '/api/v1/uploads',
        body: bytes,
      });
      const version = await callJson<ModelVersion>(client, {
        method: 'POST',
        path: `/api/v1/models/${enc(name)}/versions`,
        json: { upload_id: upload.upload_id, ...metadata },
      });
      ctx.print(
        version,
        (v) => `registered ${v.model}@${v.version} (${v.status}, sha256 ${v.digest})\n${signatureText(v)}`,
      );
    });

  models
    .command('list')
    .description('List registered models')
    .option('--filter <expr>', 'filter, e.g. "name ^= fr AND tag.team = risk" (docs/registry-search.md)')
    .option('--page-size <n>', 'models per page')
    .option('--page-token <token>', 'token from the previous page')
    .action(async (o) => {
      const page = await callJson<Page<RegisteredModel>>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/models',
        query: { filter: o.filter, page_size: o.pageSize, page_token: o.pageToken },
      });
      ctx.print(page, (p) =>
        withNextPage(
          formatTable(
            p.items.map((m) => ({ ...m, latest: m.latestVersion })),
            ['name', 'latest', 'aliases', 'owner', 'tags', 'description'],
          ),
          p.nextPageToken,
        ),
      );
    });

  models
    .command('search')
    .description('Search model versions across models')
    .argument('[filter]', 'e.g. "alias = champion AND status = READY"')
    .option('--page-size <n>', 'versions per page')
    .option('--page-token <token>', 'token from the previous page')
    .action(async (filter: string | undefined, o) => {
      const page = await callJson<Page<ModelVersion>>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/model-versions',
        query: { filter, page_size: o.pageSize, page_token: o.pageToken },
      });
      ctx.print(page, (p) => withNextPage(versionsTable(p.items), p.nextPageToken));
    });

  models
    .command('show')
    .description('Show a model, or one version with name@version / name@alias')
    .argument('<ref>', 'name, name@version or name@alias')
    .action(async (ref: string) => {
      const r = parseModelRef(ref);
      const client = await ctx.client();
      if (r.kind === 'latest') {
        const m = await callJson<RegisteredModel>(client, {
          method: 'GET',
          path: `/api/v1/models/${enc(r.name)}`,
        });
        ctx.print(m, (x) =>
          formatFields([
            ['name', x.name],
            ['description', x.description],
            ['owner', x.owner],
            ['tags', x.tags],
            ['aliases', x.aliases],
            ['latest version', x.latestVersion],
            ['created', x.createdAt],
          ]),
        );
        return;
      }
      const v = await callJson<ModelVersion>(client, {
        method: 'GET',
        path: '/api/v1/resolve',
        query: { ref },
      });
      ctx.print(v, versionText);
    });

  models
    .command('versions')
    .description("List a model's versions")
    .argument('<name>', 'model name')
    .option('--filter <expr>', 'extra filter, e.g. "status = READY"')
    .option('--page-size <n>', 'versions per page')
    .option('--page-token <token>', 'token from the previous page')
    .action(async (name: string, o) => {
      const page = await callJson<Page<ModelVersion>>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/models/${enc(name)}/versions`,
        query: { filter: o.filter, page_size: o.pageSize, page_token: o.pageToken },
      });
      ctx.print(page, (p) => withNextPage(versionsTable(p.items), p.nextPageToken));
    });

  models
    .command('alias')
    .description('Point an alias (champion, challenger, …) at a version')
    .argument('<name>', 'model name')
    .argument('<alias>', 'alias name (not all digits)')
    .argument('<version>', 'version number')
    .action(async (name: string, alias: string, version: string) => {
      const res = await callJson<{ previous: number | null; version: number }>(await ctx.client(), {
        method: 'PUT',
        path: `/api/v1/models/${enc(name)}/aliases/${enc(alias)}`,
        json: { version: versionArg(version) },
      });
      ctx.print(
        res,
        (r) => `${name}@${alias} → version ${r.version}${r.previous ? ` (was ${r.previous})` : ''}`,
      );
    });

  models
    .command('unalias')
    .description('Remove an alias')
    .argument('<name>', 'model name')
    .argument('<alias>', 'alias name')
    .action(async (name: string, alias: string) => {
      await callJson(await ctx.client(), {
        method: 'DELETE',
        path: `/api/v1/models/${enc(name)}/aliases/${enc(alias)}`,
      });
      ctx.print({ removed: `${name}@${alias}` }, () => `removed alias ${name}@${alias}`);
    });

  models
    .command('card')
    .description('Show or edit the model card (Markdown on stdout; --html writes a page)')
    .argument('<name>', 'model name')
    .argument('<version>', 'version number')
    .option(
      '--set <section=text>',
      'set a section; text or @file.md (repeatable); "section=" clears it',
      collect,
      [],
    )
    .option('--html <path>', 'write the card as a self-contained HTML page')
    .action(async (name: string, version: string, o) => {
      const client = await ctx.client();
      const base = `/api/v1/models/${enc(name)}/versions/${versionArg(version)}/card`;
      if (o.set.length > 0) await callJson(client, { method: 'PATCH', path: base, json: cardEdits(o.set) });
      if (o.html) {
        const res = await callRaw(client, { method: 'GET', path: base, query: { format: 'html' } });
        writeFileAtomic(o.html, res.body);
        ctx.print({ written: o.html }, () => `wrote ${o.html}`);
        return;
      }
      if (ctx.json) {
        ctx.print(await callJson(client, { method: 'GET', path: base }), () => '');
        return;
      }
      const md = await callRaw(client, { method: 'GET', path: base, query: { format: 'markdown' } });
      ctx.io.stdout(md.body.toString('utf8'));
    });

  models
    .command('download')
    .description('Download the ONNX file of a version (digest-verified)')
    .argument('<ref>', 'name, name@version or name@alias')
    .requiredOption('-o, --output <path>', 'where to write the file')
    .action(async (ref: string, o) => {
      const client = await ctx.client();
      const v = await callJson<ModelVersion>(client, {
        method: 'GET',
        path: '/api/v1/resolve',
        query: { ref },
      });
      const res = await callRaw(client, {
        method: 'GET',
        path: `/api/v1/models/${enc(v.model)}/versions/${v.version}/content`,
      });
      writeFileAtomic(o.output, res.body);
      ctx.print(
        { model: v.model, version: v.version, path: o.output, sha256: v.digest, bytes: res.body.length },
        (r) => `wrote ${r.path} (${r.model}@${r.version}, ${r.bytes} bytes, sha256 ${r.sha256})`,
      );
    });

  models
    .command('delete')
    .description(
      'Delete a version (name@version) or a whole model (name); refused while aliased unless --force',
    )
    .argument('<ref>', 'name or name@version')
    .option('--force', 'delete even if aliases point at it (they are removed)')
    .action(async (ref: string, o) => {
      const r = parseModelRef(ref);
      if (r.kind === 'alias') throw invalid('ref', 'name or name@version (not an alias)', ref);
      const path =
        r.kind === 'version'
          ? `/api/v1/models/${enc(r.name)}/versions/${r.version}`
          : `/api/v1/models/${enc(r.name)}`;
      await callJson(await ctx.client(), {
        method: 'DELETE',
        path,
        query: { force: o.force ? true : undefined },
      });
      ctx.print({ deleted: ref }, () => `deleted ${ref}`);
    });
};

function enc(s: string): string {
  return encodeURIComponent(s);
}

function versionArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw invalid('version', 'a positive integer', v);
  return Number(v);
}

function readModelFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        field: 'file',
      },
    );
  }
}

function readJsonFile(file: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `${flag}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`,
      { field: flag },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KilnError('INVALID_JSON', `${flag}: ${file} is not valid JSON: ${(e as Error).message}`, {
      field: flag,
    });
  }
}

function parseFeaturesOption(v: string): unknown {
  if (v.endsWith('.json') || existsSync(v)) return readJsonFile(v, '--features');
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function cardEdits(sets: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw invalid('--set', 'section=text or section=@file.md', s);
    const key = s.slice(0, eq);
    const val = s.slice(eq + 1);
    out[key] = val === '' ? null : val.startsWith('@') ? readFileSync(val.slice(1), 'utf8') : val;
  }
  return out;
}

function signatureText(v: ModelVersion): string {
  if (!v.signature) return '';
  const t = (xs: readonly { name: string; datatype: string; shape: readonly number[] }[]) =>
    xs.map((x) => `${x.name} ${x.datatype}[${x.shape.join(',')}]`).join(', ');
  return `inputs:  ${t(v.signature.inputs)}\noutputs: ${t(v.signature.outputs)}`;
}

function versionText(v: ModelVersion): string {
  return (
    formatFields([
      ['model', v.model],
      ['version', v.version],
      ['status', v.statusMessage ? `${v.status} (${v.statusMessage})` : v.status],
      ['aliases', v.aliases],
      ['description', v.description],
      ['sha256', v.digest],
      ['size', v.sizeBytes === null ? null : `${v.sizeBytes} bytes`],
      [
        'onnx',
        v.onnx
          ? `IR ${v.onnx.irVersion}, ${v.onnx.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}, ${v.onnx.producerName} ${v.onnx.producerVersion}`
          : null,
      ],
      ['features', v.featureSchema?.columns.map((c) => c.name) ?? null],
      ['metrics', v.metrics],
      ['params', v.params],
      ['lineage', v.lineage],
      ['tags', v.tags],
      ['created', `${v.createdAt} by ${v.createdBy}`],
    ]) + (v.signature ? `\n${signatureText(v)}` : '')
  );
}

function versionsTable(items: readonly ModelVersion[]): string {
  return formatTable(
    items.map((v) => ({ ...v, created: v.createdAt })),
    ['model', 'version', 'status', 'aliases', 'created', 'description'],
  );
}

function withNextPage(text: string, token: string | undefined): string {
  return token ? `${text}\n(more: --page-token ${token})` : text;
}

export type { CliContext };
