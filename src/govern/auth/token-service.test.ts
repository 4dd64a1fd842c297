/**
 * The token service's check, in a real workspace: the hash memo of recent tokens never changes
 * who a token stands for, and a revoked token is refused at once even while its hash is memoised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKiln, type TestKiln } from '../../server/test-support/test-kiln.js';
import { SYSTEM_ACTOR } from './roles.js';

let t: TestKiln;
beforeAll(async () => {
  t = await createTestKiln();
});
afterAll(() => t.close());

describe('TokenService.authenticate', () => {
  it('tells apart more distinct tokens than it memoises, each as itself, again and again', async () => {
    const created = [];
    for (let i = 0; i < 70; i++) {
      created.push(
        await t.kiln.tokens.create(SYSTEM_ACTOR, {
          name: `client-${i}`,
          role: i % 2 ? 'viewer' : 'predictor',
        }),
      );
    }
    for (let round = 0; round < 2; round++) {
      for (const [i, c] of created.entries()) {
        expect(await t.kiln.tokens.authenticate(c.token)).toEqual({
          name: `client-${i}`,
          role: i % 2 ? 'viewer' : 'predictor',
        });
      }
    }
  });

  it('refuses a token revoked after it was used, and one that differs by a character', async () => {
    const { token } = await t.kiln.tokens.create(SYSTEM_ACTOR, { name: 'short-lived', role: 'predictor' });
    expect((await t.kiln.tokens.authenticate(token)).name).toBe('short-lived');
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    await expect(t.kiln.tokens.authenticate(flipped)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await t.kiln.tokens.revoke(SYSTEM_ACTOR, 'short-lived');
    await expect(t.kiln.tokens.authenticate(token)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('revoked'),
    });
  });
});
