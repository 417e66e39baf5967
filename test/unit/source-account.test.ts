/**
 * The pure parts of SourceAccountAuthorizations' provider: a region's view of the resource's state and
 * back (only differences recorded), and the bounded fan-out over regions.
 */
import * as assert from "node:assert/strict";
import { eachRegion, PROCESS_CONCURRENCY, record, regionState, REGION_CONCURRENCY } from "../../provider/source-account/provider";
import type { SourceAccountOutputs } from "../../provider/source-account/types";
import { Run } from "../../provider/core/run";

const ARN = (r: string) => `arn:aws:config:${r}:444455556666:aggregation-authorization/111122223333/us-east-1`;
const state = (): SourceAccountOutputs => ({
    authorizedAccountId: "111122223333",
    authorizedAwsRegion: "us-east-1",
    regions: ["eu-west-1", "us-east-1"],
    tags: { team: "platform" },
    tagsAll: { team: "platform", env: "prod" },
    owner: "org/p/s/a sha256:00000000000000000000000000000000",
    assumeRole: { roleArn: "arn:aws:iam::444455556666:role/r" },
    accountId: "444455556666",
    arns: { "eu-west-1": ARN("eu-west-1"), "us-east-1": ARN("us-east-1") },
    creationTimes: { "eu-west-1": "2026-01-01T00:00:00.000Z", "us-east-1": "2026-01-02T00:00:00.000Z" },
    creationIds: { "eu-west-1": "0123456789abcdef", "us-east-1": "fedcba9876543210" },
});

describe("SourceAccountAuthorizations state", () => {
    it("gives a region the single resource's state: the common view, its ARN, creation time and creation ID", () => {
        assert.deepEqual(regionState(state(), "us-east-1"), {
            authorizedAccountId: "111122223333",
            authorizedAwsRegion: "us-east-1",
            region: "us-east-1",
            tags: { team: "platform" },
            tagsAll: { team: "platform", env: "prod" },
            owner: "org/p/s/a sha256:00000000000000000000000000000000",
            assumeRole: { roleArn: "arn:aws:iam::444455556666:role/r" },
            arn: ARN("us-east-1"),
            accountId: "444455556666",
            creationTime: "2026-01-02T00:00:00.000Z",
            creationId: "fedcba9876543210",
            adopted: false,
        });
    });

    it("records a region as it came back, adding nothing when it matches the common view", () => {
        const o = state();
        record(o, "us-east-1", regionState(o, "us-east-1"));
        assert.deepEqual(o, state());
    });

    it("records only what differs: adopted, other tags, the owner tag missing; and forgets a removed region entirely", () => {
        const o = state();
        const adopted = { ...regionState(o, "eu-west-1"), adopted: true, tagsAll: { team: "platform" }, foundTagKeys: ["x"] };
        delete adopted.creationId;
        record(o, "eu-west-1", adopted);
        const untagged = regionState(o, "us-east-1");
        delete untagged.owner;
        record(o, "us-east-1", untagged);
        assert.deepEqual(o.exceptions, {
            "eu-west-1": { adopted: true, foundTagKeys: ["x"], tagsAll: { team: "platform" } },
            "us-east-1": { ownerTagMissing: true },
        });
        assert.deepEqual(o.creationIds, { "us-east-1": "fedcba9876543210" });
        assert.equal(regionState(o, "us-east-1").owner, undefined, "the next diff sees the owner tag to write back");
        assert.deepEqual(regionState(o, "eu-west-1").tagsAll, { team: "platform" });
        record(o, "eu-west-1", undefined);
        assert.deepEqual(o.regions, ["us-east-1"]);
        assert.deepEqual(Object.keys(o.arns), ["us-east-1"]);
        assert.deepEqual(o.exceptions, { "us-east-1": { ownerTagMissing: true } });
    });

    it("works on every region at once (within REGION_CONCURRENCY), and reports each outcome in region order", async () => {
        const regions = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, "0")}`);
        let running = 0;
        let peak = 0;
        const out = await eachRegion(new Run(), regions, async (r) => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((res) => setTimeout(res, r === "r03" ? 20 : 1));
            running--;
            if (r === "r05") throw new Error("boom");
            return r.toUpperCase();
        });
        assert.equal(peak, Math.min(regions.length, REGION_CONCURRENCY, PROCESS_CONCURRENCY));
        assert.deepEqual(
            out.map((o) => o.region),
            regions,
        );
        assert.deepEqual(out[4], { region: "r04", ok: true, value: "R04" });
        assert.equal(out[5].ok, false);
        assert.equal(!out[5].ok && out[5].error.message, "boom");
    });
    it("works on at most PROCESS_CONCURRENCY authorizations at once across all resources of the process", async () => {
        let running = 0;
        let peak = 0;
        const work = async () => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((res) => setTimeout(res, 5));
            running--;
        };
        const n = Math.ceil(PROCESS_CONCURRENCY / 17) + 2;
        const resources = Array.from({ length: n }, (_, i) => Array.from({ length: 17 }, (_, j) => `a${i}-r${j}`));
        const run = new Run(); // one run: its process-wide gate
        const outcomes = await Promise.all(resources.map((regions) => eachRegion(run, regions, work)));
        assert.equal(n * 17 > PROCESS_CONCURRENCY, true, "the resources would run more at once than the process allows");
        assert.equal(peak, PROCESS_CONCURRENCY);
        assert.equal(outcomes.flat().filter((o) => o.ok).length, n * 17);
    });
});
