/**
 * @module registry/model-card
 * Model cards, with the nine sections of Mitchell et al. 2019, "Model Cards for Model Reporting".
 * A stored card holds only what people wrote: Markdown text per section. {@link composeModelCard}
 * adds what Kiln already knows about the version (details, signature, metrics, lineage), so a card is
 * useful before anyone writes a word, and shows every unwritten section with its prompt instead of
 * leaving it out.
 */
import { KilnError } from '../core/errors.js';
import type { ModelVersion } from './registry-types.js';

/** The sections, in the paper's order. */
export const MODEL_CARD_SECTIONS = [
  'model_details',
  'intended_use',
  'factors',
  'metrics',
  'evaluation_data',
  'training_data',
  'quantitative_analyses',
  'ethical_considerations',
  'caveats_and_recommendations',
] as const;
export type ModelCardSection = (typeof MODEL_CARD_SECTIONS)[number];

export interface ModelCardSectionInfo {
  readonly title: string;
  /** One line: what the section should say, after the paper. */
  readonly prompt: string;
}

/** Human title and prompt of each section. */
export const MODEL_CARD_SECTION_INFO: Readonly<Record<ModelCardSection, ModelCardSectionInfo>> = {
  model_details: {
    title: 'Model Details',
    prompt:
      'Who developed the model and when, its version and type, the training algorithm and parameters, any paper or citation, the license, and where to send questions.',
  },
  intended_use: {
    title: 'Intended Use',
    prompt: 'The primary intended uses and users, and the use cases that are out of scope.',
  },
  factors: {
    title: 'Factors',
    prompt:
      "The groups, instruments and environments whose differences could change the model's performance, and which of them were evaluated.",
  },
  metrics: {
    title: 'Metrics',
    prompt:
      'The performance measures reported and why they were chosen, the decision thresholds, and how variation and uncertainty were estimated.',
  },
  evaluation_data: {
    title: 'Evaluation Data',
    prompt: 'The datasets the model was evaluated on, why they were chosen, and how they were preprocessed.',
  },
  training_data: {
    title: 'Training Data',
    prompt:
      'Where the training data came from and how it is distributed over the factors above, as far as it can be shared.',
  },
  quantitative_analyses: {
    title: 'Quantitative Analyses',
    prompt: 'Results broken down by each factor and by intersections of factors, with confidence intervals.',
  },
  ethical_considerations: {
    title: 'Ethical Considerations',
    prompt:
      'Sensitive data used, effects on human life, risks and harms, the mitigations taken, and fraught use cases.',
  },
  caveats_and_recommendations: {
    title: 'Caveats and Recommendations',
    prompt:
      'Concerns the sections above do not cover, known limitations, and recommendations for further testing.',
  },
};

/** A stored card: the Markdown people wrote, per section. Absent sections are not yet written. */
export type ModelCard = { readonly [S in ModelCardSection]?: string };

/** An edit: new Markdown for a section, or `null` to clear it. Sections not named stay as they are. */
export type ModelCardEdit = { readonly [S in ModelCardSection]?: string | null };

/** Longest Markdown accepted for one section, in UTF-8 bytes. */
export const MAX_SECTION_BYTES = 64 * 1024;

const SECTION_SET: ReadonlySet<string> = new Set(MODEL_CARD_SECTIONS);

/**
 * Validates an edit from a request body or the CLI. Throws INVALID_ARGUMENT when `input` is not an
 * object, when a key is not a section (the message lists the valid ones), or when a value is neither
 * a string of at most {@link MAX_SECTION_BYTES} UTF-8 bytes nor `null`.
 */
export function parseModelCardEdit(input: unknown): ModelCardEdit {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new KilnError(
      'INVALID_ARGUMENT',
      `card: expected an object of section → Markdown text or null, got ${kindOf(input)}`,
      {
        field: 'card',
        expected: 'an object',
      },
    );
  }
  const out: { [S in ModelCardSection]?: string | null } = {};
  for (const [key, value] of Object.entries(input)) {
    if (!SECTION_SET.has(key)) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `card: unknown section ${JSON.stringify(key)}; sections are ${MODEL_CARD_SECTIONS.join(', ')}`,
        { field: `card.${key}`, expected: [...MODEL_CARD_SECTIONS] },
      );
    }
    const section = key as ModelCardSection;
    if (value !== null && typeof value !== 'string') {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `card.${key}: expected Markdown text or null, got ${kindOf(value)}`,
        {
          field: `card.${key}`,
          expected: 'a string or null',
        },
      );
    }
    if (typeof value === 'string') {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > MAX_SECTION_BYTES) {
        throw new KilnError(
          'INVALID_ARGUMENT',
          `card.${key}: expected at most ${MAX_SECTION_BYTES} bytes of text, got ${bytes}`,
          {
            field: `card.${key}`,
            expected: `at most ${MAX_SECTION_BYTES} bytes`,
            got: bytes,
          },
        );
      }
    }
    out[section] = value;
  }
  return out;
}

/**
 * Returns a new card with the edit applied; `card` is not changed. `null`, an empty or an
 * all-whitespace text clears the section, so it shows as not yet written again.
 */
export function applyModelCardEdit(card: ModelCard, edit: ModelCardEdit): ModelCard {
  const out: { [S in ModelCardSection]?: string } = {};
  for (const section of MODEL_CARD_SECTIONS) {
    const edited = edit[section];
    const next = edited === undefined ? card[section] : edited;
    if (typeof next === 'string' && next.trim() !== '') out[section] = next;
  }
  return out;
}

/** A label and a plain-text value (never Markdown). */
export interface CardField {
  readonly label: string;
  readonly value: string;
}

/** A block of facts Kiln filled in. All strings are plain text; renderers escape them. */
export type CardFact =
  | { readonly kind: 'fields'; readonly rows: readonly CardField[] }
  | {
      readonly kind: 'table';
      readonly caption: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
    }
  | { readonly kind: 'note'; readonly text: string };

export interface ComposedSection {
  readonly key: ModelCardSection;
  readonly title: string;
  readonly prompt: string;
  /** What Kiln knows for this section; may be empty. */
  readonly facts: readonly CardFact[];
  /** The authored Markdown, or `null` when nobody has written this section yet. */
  readonly text: string | null;
}

/** A card ready to render: every section, in order, with facts and authored text. */
export interface ComposedModelCard {
  readonly model: string;
  readonly version: number;
  readonly title: string;
  readonly sections: readonly ComposedSection[];
}

/** The model-level fields a card shows. */
export interface ModelCardModelInfo {
  readonly name: string;
  readonly description: string;
  readonly owner: string;
}

/**
 * Joins the stored card with what Kiln recorded about the version: model details (identity,
 * status, creator, artifact digest and size, ONNX producer, IR version and opsets, signature,
 * feature columns, parameters), the metrics table, and the lineage datasets and run under both
 * data sections. Every section is present, in {@link MODEL_CARD_SECTIONS} order.
 */
export function composeModelCard(
  version: ModelVersion,
  card: ModelCard,
  model: ModelCardModelInfo,
): ComposedModelCard {
  const facts: Record<ModelCardSection, CardFact[]> = {
    model_details: modelDetailFacts(version, model),
    intended_use: [],
    factors: [],
    metrics: metricFacts(version),
    evaluation_data: lineageFacts(version, false),
    training_data: lineageFacts(version, true),
    quantitative_analyses: [],
    ethical_considerations: [],
    caveats_and_recommendations: [],
  };
  return {
    model: model.name,
    version: version.version,
    title: `${model.name} version ${version.version}`,
    sections: MODEL_CARD_SECTIONS.map((key) => {
      const text = card[key];
      return {
        key,
        title: MODEL_CARD_SECTION_INFO[key].title,
        prompt: MODEL_CARD_SECTION_INFO[key].prompt,
        facts: facts[key],
        text: typeof text === 'string' && text.trim() !== '' ? text : null,
      };
    }),
  };
}

function modelDetailFacts(v: ModelVersion, model: ModelCardModelInfo): CardFact[] {
  const rows: CardField[] = [{ label: 'Model', value: model.name }];
  if (model.description) rows.push({ label: 'Model description', value: model.description });
  rows.push({ label: 'Version', value: String(v.version) });
  if (v.description) rows.push({ label: 'Version description', value: v.description });
  rows.push({
    label: 'Status',
    value: v.status === 'READY' || !v.statusMessage ? v.status : `${v.status}: ${v.statusMessage}`,
  });
  if (model.owner) rows.push({ label: 'Owner', value: model.owner });
  rows.push({ label: 'Created by', value: v.createdBy }, { label: 'Created at', value: v.createdAt });
  if (v.aliases.length > 0) rows.push({ label: 'Aliases', value: v.aliases.join(', ') });
  const tags = Object.entries(v.tags);
  if (tags.length > 0) rows.push({ label: 'Tags', value: tags.map(([k, t]) => `${k}=${t}`).join(', ') });
  if (v.digest) rows.push({ label: 'Artifact digest', value: `sha256:${v.digest}` });
  if (v.sizeBytes !== null) rows.push({ label: 'Size', value: formatSize(v.sizeBytes) });
  if (v.onnx) {
    const producer = [v.onnx.producerName, v.onnx.producerVersion].filter(Boolean).join(' ');
    if (producer) rows.push({ label: 'ONNX producer', value: producer });
    rows.push({ label: 'ONNX IR version', value: String(v.onnx.irVersion) });
    if (v.onnx.opsets.length > 0) {
      rows.push({
        label: 'Opsets',
        value: v.onnx.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', '),
      });
    }
  }
  const out: CardFact[] = [{ kind: 'fields', rows }];
  if (v.signature) {
    for (const [caption, specs] of [
      ['Inputs', v.signature.inputs],
      ['Outputs', v.signature.outputs],
    ] as const) {
      out.push({
        kind: 'table',
        caption,
        columns: ['Name', 'Datatype', 'Shape'],
        rows: specs.map((s) => [s.name, s.datatype, `[${s.shape.join(', ')}]`]),
      });
    }
  }
  if (v.featureSchema) {
    out.push({
      kind: 'table',
      caption: `Feature columns (input ${v.featureSchema.input})`,
      columns: ['Index', 'Column', 'Type', 'Description'],
      rows: v.featureSchema.columns.map((c, i) => [String(i), c.name, c.type, c.description ?? '']),
    });
  }
  const params = Object.entries(v.params);
  if (params.length > 0) {
    out.push({ kind: 'table', caption: 'Parameters', columns: ['Parameter', 'Value'], rows: params });
  }
  return out;
}

function metricFacts(v: ModelVersion): CardFact[] {
  const metrics = Object.entries(v.metrics);
  if (metrics.length === 0) return [{ kind: 'note', text: 'No metrics were recorded with this version.' }];
  return [
    {
      kind: 'table',
      caption: 'Recorded metrics',
      columns: ['Metric', 'Value'],
      rows: metrics.map(([k, m]) => [k, String(m)]),
    },
  ];
}

function lineageFacts(v: ModelVersion, training: boolean): CardFact[] {
  const out: CardFact[] = [];
  const datasets = v.lineage.datasets ?? [];
  if (training && v.lineage.run)
    out.push({ kind: 'fields', rows: [{ label: 'Training run', value: v.lineage.run }] });
  if (datasets.length > 0) {
    out.push({
      kind: 'table',
      caption: 'Datasets in lineage',
      columns: ['Dataset', 'Version'],
      rows: datasets.map((d) => {
        const at = d.lastIndexOf('@');
        return at < 0 ? [d, ''] : [d.slice(0, at), d.slice(at + 1)];
      }),
    });
    out.push({
      kind: 'note',
      text: 'Lineage lists the dataset versions the model was trained or evaluated on, without saying which.',
    });
  }
  if (out.length === 0) out.push({ kind: 'note', text: 'No lineage was recorded with this version.' });
  return out;
}

function formatSize(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let unit = '';
  for (const u of units) {
    if (n < 1024) break;
    n /= 1024;
    unit = u;
  }
  return unit ? `${bytes} bytes (${n.toFixed(1)} ${unit})` : `${bytes} bytes`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
