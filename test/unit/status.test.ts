import * as assert from "node:assert/strict";
import { unhealthySources, waitForSources, type SourceStatus } from "../../provider/checks/status";
import { expectedSources } from "../../sdk";

const row = (accountId: string, region: string, status: SourceStatus["status"], extra: Partial<SourceStatus> = {}): SourceStatus => ({
    accountId,
    region,
    sourceType: "ACCOUNT",
    status,
    ...extra,
});
const AGGREGATOR = { accountId: "111122223333", region: "us-east-1", name: "org" };

describe("expectedSources", () => {
    it("turns an accountAggregationSource into every account × region, and keeps a list as it is", () => {
        assert.deepEqual(expectedSources({ accountIds: ["123456789012", "444455556666"], regions: ["eu-west-1", "us-east-1"] }), [
            { accountId: "123456789012", region: "eu-west-1" },
            { accountId: "123456789012", region: "us-east-1" },
            { accountId: "444455556666", region: "eu-west-1" },
            { accountId: "444455556666", region: "us-east-1" },
        ]);
        assert.deepEqual(expectedSources([{ accountId: "123456789012", region: "eu-west-1" }]), [
            { accountId: "123456789012", region: "eu-west-1" },
        ]);
    });
});

describe("unhealthySources", () => {
    it("names an OUTDATED source as catching up, a missing one as not a source, and leaves succeeded ones out", () => {
        const rows = [
            row("123456789012", "eu-west-1", "SUCCEEDED"),
            row("123456789012", "us-east-1", "OUTDATED", { lastUpdateTime: "2026-01-01T00:00:00.000Z" }),
        ];
        const out = unhealthySources(
            rows,
            [
                { accountId: "123456789012", region: "us-east-1" },
                { accountId: "123456789012", region: "eu-west-1" },
                { accountId: "444455556666", region: "eu-west-1" },
            ],
            AGGREGATOR,
        );
        assert.deepEqual(
            out.map((u) => u.reason),
            [
                "123456789012/us-east-1: OUTDATED, last updated 2026-01-01T00:00:00.000Z; AWS Config has not brought this source's latest data yet; it may catch up",
                "444455556666/eu-west-1: not a source of aggregator org: add account 444455556666 and region eu-west-1 to its account aggregation sources",
            ],
        );
        assert.deepEqual(out[0].status, rows[1]);
        assert.equal(out[1].status, undefined);
    });
});

describe("waitForSources", () => {
    /** A fake clock that sleeping advances, and the reads it answers in turn. */
    function fake(answers: SourceStatus[][], readMs = 10) {
        let now = 0;
        const slept: number[] = [];
        let reads = 0;
        return {
            slept,
            options: {
                clock: () => now,
                sleep: async (ms: number) => {
                    slept.push(ms);
                    now += ms;
                },
            },
            read: async () => {
                now += readMs;
                return answers[Math.min(reads++, answers.length - 1)];
            },
        };
    }
    const expected = [{ accountId: "123456789012", region: "eu-west-1" }];

    it("reads until every expected source has succeeded, telling each wait", async () => {
        const f = fake([
            [row("123456789012", "eu-west-1", "FAILED")],
            [row("123456789012", "eu-west-1", "OUTDATED")],
            [row("123456789012", "eu-west-1", "SUCCEEDED")],
        ]);
        const progress: string[] = [];
        const r = await waitForSources(f.read, expected, AGGREGATOR, {
            ...f.options,
            timeoutMs: 90_000,
            intervalMs: 30_000,
            onProgress: (m) => progress.push(m),
        });
        assert.equal(r.reads, 3);
        assert.deepEqual(r.unhealthy, []);
        assert.deepEqual(f.slept, [30_000, 30_000]);
        assert.deepEqual(progress, [
            "aggregator org: 0 of 1 expected sources succeeded; waiting for 123456789012/eu-west-1 (FAILED); next read in 30 s, giving up after 90 s",
            "aggregator org: 0 of 1 expected sources succeeded; waiting for 123456789012/eu-west-1 (OUTDATED); next read in 30 s, giving up after 90 s",
        ]);
    });

    it("stops before a read that would end after the time is up, and returns what is still unhealthy", async () => {
        const f = fake([[row("123456789012", "eu-west-1", "FAILED")]]);
        const r = await waitForSources(f.read, expected, AGGREGATOR, { ...f.options, timeoutMs: 65_000, intervalMs: 30_000 });
        // Reads end at 10 ms, 30.02 s and 60.03 s; a fourth would start after 90 s.
        assert.equal(r.reads, 3);
        assert.deepEqual(f.slept, [30_000, 30_000]);
        assert.deepEqual(
            r.unhealthy.map((u) => `${u.accountId}/${u.region}`),
            ["123456789012/eu-west-1"],
        );
    });
});
