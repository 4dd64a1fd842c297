import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';

// Expected values computed independently with OpenSSL:
//   printf '<body>' | openssl dgst -sha256 -hmac '<secret>'
const SECRET = 'whsec_test_0123456789';
const BODY = '{"id":"d1","type":"alias.moved"}';
const BODY_SIG = 'sha256=800cb353dc68739b4fc9cd25274959c4810f317ef77d87398e5de540be046084';

describe('signWebhookBody', () => {
  it('matches HMAC-SHA256 vectors computed with openssl', () => {
    expect(signWebhookBody(SECRET, BODY)).toBe(BODY_SIG);
    expect(signWebhookBody(SECRET, '')).toBe(
      'sha256=5b08b35a09662a7d60a8097f0cc7431ac17c145ec0c3b7053d86424b1c9c98bb',
    );
    // printf 'caf\xc3\xa9 \xe2\x82\xac' | openssl dgst -sha256 -hmac $'k\xc3\xa9y'
    expect(signWebhookBody('kéy', 'café €')).toBe(
      'sha256=fee1187e230f698abb12601802123ad2fc883342700103633c62c2cd797f5431',
    );
  });

  it('matches RFC 4231 test case 2', () => {
    expect(signWebhookBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs a Buffer and the same string alike', () => {
    expect(signWebhookBody(SECRET, Buffer.from(BODY, 'utf8'))).toBe(BODY_SIG);
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts the right signature, in either hex case', () => {
    expect(verifyWebhookSignature(SECRET, BODY, BODY_SIG)).toBe(true);
    expect(
      verifyWebhookSignature(SECRET, Buffer.from(BODY), BODY_SIG.toUpperCase().replace('SHA256=', 'sha256=')),
    ).toBe(true);
  });

  it('refuses a changed body, a wrong secret or a changed digit', () => {
    expect(verifyWebhookSignature(SECRET, `${BODY} `, BODY_SIG)).toBe(false);
    expect(verifyWebhookSignature('other-secret', BODY, BODY_SIG)).toBe(false);
    const flipped = `${BODY_SIG.slice(0, -1)}${BODY_SIG.endsWith('4') ? '5' : '4'}`;
    expect(verifyWebhookSignature(SECRET, BODY, flipped)).toBe(false);
  });

  it.each([
    undefined,
    null,
    '',
    'sha256=',
    'sha1=800cb353dc68739b4fc9cd25274959c4810f317e',
    BODY_SIG.slice(0, -2),
    `${BODY_SIG}00`,
    BODY_SIG.slice(7),
  ])('returns false for the malformed header %j', (header) => {
    expect(verifyWebhookSignature(SECRET, BODY, header)).toBe(false);
  });
});
