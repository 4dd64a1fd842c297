/**
 * @module validate/expectations/catalogue
 * Every expectation type Kiln knows, by its Great Expectations name, with the full set of kwargs it
 * accepts (its own plus its family's common ones).
 */
import { columnAggregateExpectations } from './column-aggregate.js';
import { columnMapExpectations } from './column-map.js';
import { commonKwargs } from './kwargs.js';
import { multiColumnExpectations } from './multi-column.js';
import { tableExpectations } from './table.js';
import type { ExpectationDefinition, KwargSpec } from './types.js';

const ALL: readonly ExpectationDefinition[] = [
  ...tableExpectations,
  ...columnMapExpectations,
  ...columnAggregateExpectations,
  ...multiColumnExpectations,
];

const BY_TYPE: ReadonlyMap<string, ExpectationDefinition> = new Map(ALL.map((d) => [d.type, d]));

/** The catalogue, in documentation order. */
export function listExpectations(): readonly ExpectationDefinition[] {
  return ALL;
}

/** The definition of an expectation type, or undefined when Kiln does not know it. */
export function findExpectation(type: string): ExpectationDefinition | undefined {
  return BY_TYPE.get(type);
}

/** Every kwarg the expectation accepts: its own, then its family's common ones. */
export function kwargSpecs(definition: ExpectationDefinition): Readonly<Record<string, KwargSpec>> {
  return { ...definition.kwargs, ...commonKwargs(definition.family) };
}
