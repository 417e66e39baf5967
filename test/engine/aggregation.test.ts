/**
 * Is aggregation working? (issue 19) under the real pulumi CLI: the component reports pending
 * aggregation requests from aggregators other than the declared one, as an output and a warning,
 * and authorizes nothing for them. DescribePendingAggregationRequests is emulated by the test proxy
 * (moto has none; test/harness/aws-aggregation.ts) from the aggregators moto holds.
 */
import { ConfigServiceClient, PutConfigurationAggregatorCommand } from "@aws-sdk/client-config-service";
import * as assert from "node:assert/strict";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, roleIn, useAws, type AwsFixture } from "../harness/aws";
import { PROGRAMS, plannedAccounts, useStacks } from "../harness/engine";

/** An aggregator nobody declared. */
const ROGUE_ACCOUNT = "999988887777";

async function putAggregator(aws: AwsFixture, account: string, region: string, accountIds: string[], regions: string[]) {
    await aws.inAccount(account, () =>
        new ConfigServiceClient({ region }).send(
            new PutConfigurationAggregatorCommand({
                ConfigurationAggregatorName: "collector",
                AccountAggregationSources: [{ AccountIds: accountIds, AwsRegions: regions }],
            }),
        ),
    );
}

describe("regions an account has enabled under the pulumi CLI", function () {
    this.timeout(10 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    it('regions: "enabled" takes the account\'s enabled regions, a filtered list skips an opt-in region not enabled; one enabled later previews as the create of exactly that authorization', async () => {
        const emulation = aws.proxy.faithful!.aggregation;
        // SOURCE_ACCOUNT (test data): af-south-1 enabled, and only eu-west-1 and us-east-1 of the default regions.
        for (const r of emulation.regionsOf(SOURCE_ACCOUNT)) {
            if (r.RegionOptStatus === "ENABLED_BY_DEFAULT" && !["eu-west-1", "us-east-1"].includes(r.RegionName))
                emulation.setRegion(SOURCE_ACCOUNT, r.RegionName, "DISABLED");
        }
        emulation.setRegion(SOURCE_ACCOUNT, "af-south-1", "ENABLED");
        const s = await stacks.create(PROGRAMS.organization, {
            aggregatorAccountId: AGGREGATOR_ACCOUNT,
            aggregatorRegion: "us-east-1",
            sources: JSON.stringify([
                { accountId: SOURCE_ACCOUNT, regions: "enabled", roleArn: roleIn(SOURCE_ACCOUNT) },
                {
                    accountId: OTHER_ACCOUNT,
                    regions: ["eu-west-1", "af-south-1"],
                    onlyEnabledRegions: true,
                    roleArn: roleIn(OTHER_ACCOUNT),
                },
            ]),
        });
        const up = await s.up();
        assert.match(up.stdout.replace(/\s+/g, " "), /the source accounts list different regions/);
        const held = async (account: string, region: string) =>
            (await aws.listIn(account, region)).map((a) => [a.AuthorizedAccountId, a.AuthorizedAwsRegion]);
        for (const r of ["af-south-1", "eu-west-1", "us-east-1"])
            assert.deepEqual(await held(SOURCE_ACCOUNT, r), [[AGGREGATOR_ACCOUNT, "us-east-1"]], r);
        assert.deepEqual(await held(OTHER_ACCOUNT, "eu-west-1"), [[AGGREGATOR_ACCOUNT, "us-east-1"]]);
        assert.deepEqual(await held(OTHER_ACCOUNT, "af-south-1"), []);
        const outs = await s.outputs();
        assert.deepEqual(Object.keys(outs.arns as object).sort(), [SOURCE_ACCOUNT, OTHER_ACCOUNT].sort());
        assert.deepEqual(Object.keys((outs.arns as Record<string, object>)[SOURCE_ACCOUNT]), ["af-south-1", "eu-west-1", "us-east-1"]);
        assert.deepEqual(Object.keys((outs.arns as Record<string, object>)[OTHER_ACCOUNT]), ["eu-west-1"]);
        assert.deepEqual(outs.accountAggregationSource, {
            accountIds: [SOURCE_ACCOUNT, OTHER_ACCOUNT].sort(),
            regions: ["af-south-1", "eu-west-1", "us-east-1"],
        });
        // One account:ListRegions per source account and run.
        assert.equal(aws.proxy.calls.filter((c) => c.operation === "ListRegions").length, 2);

        // OTHER_ACCOUNT enables af-south-1: the next preview creates exactly that authorization, an
        // in-place update of that account's resource and no other change.
        emulation.setRegion(OTHER_ACCOUNT, "af-south-1", "ENABLED");
        const preview = await s.previewJson();
        assert.deepEqual(
            preview.steps.filter((st) => st.op !== "same").map((st) => st.urn.split("::").pop()),
            [`org-${OTHER_ACCOUNT}`],
        );
        assert.deepEqual(plannedAccounts(preview.steps), [`update org-${OTHER_ACCOUNT} +af-south-1`]);
        await s.destroy();
        for (const r of ["af-south-1", "eu-west-1", "us-east-1"]) assert.deepEqual(await held(SOURCE_ACCOUNT, r), [], r);
    });
});

describe("pending aggregation requests under the pulumi CLI", function () {
    this.timeout(10 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    it("reports a pending request from an aggregator that is not the declared one, and authorizes nothing for it", async () => {
        const accounts = [SOURCE_ACCOUNT, OTHER_ACCOUNT];
        const regions = ["eu-west-1", "us-east-1"];
        // The declared aggregator asks too (its request is pending until the up authorizes it): never reported.
        await putAggregator(aws, AGGREGATOR_ACCOUNT, "us-east-1", accounts, regions);
        // Someone else's aggregator asks OTHER_ACCOUNT for eu-west-1 only.
        await putAggregator(aws, ROGUE_ACCOUNT, "eu-central-1", [OTHER_ACCOUNT], ["eu-west-1"]);
        const s = await stacks.create(PROGRAMS.organization, {
            aggregatorAccountId: AGGREGATOR_ACCOUNT,
            aggregatorRegion: "us-east-1",
            reportPendingRequests: "true",
            sources: JSON.stringify(accounts.map((accountId) => ({ accountId, regions, roleArn: roleIn(accountId) }))),
        });
        const up = await s.up();
        const outs = await s.outputs();
        assert.deepEqual(outs.unexpectedPendingRequests, [
            {
                sourceAccountId: OTHER_ACCOUNT,
                sourceRegion: "eu-west-1",
                aggregatorAccountId: ROGUE_ACCOUNT,
                aggregatorRegion: "eu-central-1",
            },
        ]);
        const warning =
            `aggregator account ${ROGUE_ACCOUNT} (region eu-central-1) asked account ${OTHER_ACCOUNT} for its AWS Config data in eu-west-1; ` +
            `it is not the declared aggregator (${AGGREGATOR_ACCOUNT}, us-east-1), so nothing was authorized for it.`;
        assert.ok(up.stdout.replace(/\s+/g, " ").includes(warning), up.stdout);
        // One read per source account and region, in that account (through its role).
        const reads = aws.proxy.calls.filter((c) => c.operation === "DescribePendingAggregationRequests");
        assert.deepEqual(reads.map((c) => c.region).sort(), ["eu-west-1", "eu-west-1", "us-east-1", "us-east-1"]);
        // Only the declared aggregator is authorized, in every source account and region.
        for (const account of accounts) {
            for (const region of regions) {
                assert.deepEqual(
                    (await aws.listIn(account, region)).map((a) => [a.AuthorizedAccountId, a.AuthorizedAwsRegion]),
                    [[AGGREGATOR_ACCOUNT, "us-east-1"]],
                    `${account}/${region}`,
                );
            }
        }
        await s.destroy();
    });
});
