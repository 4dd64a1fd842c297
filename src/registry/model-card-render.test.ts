import { describe, expect, it } from 'vitest';
import { composeModelCard, MODEL_CARD_SECTION_INFO, MODEL_CARD_SECTIONS } from './model-card.js';
import {
  escapeHtml,
  renderMarkdownSubset,
  renderModelCardHtml,
  renderModelCardMarkdown,
} from './model-card-render.js';
import type { ModelVersion } from './registry-types.js';

const XSS = '<script>alert("x")</script>';

function version(overrides: Partial<ModelVersion> = {}): ModelVersion {
  return {
    model: 'fraud',
    version: 2,
    status: 'READY',
    statusMessage: '',
    description: 'Logistic regression',
    digest: 'b'.repeat(64),
    sizeBytes: 2048,
    signature: {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
    },
    onnx: {
      irVersion: 9,
      opsets: [{ domain: '', version: 18 }],
      producerName: 'pytorch',
      producerVersion: '2.3.0',
    },
    featureSchema: null,
    metrics: { auc: 0.91, precision: 0.8 },
    params: {},
    lineage: { datasets: ['transactions@3'] },
    tags: {},
    aliases: [],
    createdBy: 'bob',
    createdAt: '2025-04-02T08:30:00.000Z',
    updatedAt: '2025-04-02T08:30:00.000Z',
    ...overrides,
  };
}

const model = { name: 'fraud', description: 'Flags fraud', owner: 'risk' };

/** Positions of each section title in the output, which must increase. */
function titleOrder(text: string, format: (title: string) => string): number[] {
  return MODEL_CARD_SECTIONS.map((s) => text.indexOf(format(MODEL_CARD_SECTION_INFO[s].title)));
}

describe('renderModelCardMarkdown', () => {
  const card = composeModelCard(
    version(),
    { intended_use: 'Scoring **card** payments.\n\n- online\n- in store' },
    model,
  );
  const md = renderModelCardMarkdown(card);

  it('has a title and the nine sections in order', () => {
    expect(md.startsWith('# Model card: fraud version 2\n')).toBe(true);
    const positions = titleOrder(md, (t) => `\n## ${t}\n`);
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('includes authored Markdown as written and prompts for unwritten sections', () => {
    expect(md).toContain('## Intended Use\n\nScoring **card** payments.\n\n- online\n- in store\n');
    expect(md).toContain(`## Factors\n\n*Not yet written.* ${MODEL_CARD_SECTION_INFO.factors.prompt}\n`);
  });

  it('renders the metrics and signature as tables', () => {
    expect(md).toContain(
      '**Recorded metrics**\n\n| Metric | Value |\n| --- | --- |\n| auc | 0.91 |\n| precision | 0.8 |',
    );
    expect(md).toContain(
      '**Inputs**\n\n| Name | Datatype | Shape |\n| --- | --- | --- |\n| x | FP32 | \\[-1, 3\\] |',
    );
    expect(md).toContain('- **Opsets:** ai.onnx 18');
  });

  it('escapes fact values so they cannot break a table or carry HTML', () => {
    const hostile = renderModelCardMarkdown(
      composeModelCard(version({ description: `a | b\n${XSS}`, params: { note: 'x|y' } }), {}, model),
    );
    expect(hostile).toContain('- **Version description:** a \\| b \\<script\\>alert("x")\\</script\\>');
    expect(hostile).toContain('| note | x\\|y |');
    expect(hostile).not.toContain('<script>');
  });
});

describe('renderModelCardHtml', () => {
  const card = composeModelCard(
    version({ description: XSS }),
    { intended_use: `Use it ${XSS} **only** for \`fraud\`.`, factors: '### Groups\n- <b>age</b>\n- country' },
    { ...model, description: `"><img src=x onerror=alert(1)>` },
  );
  const html = renderModelCardHtml(card);

  it('is one self-contained page: no scripts, no external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/url\(|@import/i);
    const tags = html.match(/<[^>]*>/g) ?? [];
    const names = new Set(tags.map((t) => /^<\/?([!a-z0-9]+)/i.exec(t)?.[1]?.toLowerCase()));
    for (const banned of ['script', 'img', 'link', 'iframe', 'object', 'embed'])
      expect(names.has(banned)).toBe(false);
    for (const tag of tags) {
      expect(tag).not.toMatch(/\ssrc=|\son[a-z]+=/i);
      if (/\shref=/.test(tag)) expect(tag).toMatch(/\shref="#[a-z_]+"/);
    }
  });

  it('escapes user strings in the description and in sections', () => {
    expect(html).toContain('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>');
    expect(html).toContain('<td>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(html).toContain(
      '<p>Use it &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <strong>only</strong> for <code>fraud</code>.</p>',
    );
    expect(html).toContain('<h3>Groups</h3>\n<ul><li>&lt;b&gt;age&lt;/b&gt;</li><li>country</li></ul>');
  });

  it('has the sections in order, with a table of contents', () => {
    const positions = titleOrder(html, (t) => `<h2>${t}</h2>`);
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toContain('<li><a href="#caveats_and_recommendations">Caveats and Recommendations</a></li>');
    expect(html).toContain('<section id="metrics">');
  });

  it('renders the metrics, signature and details as tables', () => {
    expect(html).toContain(
      '<table><caption>Recorded metrics</caption><thead><tr><th scope="col">Metric</th><th scope="col">Value</th></tr></thead>' +
        '<tbody><tr><td>auc</td><td>0.91</td></tr><tr><td>precision</td><td>0.8</td></tr></tbody></table>',
    );
    expect(html).toContain('<caption>Inputs</caption>');
    expect(html).toContain('<tr><td>x</td><td>FP32</td><td>[-1, 3]</td></tr>');
    expect(html).toContain('<caption>Outputs</caption>');
    expect(html).toContain('<tr><th scope="row">Size</th><td>2048 bytes (2.0 KiB)</td></tr>');
  });

  it('marks unwritten sections with their prompt', () => {
    const ethics = MODEL_CARD_SECTION_INFO.ethical_considerations.prompt;
    expect(html).toContain(`<p class="missing"><strong>Not yet written.</strong> ${escapeHtml(ethics)}</p>`);
  });
});

describe('renderMarkdownSubset', () => {
  it('renders paragraphs, lists, headings, bold, code and fenced code', () => {
    const md = [
      '# Top',
      'First line',
      'second line with **bold** and `a < b`.',
      '',
      '* star item',
      '- dash item',
      '  continued',
      '#### Deep ####',
      '```',
      '**not bold** <tag>',
      '```',
      'After.',
    ].join('\n');
    expect(renderMarkdownSubset(md)).toBe(
      [
        '<h3>Top</h3>',
        '<p>First line\nsecond line with <strong>bold</strong> and <code>a &lt; b</code>.</p>',
        '<ul><li>star item</li><li>dash item\ncontinued</li></ul>',
        '<h4>Deep</h4>',
        '<pre><code>**not bold** &lt;tag&gt;</code></pre>',
        '<p>After.</p>',
      ].join('\n'),
    );
  });

  it('keeps bold markers inside code spans literal and leaves links and raw HTML as text', () => {
    expect(renderMarkdownSubset('`**x**` [y](javascript:alert(1)) <a href="z">')).toBe(
      '<p><code>**x**</code> [y](javascript:alert(1)) &lt;a href=&quot;z&quot;&gt;</p>',
    );
  });

  it('does not treat "#tag" or "-x" without a space as a heading or a list item', () => {
    expect(renderMarkdownSubset('#tag\n-x\n**a**b')).toBe('<p>#tag\n-x\n<strong>a</strong>b</p>');
  });

  it('closes an unterminated code fence at the end and escapes CRLF input', () => {
    expect(renderMarkdownSubset('para\r\n```\r\n<x>')).toBe('<p>para</p>\n<pre><code>&lt;x&gt;</code></pre>');
  });
});
