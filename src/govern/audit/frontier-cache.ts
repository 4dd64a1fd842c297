/**
 * @module govern/audit/frontier-cache
 * Keeps, per metadata store, the Merkle frontiers of the last few trees this process appended to,
 * so an append computes the new root in O(log n) without reading the stored leaves.
 *
 * An entry is found by (tree size, root hash) read from the latest stored checkpoint, so it is
 * used only for exactly the tree now stored: a transaction that rolled back left an entry nobody
 * matches, and an append by another process (the CLI beside the server) moves the stored root past
 * every entry. On a miss the frontier is extended from the newest entry that is still a prefix of
 * the stored tree (reading only the leaves after it) or, failing that, rebuilt from all leaves, once.
 */
import { KilnError } from '../../core/errors.js';
import type { Queryable } from '../../store/metadata-store.js';
import { leafRows, type StoredHead } from './audit-rows.js';
import { MerkleFrontier } from './merkle.js';

interface CachedTree {
  readonly frontier: MerkleFrontier;
  readonly root: string;
}

const KEEP = 4;

export class FrontierCache {
  #entries: CachedTree[] = [];

  /** Remembers the tree `frontier` with hex `root` (the newest entries are kept). */
  remember(frontier: MerkleFrontier, root: string): void {
    this.#entries = [...this.#entries.filter((e) => e.root !== root), { frontier, root }].slice(-KEEP);
  }

  /**
   * The frontier of the stored tree described by `head`.
   * @throws KilnError AUDIT_TAMPERED when the stored events do not agree with their checkpoint.
   */
  async frontierFor(db: Queryable, head: StoredHead): Promise<MerkleFrontier> {
    const size = head.checkpointSize;
    const hit = this.#entries.find((e) => e.frontier.size === size && e.root === head.checkpointRoot);
    if (hit) return hit.frontier;
    let frontier = await this.#newestPrefix(db, size);
    let expected = frontier.size + 1;
    for await (const row of leafRows(db, frontier.size, size)) {
      if (row.seq !== expected) throw tampered(`audit event ${expected} is missing from the database`);
      frontier = frontier.append(row.leaf_hash);
      expected++;
    }
    const root = frontier.root().toString('hex');
    if (frontier.size !== size || root !== head.checkpointRoot) {
      throw tampered(
        `the stored audit events 1..${frontier.size} do not hash to the root of checkpoint ${size}`,
      );
    }
    this.remember(frontier, root);
    return frontier;
  }

  async #newestPrefix(db: Queryable, size: number): Promise<MerkleFrontier> {
    const candidates = this.#entries
      .filter((e) => e.frontier.size < size)
      .sort((a, b) => b.frontier.size - a.frontier.size);
    const best = candidates[0];
    if (!best || best.frontier.size === 0) return MerkleFrontier.empty();
    const row = await db
      .selectFrom('audit_checkpoints')
      .select('root_hash')
      .where('tree_size', '=', best.frontier.size)
      .executeTakeFirst();
    return row?.root_hash === best.root ? best.frontier : MerkleFrontier.empty();
  }
}

function tampered(message: string): KilnError {
  return new KilnError('AUDIT_TAMPERED', `${message}; run \`kiln audit verify\``, {});
}

const caches = new WeakMap<object, FrontierCache>();

/** The one cache of a store, shared by every audit log opened on it in this process. */
export function frontierCacheOf(store: object): FrontierCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new FrontierCache();
    caches.set(store, cache);
  }
  return cache;
}
