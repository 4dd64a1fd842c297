/**
 * @module cli/commands/audit
 * `kiln audit log | verify | prove | consistency | checkpoint`.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { invalid, KilnError } from '../../core/errors.js';
import type {
  AuditEvent,
  AuditVerification,
  ConsistencyProof,
  InclusionProof,
  SignedCheckpoint,
} from '../../govern/audit/audit-log.js';
import { verifyExportedCheckpoint } from '../../govern/audit/exported-checkpoint.js';
import { callJson } from '../api-client.js';
import { formatFields, formatTable } from '../format.js';
import type { CommandGroup } from './command-helpers.js';

function intArg(v: string, name: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw invalid(name, 'a positive integer', v);
  return Number(v);
}

export const auditCommands: CommandGroup = (program, ctx) => {
  const audit = program
    .command('audit')
    .description('Tamper-evident audit log: events, verification, proofs, checkpoints');

  audit
    .command('log')
    .description('List audit events (admin)')
    .option('--actor <name>', 'only events by this actor')
    .option('--action <action>', 'only this action, e.g. alias.move')
    .option('--resource <resource>', 'only this resource, e.g. model/fraud')
    .option('--after <seq>', 'only events after this seq')
    .option('--limit <n>', 'at most this many (default 100, max 1000)')
    .action(async (o) => {
      const r = await callJson<{ events: AuditEvent[] }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/audit/events',
        query: { actor: o.actor, action: o.action, resource: o.resource, after_seq: o.after, limit: o.limit },
      });
      ctx.print(r, (x) =>
        formatTable(x.events as unknown as Record<string, unknown>[], [
          'seq',
          'time',
          'actor',
          'action',
          'resource',
        ]),
      );
    });

  audit
    .command('verify')
    .description(
      'Recompute every event, Merkle root and signature; exit 1 and name the first bad entry if any',
    )
    .action(async () => {
      const v = await callJson<AuditVerification>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/audit/verify',
      });
      ctx.print(v, (x) =>
        x.ok
          ? `audit log OK: ${x.size} events, root ${x.root_hash}`
          : `audit log FAILED verification at seq ${x.first_bad_seq ?? '?'}:\n${x.problems.map((p) => `  - ${p}`).join('\n')}`,
      );
      if (!v.ok) {
        throw new KilnError(
          'AUDIT_TAMPERED',
          `the audit log fails verification (first bad seq ${v.first_bad_seq ?? 'unknown'})`,
          {
            first_bad_seq: v.first_bad_seq,
          },
        );
      }
    });

  audit
    .command('prove')
    .description('Inclusion proof of event <seq> in the tree (RFC 9162)')
    .argument('<seq>', 'event sequence number')
    .option('--tree-size <n>', 'prove against the tree of the first n events (default: all)')
    .action(async (seq: string, o) => {
      const p = await callJson<InclusionProof>(await ctx.client(), {
        method: 'GET',
        path: `/api/v1/audit/proofs/inclusion/${intArg(seq, 'seq')}`,
        query: { tree_size: o.treeSize },
      });
      ctx.print(p, (x) =>
        formatFields([
          ['seq', x.seq],
          ['leaf index', x.leaf_index],
          ['tree size', x.tree_size],
          ['leaf hash', x.leaf_hash],
          ['root', x.root_hash],
          ['audit path', x.audit_path.length === 0 ? '(empty)' : `\n  ${x.audit_path.join('\n  ')}`],
        ]),
      );
    });

  audit
    .command('consistency')
    .description(
      'Consistency proof that the tree of <from> events is a prefix of the tree of <to> (RFC 9162)',
    )
    .argument('<from>', 'smaller tree size')
    .argument('[to]', 'larger tree size (default: all)')
    .action(async (from: string, to: string | undefined) => {
      const p = await callJson<ConsistencyProof>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/audit/proofs/consistency',
        query: { from: intArg(from, 'from'), to: to === undefined ? undefined : intArg(to, 'to') },
      });
      ctx.print(p, (x) =>
        formatFields([
          ['from', `${x.from_size} (root ${x.from_root})`],
          ['to', `${x.to_size} (root ${x.to_root})`],
          ['proof', x.proof.length === 0 ? '(empty)' : `\n  ${x.proof.join('\n  ')}`],
        ]),
      );
    });

  audit
    .command('checkpoint')
    .description('Export the latest signed checkpoint (with the public key) for safekeeping elsewhere')
    .option('-o, --output <file>', 'write it to a file instead of stdout')
    .action(async (o) => {
      const r = await callJson<{ checkpoint: SignedCheckpoint | null }>(await ctx.client(), {
        method: 'GET',
        path: '/api/v1/audit/checkpoint',
      });
      if (!r.checkpoint)
        throw new KilnError('AUDIT_EVENT_NOT_FOUND', 'the audit log is empty: there is no checkpoint yet');
      const text = `${JSON.stringify(r.checkpoint, null, 2)}\n`;
      if (o.output) {
        writeFileAtomic(o.output, text);
        ctx.print(
          r.checkpoint,
          (c) => `wrote checkpoint of ${c.tree_size} events (root ${c.root_hash}) to ${o.output}`,
        );
      } else ctx.io.stdout(text);
    });

  audit
    .command('check')
    .description(
      'Check a checkpoint exported earlier against the log now (exposes rewritten or truncated history)',
    )
    .argument('<file>', 'a checkpoint written by `kiln audit checkpoint -o`')
    .action(async (file: string) => {
      let exported: SignedCheckpoint;
      try {
        exported = JSON.parse(readFileSync(file, 'utf8')) as SignedCheckpoint;
      } catch (e) {
        throw invalid('file', 'a checkpoint JSON file', `${file} (${(e as Error).message})`);
      }
      if (!Number.isSafeInteger(exported?.tree_size) || exported.tree_size < 1)
        throw invalid('tree_size', 'a positive integer', exported?.tree_size);
      const client = await ctx.client();
      const { checkpoint: current } = await callJson<{ checkpoint: SignedCheckpoint | null }>(client, {
        method: 'GET',
        path: '/api/v1/audit/checkpoint',
      });
      const proof =
        current && current.tree_size >= exported.tree_size
          ? await callJson<ConsistencyProof>(client, {
              method: 'GET',
              path: '/api/v1/audit/proofs/consistency',
              query: { from: exported.tree_size, to: current.tree_size },
            })
          : null;
      const check = verifyExportedCheckpoint(exported, current, proof);
      ctx.print(check, (c) =>
        c.ok
          ? `OK: the log (${c.current_size} events) extends the exported checkpoint of ${c.exported_size} events`
          : `FAILED: the log does not extend the exported checkpoint:\n${c.problems.map((p) => `  - ${p}`).join('\n')}`,
      );
      if (!check.ok)
        throw new KilnError('AUDIT_TAMPERED', 'the audit log does not extend the exported checkpoint', {
          problems: check.problems,
        });
    });
};
