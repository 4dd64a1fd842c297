// Puts Kiln's, the limit's and the peer's answers for the suite in one shape and compares them:
// per expectation `success`, and — for row-wise expectations — the non-missing and unexpected counts,
// for the others the observed value (numbers to a relative 1e-9, since parallel float sums differ in
// the last bits; lists of columns compared as sets).

/** Kiln's GX-shaped result as `{success, non_missing, unexpected_count}` / `{success, observed_value}`. */
export function kilnResults(validation) {
  return validation.results.map((r) => {
    const x = r.result;
    if (x.unexpected_count !== undefined) {
      return {
        success: r.success,
        non_missing: x.element_count - (x.missing_count ?? 0),
        unexpected_count: x.unexpected_count,
      };
    }
    return { success: r.success, observed_value: x.observed_value };
  });
}

function sameValue(a, b) {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const sa = [...a].map(String).sort();
    const sb = [...b].map(String).sort();
    return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
  }
  return a === b;
}

/**
 * The differences between two answers (`[]` when they agree), each naming the expectation (index and
 * type), the field and both values.
 */
export function compareResults(suite, reference, referenceName, other, otherName) {
  const problems = [];
  if (other.length !== reference.length) {
    problems.push(`${otherName} has ${other.length} results, ${referenceName} ${reference.length}`);
    return problems;
  }
  reference.forEach((ref, i) => {
    const got = other[i];
    const type = suite.expectations[i]?.type ?? '?';
    for (const field of ['success', 'non_missing', 'unexpected_count', 'observed_value']) {
      if (ref[field] === undefined && got[field] === undefined) continue;
      if (!sameValue(ref[field], got[field])) {
        problems.push(
          `expectations[${i}] ${type}: ${field}: ${referenceName} ${JSON.stringify(ref[field])}, ${otherName} ${JSON.stringify(got[field])}`,
        );
      }
    }
  });
  return problems;
}
