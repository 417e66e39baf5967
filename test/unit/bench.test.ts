/**
 * The bench's own arithmetic (bench/fit.ts, bench/targets.ts): the trend a floor is extrapolated
 * along, how a figure is judged against its target, and the report rendered from a run's summary.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fitTrend } from "../../bench/fit";
import { writeSection, type Summary } from "../../bench/report";
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

describe("bench: the report", () => {
    const repo = path.resolve(__dirname, "../../..");
    const committed = fs.readFileSync(path.join(repo, "BENCHMARKS.md"), "utf8");
    const summary = () => JSON.parse(fs.readFileSync(path.join(repo, "bench/summary.json"), "utf8")) as Summary;

    it("renders the committed summary to the committed BENCHMARKS.md, keeping the other sections", () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-")), "BENCHMARKS.md");
        fs.writeFileSync(out, committed);
        writeSection(out, "main", summary());
        assert.equal(fs.readFileSync(out, "utf8"), committed);
    });

    it("writes a section between its markers, in place of the earlier one", () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-")), "BENCHMARKS.md");
        const rows = [{ command: "up", stalled: "STS", n: 1, seconds: 75, exitCode: 1, connections: 2, outcome: "error: a | b" }];
        fs.writeFileSync(
            out,
            "# Benchmarks\n\n<!-- failures:start -->\nold\n<!-- failures:end -->\n\n<!-- organization:start -->\nkept\n<!-- organization:end -->\n",
        );
        writeSection(out, "failures", { ...summary(), rows, benchSeconds: 90 });
        const text = fs.readFileSync(out, "utf8");
        assert.ok(!text.includes("\nold\n") && text.includes("\nkept\n"), text);
        assert.match(
            text,
            /<!-- failures:start -->\n## Failing fast[\s\S]*Took 1\.5 min\.[\s\S]*\n\| up \| STS \| 1 \| 75\.0 \| \*\*no\*\* \| 1 \| 2 \| error: a \\\| b \|\n[\s\S]*<!-- failures:end -->\n\n<!-- organization/,
        );
    });
});
