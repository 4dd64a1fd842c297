/**
 * @module validate/profile/suggestion-rules
 * The names, defaults and one-line meanings of the suite-suggestion rules. They follow Deequ's
 * constraint-suggestion rules (Schelter et al., "Automating large-scale data quality
 * verification", VLDB 2018), expressed as Great Expectations expectations.
 */

export type SuggestionRule =
  | 'table_columns'
  | 'table_row_count'
  | 'complete_if_complete'
  | 'retain_completeness'
  | 'retain_type'
  | 'categorical_range'
  | 'non_negative_numbers'
  | 'numeric_range'
  | 'unique_if_approximately_unique';

/** What each rule checks and what it suggests; printed in the header of a suggested suite file. */
export const RULE_DESCRIPTIONS: Readonly<Record<SuggestionRule, string>> = {
  table_columns: 'the columns, in order → expect_table_columns_to_match_ordered_list',
  table_row_count:
    'the row count n → expect_table_row_count_to_be_between [floor(n / f), ceil(n × f)], f = rowCountFactor',
  complete_if_complete: 'no nulls seen → expect_column_values_to_not_be_null',
  retain_completeness:
    'completeness p in (0.2, 1) → not_be_null with mostly = lower 95 % bound of p, floored to 2 decimals',
  retain_type: 'the DuckDB type → expect_column_values_to_be_of_type',
  categorical_range:
    'string/boolean, every value seen, ≤ maxCategories values, ≤ 10 % of them seen once → expect_column_values_to_be_in_set',
  non_negative_numbers: 'numeric with min ≥ 0 → expect_column_values_to_be_between {min_value: 0}',
  numeric_range: '(opt-in) numeric → expect_column_values_to_be_between [observed min, observed max]',
  unique_if_approximately_unique:
    'integer/string/UUID column whose most frequent value occurs once (every value distinct, exact) → ' +
    'expect_column_values_to_be_unique',
};

/** The rules run when none are named: all but the opt-in `numeric_range`. */
export const DEFAULT_RULES: readonly SuggestionRule[] = [
  'table_columns',
  'table_row_count',
  'complete_if_complete',
  'retain_completeness',
  'retain_type',
  'categorical_range',
  'non_negative_numbers',
  'unique_if_approximately_unique',
];

export const ALL_RULES: readonly SuggestionRule[] = [...DEFAULT_RULES, 'numeric_range'];
