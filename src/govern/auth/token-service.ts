/**
 * @module govern/auth/token-service
 * API tokens: 256 random bits, shown once at creation, stored only as SHA-256 hashes, with a role,
 * an optional expiry and revocation. Every create and revoke is audited; the actor of each audit
 * event is the token's name.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { invalid, KilnError } from '../../core/errors.js';
import { assertName } from '../../core/names.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { TokensTable } from '../../store/schema.js';
import type { AuditLog } from '../audit/audit-log.js';
import { type Actor, parseRole, type Role } from './roles.js';

const TOKEN_PREFIX = 'kiln_';

export interface TokenInfo {
  readonly name: string;
  readonly role: Role;
  /** The first characters of the token, to tell tokens apart; never enough to use it. */
  readonly prefix: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface CreatedToken extends TokenInfo {
  /** The secret itself: shown once, never stored. */
  readonly token: string;
}

export class TokenService {
  readonly #store: MetadataStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  /**
   * Valid tokens seen in the last {@link AUTH_CACHE_MS}, by hash: the data plane checks a token on
   * every request, and a database read each time costs about half of its throughput. A revocation
   * or expiry therefore takes effect within that window on other processes, and at once here.
   */
  readonly #valid = new Map<string, { actor: Actor; until: number; expiresAt: number }>();
  // The hashes of the tokens presented most recently: a data plane sees the same few tokens on
  // every request, and SHA-256 was the largest cost of a cached check. Raw tokens are kept only
  // here, only while in use, and the map is emptied when it grows past a handful.
  readonly #recentHashes = new Map<string, string>();

  constructor(store: MetadataStore, audit: AuditLog, clock: Clock) {
    this.#store = store;
    this.#audit = audit;
    this.#clock = clock;
  }

  async create(
    actor: Actor,
    input: { name: string; role: string; expiresInDays?: number | undefined },
  ): Promise<CreatedToken> {
    assertName(input.name, 'name');
    const role = parseRole(input.role);
    if (
      input.expiresInDays !== undefined &&
      (!Number.isFinite(input.expiresInDays) || input.expiresInDays <= 0)
    ) {
      throw invalid('expires_in_days', 'a positive number of days', input.expiresInDays);
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.#clock.now();
    const row: TokensTable = {
      name: input.name,
      token_hash: hashToken(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      role,
      created_by: actor.name,
      created_at: now.toISOString(),
      expires_at:
        input.expiresInDays === undefined
          ? null
          : new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
      revoked_at: null,
      last_used_at: null,
    };
    await this.#store.transaction(async (trx) => {
      const existing = await trx
        .selectFrom('tokens')
        .select('name')
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (existing)
        throw new KilnError('TOKEN_EXISTS', `a token named "${input.name}" already exists`, {
          name: input.name,
        });
      await trx.insertInto('tokens').values(row).execute();
      await this.#audit.append(trx, {
        actor: actor.name,
        action: 'token.create',
        resource: `token/${input.name}`,
        details: { role, expires_at: row.expires_at },
      });
    });
    return { ...toInfo(row), token };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.#store.db
      .selectFrom('tokens')
      .selectAll()
      .orderBy('created_at')
      .orderBy('name')
      .execute();
    return rows.map(toInfo);
  }

  async revoke(actor: Actor, name: string): Promise<TokenInfo> {
    return this.#store.transaction(async (trx) => {
      const row = await trx.selectFrom('tokens').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) throw new KilnError('TOKEN_NOT_FOUND', `no token named "${name}"`, { name });
      if (row.revoked_at) return toInfo(row);
      const revoked_at = this.#clock.now().toISOString();
      this.#valid.delete(row.token_hash);
      await trx.updateTable('tokens').set({ revoked_at }).where('name', '=', name).execute();
      await this.#audit.append(trx, { actor: actor.name, action: 'token.revoke', resource: `token/${name}` });
      return toInfo({ ...row, revoked_at });
    });
  }

  /** The actor a presented token stands for; UNAUTHENTICATED for unknown, revoked or expired tokens. */
  async authenticate(token: string): Promise<Actor> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200)
      throw unauthenticated('the token is not a Kiln token');
    let hash = this.#recentHashes.get(token);
    if (hash === undefined) {
      hash = hashToken(token);
      if (this.#recentHashes.size >= RECENT_TOKENS) this.#recentHashes.clear();
      this.#recentHashes.set(token, hash);
    }
    const nowMs = this.#clock.now().getTime();
    const cached = this.#valid.get(hash);
    if (cached && cached.until > nowMs && cached.expiresAt > nowMs) return cached.actor;
    const row = await this.#store.db
      .selectFrom('tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    // The lookup is by hash, so timing reveals nothing about the secret; compare anyway as a guard.
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash))) {
      throw unauthenticated('the token is not known');
    }
    if (row.revoked_at) throw unauthenticated(`the token "${row.name}" was revoked`);
    const now = this.#clock.now();
    if (row.expires_at && Date.parse(row.expires_at) <= now.getTime()) {
      throw unauthenticated(`the token "${row.name}" expired at ${row.expires_at}`);
    }
    const actor: Actor = { name: row.name, role: parseRole(row.role) };
    if (this.#valid.size > 10_000) this.#valid.clear();
    this.#valid.set(hash, {
      actor,
      until: nowMs + AUTH_CACHE_MS,
      expiresAt: row.expires_at ? Date.parse(row.expires_at) : Number.POSITIVE_INFINITY,
    });
    return actor;
  }
}

/** Distinct tokens whose hash is remembered (see `#recentHashes`). */
const RECENT_TOKENS = 64;

/** How long a successful token check is reused without reading the database. */
export const AUTH_CACHE_MS = 1000;

export function hashToken(token: string): string {
  // One-shot hashing: a third of createHash's cost, and the data plane hashes every request's token.
  return hash('sha256', token, 'hex');
}

function unauthenticated(why: string): KilnError {
  return new KilnError('UNAUTHENTICATED', `authentication failed: ${why}`);
}

function toInfo(row: TokensTable): TokenInfo {
  return {
    name: row.name,
    role: parseRole(row.role),
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
