/**
 * @module validate/reports/test-support/html-checks
 * Structural checks the report tests share: tags balance, nothing is loaded or run, SVGs look right.
 */
import { expect } from 'vitest';

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);

/** Every opened tag is closed in order (void and self-closed tags aside). */
export function expectBalancedTags(html: string): void {
  const stack: string[] = [];
  const body = html.replace(/<!DOCTYPE html>/i, '').replace(/<style>[\s\S]*?<\/style>/, '');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = m;
    const name = rawName.toLowerCase();
    if (VOID.has(name) || selfClosing === '/') continue;
    if (closing) {
      expect(stack.pop(), `closing </${name}>`).toBe(name);
    } else {
      stack.push(name);
    }
  }
  expect(stack).toEqual([]);
}

/** No script, no external resource, no network address at all. */
export function expectSelfContained(html: string): void {
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|base|form)\b/i);
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/url\(/i);
  expect(html).not.toMatch(/@import/i);
  // Data is escaped, so every `<` opens a real tag: check the attributes of each.
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    for (const m of tag.matchAll(/\s([a-zA-Z:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/g)) {
      const [name, value] = [m[1].toLowerCase(), m[2].replace(/^["']|["']$/g, '')];
      expect(name.startsWith('on'), `event handler in ${tag}`).toBe(false);
      expect(['src', 'srcset', 'action', 'xlink:href', 'style'], `${name} in ${tag}`).not.toContain(name);
      if (name === 'href') expect(value.startsWith('#'), `href in ${tag}`).toBe(true);
    }
  }
  expect(html).toContain("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"");
}

/** The inline SVGs: how many, each with a viewBox, an accessible label and only drawing elements. */
export function svgBlocks(html: string): string[] {
  const blocks = [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)].map((m) => m[0]);
  for (const svg of blocks) {
    expect(svg).toMatch(
      /^<svg viewBox="0 0 \d+ \d+" width="\d+" height="\d+" role="img" aria-label="[^"<>]*">/,
    );
    const tags = new Set([...svg.matchAll(/<([a-z]+)\b/g)].map((m) => m[1]));
    for (const t of tags) expect(['svg', 'rect', 'line', 'text', 'title']).toContain(t);
    for (const m of svg.matchAll(/\s(x|y|width|height|x1|x2|y1|y2)="([^"]*)"/g)) {
      expect(Number.isFinite(Number(m[2])), `${m[1]}="${m[2]}"`).toBe(true);
    }
  }
  return blocks;
}
