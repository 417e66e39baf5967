import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AGGREGATOR_ACCOUNT, SOURCE_ACCOUNT, useAws } from "../harness/aws";
import { REPO, Stack, WORK, engineOwner } from "../harness/pulumi";
import { OWNER_TAG } from "../../provider/types";

describe("examples under the pulumi CLI", function () {
    this.timeout(10 * 60 * 1000);
    const aws = useAws();

    it("source-account authorizes every listed region; aggregator turns its outputs into aggregation sources", async () => {
        const backendDir = fs.mkdtempSync(path.join(WORK + "-examples-"));
        const source = await Stack.create(path.join(REPO, "examples/source-account"), aws.proxy.url, { stack: "dev", backendDir });
        const aggregator = await Stack.create(path.join(REPO, "examples/aggregator"), aws.proxy.url, { stack: "dev", backendDir });
        const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
        try {
            await source.setConfig({ aggregatorAccountId: AGGREGATOR_ACCOUNT, aggregatorRegion: "us-east-1" });
            for (const [i, region] of regions.entries())
                await source.run(["config", "set", "--stack", "dev", "--path", `sourceRegions[${i}]`, region]);
            await source.up();

            const arns: Record<string, string> = {};
            for (const region of regions) {
                const listed = await aws.list(region);
                assert.equal(listed.length, 1, region);
                assert.equal(listed[0].AuthorizedAccountId, AGGREGATOR_ACCOUNT);
                assert.equal(listed[0].AuthorizedAwsRegion, "us-east-1");
                arns[region] = listed[0].AggregationAuthorizationArn!;
                assert.deepEqual(await aws.tags(region, arns[region]), {
                    "managed-by": "pulumi",
                    purpose: "config-aggregation",
                    [OWNER_TAG]: engineOwner(`authorize-${region}`, "dev", "source-account"),
                });
            }
            const outs = await source.outputs();
            assert.deepEqual(outs.arns, arns);
            assert.equal(outs.sourceAccountId, SOURCE_ACCOUNT);
            assert.deepEqual(outs.regions, regions);

            await aggregator.run(["config", "set", "--stack", "dev", "--path", "sourceStacks[0]", "organization/source-account/dev"]);
            await aggregator.up();
            const agg = await aggregator.outputs();
            assert.deepEqual(agg.accountAggregationSources, [
                { accountIds: [SOURCE_ACCOUNT], awsRegions: [...regions].sort(), allAwsRegions: false },
            ]);
            assert.deepEqual(agg.authorizationArns, Object.values(arns).sort());

            await aggregator.destroy();
            await source.destroy();
            for (const region of regions) assert.deepEqual(await aws.list(region), [], region);
        } finally {
            source.remove();
            aggregator.remove();
            fs.rmSync(backendDir, { recursive: true, force: true });
        }
    });
});
