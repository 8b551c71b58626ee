/**
 * "Did you mean": the closest candidate by edit distance (Damerau–Levenshtein, optimal string
 * alignment, case-insensitive), or undefined when nothing is close enough to be a typo.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  // A typo changes a few characters: allow 1 for short words, up to a third of the word.
  const limit = Math.max(1, Math.min(4, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (Math.abs(c.length - w.length) >= bestDistance) continue;
    const d = distance(w, c, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Edit distance with adjacent transpositions; stops early once every cell exceeds `cap`. */
export function distance(a: string, b: string, cap = Infinity): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      row.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= cap) return rowMin;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}
