/**
 * @module validate/expectations/close-names
 * "Did you mean …?" for expectation types, kwargs, type names and columns: the candidates within a
 * small edit distance (Levenshtein, case-insensitive), plus those that contain the name or are
 * contained in it, nearest first.
 */

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = row;
  }
  return prev[b.length];
}

/** Up to `limit` candidates close to `name`, nearest first. */
export function closeNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = name.toLowerCase();
  const allowed = Math.max(2, Math.floor(wanted.length / 4));
  const scored: { name: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const c = candidate.toLowerCase();
    const d = distance(wanted, c);
    if (d <= allowed) scored.push({ name: candidate, score: d });
    else if (wanted.length >= 4 && (c.includes(wanted) || wanted.includes(c)) && c.length >= 4) {
      scored.push({ name: candidate, score: allowed + Math.abs(c.length - wanted.length) });
    }
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  return scored.slice(0, limit).map((s) => s.name);
}
