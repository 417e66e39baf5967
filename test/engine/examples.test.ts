import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, THIRD_ACCOUNT, roleIn, useAws, created } from "../harness/aws";
import { WORK, engineOwner } from "../harness/pulumi";
import { PROGRAMS, nameOf, useStacks } from "../harness/engine";
import { SOURCE_ACCOUNT_TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG } from "../../provider/core/model/types";
import { ConfigServiceClient, PutConfigurationAggregatorCommand } from "@aws-sdk/client-config-service";

describe("examples under the pulumi CLI", function () {
    this.timeout(10 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    it("source-account authorizes every listed region; aggregator turns its outputs into aggregation sources", async () => {
        const backendDir = fs.mkdtempSync(path.join(WORK + "-examples-"));
        const source = await stacks.create(PROGRAMS.sourceAccountExample, {}, { stack: "dev", backendDir });
        const aggregator = await stacks.create(PROGRAMS.aggregatorExample, {}, { stack: "dev", backendDir });
        const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
        try {
            await source.setConfig({ aggregatorAccountId: AGGREGATOR_ACCOUNT, aggregatorRegion: "us-east-1" });
            await source.setConfigObjects({ sourceRegions: regions });
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
                    [OWNER_TAG]: created(engineOwner(`authorize-${region}`, "dev", "source-account")),
                });
            }
            const outs = await source.outputs();
            assert.deepEqual(outs.arns, arns);
            assert.equal(outs.sourceAccountId, SOURCE_ACCOUNT);
            assert.deepEqual(outs.regions, regions);

            await aggregator.setConfigObjects({ sourceStacks: ["organization/source-account/dev"] });
            await aggregator.up();
            const agg = await aggregator.outputs();
            assert.deepEqual(agg.accountAggregationSources, [
                { AccountIds: [SOURCE_ACCOUNT], AwsRegions: [...regions].sort(), AllAwsRegions: false },
            ]);
            assert.deepEqual(agg.authorizationArns, Object.values(arns).sort());

            await aggregator.destroy();
            await source.destroy();
            for (const region of regions) assert.deepEqual(await aws.list(region), [], region);
        } finally {
            fs.rmSync(backendDir, { recursive: true, force: true });
        }
    });

    it("organization authorizes every account × region through roles; aggregator reads its outputs", async () => {
        const backendDir = fs.mkdtempSync(path.join(WORK + "-examples-"));
        const org = await stacks.create(PROGRAMS.organizationExample, {}, { stack: "dev", backendDir });
        const aggregator = await stacks.create(PROGRAMS.aggregatorExample, {}, { stack: "dev", backendDir });
        const accounts = [OTHER_ACCOUNT, THIRD_ACCOUNT, SOURCE_ACCOUNT];
        const regions = ["eu-west-1", "us-east-1"];
        try {
            await org.setConfig({ aggregatorAccountId: AGGREGATOR_ACCOUNT, aggregatorRegion: "us-east-1" });
            await org.setConfigObjects({ sourceAccounts: accounts, sourceRegions: regions });
            await org.setConfig({ externalId: "example-external-id" }, { secret: true });
            await org.up();

            const arns: Record<string, Record<string, string>> = {};
            for (const account of accounts) {
                for (const region of regions) {
                    const listed = await aws.listIn(account, region);
                    assert.deepEqual(
                        listed.map((a) => [a.AuthorizedAccountId, a.AuthorizedAwsRegion]),
                        [[AGGREGATOR_ACCOUNT, "us-east-1"]],
                        `${account}/${region}`,
                    );
                    (arns[account] ??= {})[region] = listed[0].AggregationAuthorizationArn!;
                    // Owned by the account's child of the component, org-<account> (each region its own creation).
                    assert.deepEqual(await aws.tagsIn(account, region, arns[account][region]), {
                        "managed-by": "pulumi",
                        purpose: "config-aggregation",
                        "pulumi-aws-config-aggregation:owner": created(
                            engineOwner(
                                `org-${account}`,
                                "dev",
                                "organization",
                                "pulumi-aws-config-aggregation:index:AggregationAuthorizations",
                                SOURCE_ACCOUNT_TYPE,
                            ),
                        ),
                    });
                }
            }
            assert.deepEqual(
                aws.proxy.calls
                    .filter((c) => c.operation === "AssumeRole")
                    .map((c) => c.params?.RoleArn)
                    .sort(),
                accounts.map((a) => roleIn(a)).sort(),
            );
            // One resource per account in the state, holding that account's ARNs by region.
            assert.deepEqual(org.authorizations(), []);
            assert.deepEqual(
                Object.fromEntries(org.sourceAccounts().map((r) => [nameOf(r.urn), r.outputs!.arns])),
                Object.fromEntries(accounts.map((a) => [`org-${a}`, arns[a]])),
            );
            const outs = await org.outputs();
            assert.deepEqual(outs.arns, arns);
            assert.deepEqual(outs.regionsByAccount, Object.fromEntries([...accounts].sort().map((a) => [a, regions.join(",")])));

            // The aggregator itself, in the aggregator account (through the proxy, which records it for its emulation).
            await aws.inAccount(AGGREGATOR_ACCOUNT, () =>
                new ConfigServiceClient({ region: "us-east-1" }).send(
                    new PutConfigurationAggregatorCommand({
                        ConfigurationAggregatorName: "org",
                        AccountAggregationSources: [{ AccountIds: accounts, AwsRegions: regions }],
                    }),
                ),
            );
            await aggregator.setConfigObjects({ sourceStacks: ["organization/organization/dev"] });
            await aggregator.setConfig({ aggregatorName: "org", aggregatorRoleArn: roleIn(AGGREGATOR_ACCOUNT), "aws:region": "us-east-1" });
            await aggregator.up();
            const agg = await aggregator.outputs();
            assert.deepEqual(agg.accountAggregationSource, { accountIds: [...accounts].sort(), regions });
            assert.deepEqual(agg.accountAggregationSources, [
                { AccountIds: [...accounts].sort(), AwsRegions: regions, AllAwsRegions: false },
            ]);
            assert.deepEqual(
                agg.authorizationArns,
                Object.values(arns)
                    .flatMap((r) => Object.values(r))
                    .sort(),
            );
            const succeeded = Object.fromEntries(accounts.map((a) => [a, Object.fromEntries(regions.map((r) => [r, "SUCCEEDED"]))]));
            assert.deepEqual(agg.sourceStatus, { allSucceeded: true, byAccount: succeeded, notSucceeded: [] });

            // The gate: one authorization gone, `up` fails naming that source and the likely cause.
            await aws.inAccount(THIRD_ACCOUNT, async () => {
                await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
            });
            await aggregator.setConfig({ waitSeconds: "1" });
            const failed = await aggregator.up({ allowFail: true });
            assert.notEqual(failed.code, 0);
            assert.match(
                failed.stdout + failed.stderr,
                new RegExp(
                    `aggregator org \\(region us-east-1\\): 1 of the expected sources did not succeed within 1 s \\(1 reads\\):\\s+` +
                        `- ${THIRD_ACCOUNT}/eu-west-1: FAILED \\(AuthorizationNotFound: .*likely cause: account ${THIRD_ACCOUNT} has no aggregation authorization`,
                ),
            );

            await aggregator.destroy();
            await org.destroy();
            for (const account of accounts)
                for (const region of regions) assert.deepEqual(await aws.listIn(account, region), [], `${account}/${region}`);
        } finally {
            fs.rmSync(backendDir, { recursive: true, force: true });
        }
    });
});
