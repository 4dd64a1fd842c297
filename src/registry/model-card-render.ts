/**
 * @module registry/model-card-render
 * Renders a composed model card as Markdown or as one self-contained HTML page. The HTML page has
 * inline CSS, no scripts and no external resources (its Content-Security-Policy forbids them too);
 * every user-supplied string is HTML-escaped before anything else touches it, and authored Markdown
 * is rendered through a small safe subset ({@link renderMarkdownSubset}) rather than a full parser.
 */
import type { CardFact, ComposedModelCard, ComposedSection } from './model-card.js';

/**
 * The card as Markdown: `#` title, one `##` heading per section in order, Kiln's facts as bullet
 * lists and tables, then the authored Markdown as written, or the section's prompt marked
 * "Not yet written". Fact values are escaped for Markdown (`\`, `` ` ``, `*`, `[`, `]`, `<`, `>`,
 * `|`, `&`) so they cannot become links, HTML or table cells; authored text is left as its author
 * wrote it, so whoever turns this Markdown into HTML must sanitise it as any user Markdown.
 */
export function renderModelCardMarkdown(card: ComposedModelCard): string {
  const out: string[] = [`# Model card: ${mdText(card.title)}`];
  for (const section of card.sections) {
    out.push(`## ${section.title}`);
    for (const fact of section.facts) out.push(factMarkdown(fact));
    out.push(
      section.text === null
        ? `*Not yet written.* ${section.prompt}`
        : section.text.replace(/\r\n?/g, '\n').trim(),
    );
  }
  return `${out.join('\n\n')}\n`;
}

function factMarkdown(fact: CardFact): string {
  switch (fact.kind) {
    case 'fields':
      return fact.rows.map((r) => `- **${mdText(r.label)}:** ${mdText(r.value)}`).join('\n');
    case 'note':
      return `*${mdText(fact.text)}*`;
    case 'table': {
      const row = (cells: readonly string[]) => `| ${cells.map((c) => mdText(c)).join(' | ')} |`;
      return [
        `**${mdText(fact.caption)}**`,
        '',
        row(fact.columns),
        `|${fact.columns.map(() => ' --- |').join('')}`,
        ...fact.rows.map(row),
      ].join('\n');
    }
  }
}

/** One line of plain text made inert in Markdown: whitespace collapsed, syntax characters escaped. */
function mdText(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*[\]<>|&]/g, (c) => `\\${c}`);
}

/**
 * The card as a complete HTML document (UTF-8, inline CSS, no scripts, no external resources):
 * a title, a table of contents, and each section with Kiln's facts marked "Recorded by Kiln",
 * the authored text through {@link renderMarkdownSubset}, or the prompt marked "Not yet written".
 */
export function renderModelCardHtml(card: ComposedModelCard): string {
  const title = `Model card: ${card.title}`;
  const toc = card.sections.map((s) => `<li><a href="#${s.key}">${escapeHtml(s.title)}</a></li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<nav aria-label="Sections"><ol>${toc}</ol></nav>
${card.sections.map(sectionHtml).join('\n')}
</main>
</body>
</html>
`;
}

function sectionHtml(s: ComposedSection): string {
  const parts = [`<section id="${s.key}">`, `<h2>${escapeHtml(s.title)}</h2>`];
  if (s.facts.length > 0) {
    parts.push(
      `<div class="facts"><p class="source">Recorded by Kiln</p>${s.facts.map(factHtml).join('')}</div>`,
    );
  }
  parts.push(
    s.text === null
      ? `<p class="missing"><strong>Not yet written.</strong> ${escapeHtml(s.prompt)}</p>`
      : `<div class="authored">${renderMarkdownSubset(s.text)}</div>`,
    '</section>',
  );
  return parts.join('\n');
}

function factHtml(fact: CardFact): string {
  switch (fact.kind) {
    case 'fields':
      return `<table class="fields"><tbody>${fact.rows
        .map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`)
        .join('')}</tbody></table>`;
    case 'note':
      return `<p class="note">${escapeHtml(fact.text)}</p>`;
    case 'table':
      return `<table><caption>${escapeHtml(fact.caption)}</caption><thead><tr>${fact.columns
        .map((c) => `<th scope="col">${escapeHtml(c)}</th>`)
        .join('')}</tr></thead><tbody>${fact.rows
        .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
  }
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `& < > " '` so a string is inert in HTML text and in quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Renders a safe subset of Markdown to HTML. The whole text is HTML-escaped first, so the only
 * tags in the result are the ones this function writes. Supported: paragraphs (blank-line
 * separated), `-` or `*` bullet lists, headings `#`…`######` (levels 1–3 become `<h3>`, below the
 * section's `<h2>`; 4–6 keep their level), fenced code blocks (```), `**bold**` and `` `code` ``.
 * Anything else, links and raw HTML included, shows as the literal text.
 */
export function renderMarkdownSubset(markdown: string): string {
  const lines = escapeHtml(markdown).replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  let items: string[] = [];
  let code: string[] | null = null;
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join('\n'))}</p>`);
    if (items.length > 0) out.push(`<ul>${items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`);
    paragraph = [];
    items = [];
  };
  for (const line of lines) {
    const fence = /^\s*```/.test(line);
    if (code !== null) {
      if (fence) {
        out.push(`<pre><code>${code.join('\n')}</code></pre>`);
        code = null;
      } else {
        code.push(line);
      }
      continue;
    }
    if (fence) {
      flush();
      code = [];
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading) {
      flush();
      const level = Math.max(3, heading[1]!.length);
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
      continue;
    }
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (item) {
      if (paragraph.length > 0) flush();
      items.push(item[1]!);
    } else if (items.length > 0 && /^\s+\S/.test(line)) {
      // an indented line continues the previous list item
      items[items.length - 1] += `\n${line.trim()}`;
    } else {
      if (items.length > 0) flush();
      paragraph.push(line);
    }
  }
  if (code !== null) out.push(`<pre><code>${code.join('\n')}</code></pre>`);
  flush();
  return out.join('\n');
}

/** `code` spans first (their content stays literal), then `**bold**` in the text between them. */
function inline(escaped: string): string {
  return escaped
    .split(/(`[^`]+`)/)
    .map((part, i) =>
      i % 2 === 1
        ? `<code>${part.slice(1, -1)}</code>`
        : part.replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>'),
    )
    .join('');
}

const CSS = [
  'body{margin:0;background:#fafafa;color:#1f2328;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
  'main{max-width:52rem;margin:0 auto;padding:2rem 1.25rem 4rem;background:#fff}',
  'h1{font-size:1.7rem;margin:0 0 1rem}',
  'h2{font-size:1.3rem;margin:2.2rem 0 .6rem;padding-bottom:.25rem;border-bottom:1px solid #d0d7de}',
  'h3,h4,h5,h6{font-size:1.05rem;margin:1.2rem 0 .4rem}',
  'nav ol{columns:2;margin:0 0 1rem;padding-left:1.4rem}',
  'a{color:#0969da}',
  'table{border-collapse:collapse;margin:.6rem 0 1rem;width:100%}',
  'caption{text-align:left;font-weight:600;padding:.2rem 0}',
  'th,td{border:1px solid #d0d7de;padding:.3rem .55rem;text-align:left;vertical-align:top}',
  'thead th{background:#f6f8fa}',
  '.fields th{width:12rem;background:#f6f8fa;font-weight:600}',
  '.fields td{white-space:pre-wrap;word-break:break-word}',
  '.facts{margin:.4rem 0 1rem}',
  '.source{margin:0;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:#59636e}',
  '.note{color:#59636e;font-style:italic}',
  '.missing{color:#59636e;border-left:3px solid #d4a72c;padding:.3rem .8rem;background:#fff8c5}',
  'code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;padding:.1em .3em;border-radius:4px}',
  'pre{background:#f6f8fa;padding:.8rem;overflow:auto;border-radius:6px}',
  'pre code{padding:0;background:none}',
  '@media print{body{background:#fff}main{padding:0}nav{display:none}}',
].join('');
