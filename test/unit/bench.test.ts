/**
 * The bench's own arithmetic (bench/fit.ts, bench/targets.ts): the trend a floor is extrapolated
 * along, and how a figure is judged against its target.
 */
import * as assert from "node:assert/strict";
import { fitTrend } from "../../bench/fit";
import { judge, TARGETS } from "../../bench/targets";

describe("bench: the trend a floor is extrapolated along", () => {
    it("recovers a quadratic from three samples and extrapolates it", () => {
        const t = (n: number) => 2 + 0.01 * n + 4e-5 * n * n;
        const fit = fitTrend([250, 500, 1000].map((n) => ({ n, y: t(n) })))!;
        assert.ok(Math.abs(fit.at(5100) - t(5100)) < 1e-6 * t(5100), `${fit.at(5100)} vs ${t(5100)}`);
        assert.equal(fit.formula, "2 + 0.01·N + 4.0e-5·N²");
    });

    it("fits a line through two samples rather than guessing a parabola", () => {
        const fit = fitTrend([
            { n: 60, y: 3 },
            { n: 120, y: 5 },
        ])!;
        assert.deepEqual(
            fit.coefficients.map((c) => Number(c.toFixed(6))),
            [1, 1 / 30, 0].map((c) => Number(c.toFixed(6))),
        );
        assert.equal(Number(fit.at(240).toFixed(6)), 9);
    });

    it("never fits a falling trend: noise that would make a term negative drops the term", () => {
        const fit = fitTrend([
            { n: 250, y: 10 },
            { n: 500, y: 9.5 },
            { n: 1000, y: 10.5 },
        ])!;
        assert.ok(
            fit.coefficients.every((c) => c >= 0),
            String(fit.coefficients),
        );
        assert.ok(fit.at(5100) >= 10);
    });

    it("does not extrapolate from a single size", () => {
        assert.equal(
            fitTrend([
                { n: 250, y: 10 },
                { n: 250, y: 11 },
            ]),
            undefined,
        );
    });
});

describe("bench: judging a figure against its target", () => {
    it("meets a target at its limit and misses it above, printing both figures", () => {
        assert.deepEqual(judge("organization/up", TARGETS["organization/up"].max), {
            met: true,
            text: "measured 90.00 s vs target ≤ 90.00 s",
        });
        assert.deepEqual(judge("organization/lean-floor-ratio", 0.25), { met: false, text: "measured 0.25× vs target ≤ 0.10×" });
        assert.deepEqual(judge("run/delete-calls", 1), { met: true, text: "measured 1 call vs target ≤ 1 call" });
    });

    it("says not measured when there is no figure", () => {
        assert.deepEqual(judge("organization/refresh", undefined), { met: undefined, text: "not measured (target ≤ 60.00 s)" });
        assert.equal(judge("organization/refresh", NaN).met, undefined);
    });
});
