/**
 * The trend of a floor's time over its sampled sizes, to extrapolate it: the least-squares fit of
 * t(N) = a + b·N + c·N² with a, b, c ≥ 0 (start-up, per resource, per resource per step: the engine
 * rewrites the state after each), over every subset of the terms; on a tie, fewer and lower-order terms.
 */

export type Point = { n: number; y: number };

/** a, b, c of a + b·N + c·N² (0 for a term left out), the value at `n`, and the formula, e.g. `0.81 + 0.0021·N + 1.2e-6·N²`. */
export type Fit = { coefficients: readonly [number, number, number]; points: readonly Point[]; at(n: number): number; formula: string };

const TERMS = [(_n: number) => 1, (n: number) => n, (n: number) => n * n];
const NAMES = ["", "·N", "·N²"];

/** Solves the square system `m x = v` by Gaussian elimination with partial pivoting; undefined when singular. */
function solve(m: number[][], v: number[]): number[] | undefined {
    const k = v.length;
    const a = m.map((row, i) => [...row, v[i]]);
    for (let col = 0; col < k; col++) {
        let pivot = col;
        for (let r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
        if (Math.abs(a[pivot][col]) < 1e-12) return undefined;
        [a[col], a[pivot]] = [a[pivot], a[col]];
        for (let r = 0; r < k; r++) for (let c = k, f = a[r][col] / a[col][col]; r !== col && c >= col; c--) a[r][c] -= f * a[col][c];
    }
    return a.map((row, i) => row[k] / row[i]);
}

/** Three significant digits; small ones as 4.0e-5. */
const short = (x: number, r = Number(x.toPrecision(3))) => (r >= 0.01 || r === 0 ? String(r) : r.toExponential(1));

/** The fit of `points` (at least two distinct sizes), or undefined with fewer. */
export function fitTrend(points: Point[]): Fit | undefined {
    const sizes = new Set(points.map((p) => p.n));
    if (sizes.size < 2) return undefined;
    // N in thousands keeps the normal equations well conditioned.
    const scale = 1000;
    const xs = points.map((p) => p.n / scale);
    let best: { sse: number; terms: number[]; coef: number[] } | undefined;
    // Subsets in order of preference on a tie: fewer terms first, then lower order.
    const subsets = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]].filter((s) => s.length <= sizes.size);
    for (const terms of subsets) {
        const rows = xs.map((x) => terms.map((t) => TERMS[t](x)));
        const m = terms.map((_, i) => terms.map((_, j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
        const v = terms.map((_, i) => rows.reduce((s, r, k) => s + r[i] * points[k].y, 0));
        const coef = solve(m, v);
        if (!coef || coef.some((c) => c < 0)) continue;
        const sse = rows.reduce((s, r, k) => s + (r.reduce((y, x, i) => y + x * coef[i], 0) - points[k].y) ** 2, 0);
        const total = points.reduce((s, p) => s + p.y * p.y, 0);
        if (!best || sse < best.sse - 1e-9 * Math.max(total, 1e-12)) best = { sse, terms, coef };
    }
    if (!best) return undefined;
    const coefficients: [number, number, number] = [0, 0, 0];
    best.terms.forEach((t, i) => (coefficients[t] = best!.coef[i] / scale ** t));
    const at = (n: number) => coefficients[0] + coefficients[1] * n + coefficients[2] * n * n;
    const formula = best.terms.map((t) => `${short(coefficients[t])}${NAMES[t]}`).join(" + ");
    return { coefficients, points, at, formula };
}
