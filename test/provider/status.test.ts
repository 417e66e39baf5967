/**
 * Is aggregation working? (issue 19): the aggregator's source status, read and waited for, against
 * the proxy's emulation of DescribeConfigurationAggregatorSourcesStatus (moto has none; see
 * test/harness/aws-aggregation.ts), derived from the aggregators and authorizations moto holds in
 * several accounts and the regions each account has enabled.
 */
import { PutAggregationAuthorizationCommand, PutConfigurationAggregatorCommand } from "@aws-sdk/client-config-service";
import * as assert from "node:assert/strict";
import { aggregatorSourcesStatus, type SourceStatus } from "../../sdk";
import { describeSourcesStatus } from "../../provider/checks/status";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, THIRD_ACCOUNT, roleIn, useAws, type AwsFixture } from "../harness/aws";
import { SOURCE_ERRORS } from "../harness/aws-aggregation";

/** Makes an aggregator in the aggregator account (through the proxy, which records it) over these sources. */
async function putAggregator(aws: AwsFixture, name: string, accountIds: string[], regions: string[], region = "us-east-1") {
    await (
        await aws.configIn(AGGREGATOR_ACCOUNT, region)
    ).send(
        new PutConfigurationAggregatorCommand({
            ConfigurationAggregatorName: name,
            AccountAggregationSources: [{ AccountIds: accountIds, AwsRegions: regions, AllAwsRegions: false }],
        }),
    );
}

/**
 * Authorizes the aggregator (account, us-east-1) in `account` and `region`, as that account, with a
 * client of its own: it may run while a status read is in flight as the aggregator account.
 */
async function authorize(aws: AwsFixture, account: string, region: string, aggregator = AGGREGATOR_ACCOUNT) {
    await (
        await aws.configIn(account, region)
    ).send(new PutAggregationAuthorizationCommand({ AuthorizedAccountId: aggregator, AuthorizedAwsRegion: "us-east-1" }));
}

/** The rows without their update time (checked to be a recent ISO time). */
function timeless(rows: SourceStatus[]): Omit<SourceStatus, "lastUpdateTime">[] {
    return rows.map(({ lastUpdateTime, ...rest }) => {
        assert.ok(lastUpdateTime && Math.abs(Date.parse(lastUpdateTime) - Date.now()) < 60_000, String(lastUpdateTime));
        return rest;
    });
}

const failed = (accountId: string, region: string, why: "unauthorized" | "regionDisabled") => ({
    accountId,
    region,
    sourceType: "ACCOUNT" as const,
    status: "FAILED" as const,
    lastErrorCode: SOURCE_ERRORS[why].code,
    lastErrorMessage:
        why === "unauthorized"
            ? SOURCE_ERRORS.unauthorized.message(AGGREGATOR_ACCOUNT, "us-east-1")
            : SOURCE_ERRORS.regionDisabled.message(region),
});
const succeeded = (accountId: string, region: string) => ({
    accountId,
    region,
    sourceType: "ACCOUNT" as const,
    status: "SUCCEEDED" as const,
});

describe("aggregator source status", function () {
    this.timeout(60000);
    const aws = useAws();

    /**
     * The scene of most tests: an aggregator over three accounts × eu-west-1 and af-south-1 (an
     * opt-in region that only SOURCE_ACCOUNT enabled). SOURCE_ACCOUNT authorized both regions,
     * OTHER_ACCOUNT eu-west-1 (af-south-1 is not enabled there), THIRD_ACCOUNT nothing.
     */
    async function scene() {
        aws.proxy.faithful!.aggregation.setRegion(SOURCE_ACCOUNT, "af-south-1", "ENABLED");
        await putAggregator(aws, "org", [SOURCE_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT], ["eu-west-1", "af-south-1"]);
        await authorize(aws, SOURCE_ACCOUNT, "eu-west-1");
        await authorize(aws, SOURCE_ACCOUNT, "af-south-1");
        await authorize(aws, OTHER_ACCOUNT, "eu-west-1");
    }

    it("reports every source: succeeded, failed for a missing authorization, failed in a region not enabled", async () => {
        await scene();
        const status = await aws.inAccount(AGGREGATOR_ACCOUNT, () =>
            aggregatorSourcesStatus({ aggregatorName: "org", region: "us-east-1", aggregatorAccountId: AGGREGATOR_ACCOUNT }),
        );
        assert.deepEqual(timeless(status.sources), [
            succeeded(SOURCE_ACCOUNT, "af-south-1"),
            succeeded(SOURCE_ACCOUNT, "eu-west-1"),
            failed(OTHER_ACCOUNT, "af-south-1", "regionDisabled"),
            succeeded(OTHER_ACCOUNT, "eu-west-1"),
            // Not enabled there either: that comes first.
            failed(THIRD_ACCOUNT, "af-south-1", "regionDisabled"),
            failed(THIRD_ACCOUNT, "eu-west-1", "unauthorized"),
        ]);
        assert.deepEqual(status.byAccount, {
            [SOURCE_ACCOUNT]: { "af-south-1": "SUCCEEDED", "eu-west-1": "SUCCEEDED" },
            [OTHER_ACCOUNT]: { "af-south-1": "FAILED", "eu-west-1": "SUCCEEDED" },
            [THIRD_ACCOUNT]: { "af-south-1": "FAILED", "eu-west-1": "FAILED" },
        });
        assert.equal(status.allSucceeded, false);
        assert.deepEqual(
            status.notSucceeded.map((u) => `${u.accountId}/${u.region}`),
            [`${OTHER_ACCOUNT}/af-south-1`, `${THIRD_ACCOUNT}/af-south-1`, `${THIRD_ACCOUNT}/eu-west-1`],
        );
        assert.match(
            status.notSucceeded[0].reason,
            new RegExp(
                `^${OTHER_ACCOUNT}/af-south-1: FAILED \\(RegionNotEnabled: The region af-south-1 is not enabled for the source account\\.\\), ` +
                    `last updated \\S+; likely cause: account ${OTHER_ACCOUNT} has no aggregation authorization for the aggregator ` +
                    `\\(account ${AGGREGATOR_ACCOUNT}, region us-east-1\\) in af-south-1 .*or af-south-1 is not enabled in account ${OTHER_ACCOUNT}`,
            ),
        );
        // One read: one call, in the aggregator's region.
        assert.deepEqual(
            aws.proxy.calls.filter((c) => c.operation === "DescribeConfigurationAggregatorSourcesStatus").map((c) => [c.region, c.body]),
            [["us-east-1", { ConfigurationAggregatorName: "org", Limit: 100 }]],
        );
    });

    it("reads every page: 102 sources take two calls of 100 and 2", async () => {
        const accounts = ["100000000001", "100000000002", "100000000003", "100000000004", "100000000005", "100000000006"];
        const regions = aws.proxy
            .faithful!.aggregation.regionsOf(accounts[0])
            .filter((r) => r.RegionOptStatus === "ENABLED_BY_DEFAULT")
            .map((r) => r.RegionName);
        assert.equal(regions.length, 17);
        await putAggregator(aws, "big", accounts, regions);
        const rows = await aws.inAccount(AGGREGATOR_ACCOUNT, () => describeSourcesStatus("big", "us-east-1"));
        assert.equal(rows.length, 102);
        assert.deepEqual(
            rows.map((r) => `${r.accountId}/${r.region}`),
            accounts.flatMap((a) => [...regions].sort().map((r) => `${a}/${r}`)),
        );
        assert.ok(rows.every((r) => r.status === "FAILED" && r.lastErrorCode === "AuthorizationNotFound"));
        assert.deepEqual(
            aws.proxy.calls.filter((c) => c.operation === "DescribeConfigurationAggregatorSourcesStatus").map((c) => c.body),
            [
                { ConfigurationAggregatorName: "big", Limit: 100 },
                { ConfigurationAggregatorName: "big", Limit: 100, NextToken: "100" },
            ],
        );
    });

    it("waits until every expected source has succeeded, telling its progress", async () => {
        await scene();
        const progress: string[] = [];
        const status = await aws.inAccount(AGGREGATOR_ACCOUNT, () =>
            aggregatorSourcesStatus({
                aggregatorName: "org",
                region: "us-east-1",
                waitFor: {
                    sources: { accountIds: [SOURCE_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT], regions: ["eu-west-1"] },
                    intervalSeconds: 0.05,
                    timeoutSeconds: 30,
                    onProgress: (m) => {
                        progress.push(m);
                        // The missing authorization arrives after the first read.
                        if (progress.length === 1) void authorize(aws, THIRD_ACCOUNT, "eu-west-1");
                    },
                },
            }),
        );
        assert.equal(
            progress[0],
            `aggregator org: 2 of 3 expected sources succeeded; waiting for ${THIRD_ACCOUNT}/eu-west-1 (FAILED); next read in 0.05 s, giving up after 30 s`,
        );
        assert.ok(progress.length >= 1 && progress.length <= 3, progress.join("\n"));
        assert.deepEqual(status.notSucceeded, []);
        assert.equal(status.allSucceeded, true);
        assert.equal(status.byAccount[THIRD_ACCOUNT]["eu-west-1"], "SUCCEEDED");
        // Sources that were not expected do not count: af-south-1 of OTHER and THIRD still fail.
        assert.equal(status.byAccount[OTHER_ACCOUNT]["af-south-1"], "FAILED");
    });

    it("fails when the time is up, naming each source that did not succeed and the likely cause", async () => {
        await scene();
        const progress: string[] = [];
        let reads = 0;
        await assert.rejects(
            aws.inAccount(AGGREGATOR_ACCOUNT, () =>
                aggregatorSourcesStatus({
                    aggregatorName: "org",
                    region: "us-east-1",
                    aggregatorAccountId: AGGREGATOR_ACCOUNT,
                    waitFor: {
                        sources: [
                            { accountId: SOURCE_ACCOUNT, region: "eu-west-1" },
                            { accountId: OTHER_ACCOUNT, region: "af-south-1" },
                            { accountId: THIRD_ACCOUNT, region: "eu-west-1" },
                            { accountId: SOURCE_ACCOUNT, region: "eu-central-1" },
                        ],
                        intervalSeconds: 0.4,
                        timeoutSeconds: 1,
                        onProgress: (m) => progress.push(m),
                    },
                }),
            ),
            (err: Error) => {
                const lines = err.message.split("\n");
                const m =
                    /^aggregator org \(region us-east-1\): 3 of the expected sources did not succeed within 1 s \((\d+) reads\):$/.exec(
                        lines[0],
                    );
                assert.ok(m, lines[0]);
                reads = Number(m[1]);
                assert.equal(lines.length, 4, err.message);
                assert.match(
                    lines[2],
                    new RegExp(
                        `^  - ${OTHER_ACCOUNT}/af-south-1: FAILED \\(RegionNotEnabled: .*or af-south-1 is not enabled in account ${OTHER_ACCOUNT}`,
                    ),
                );
                assert.equal(
                    lines[1],
                    `  - ${SOURCE_ACCOUNT}/eu-central-1: not a source of aggregator org: add account ${SOURCE_ACCOUNT} and region eu-central-1 to its account aggregation sources`,
                );
                assert.match(
                    lines[3],
                    new RegExp(
                        `^  - ${THIRD_ACCOUNT}/eu-west-1: FAILED \\(AuthorizationNotFound: .*likely cause: account ${THIRD_ACCOUNT} has no aggregation authorization ` +
                            `for the aggregator \\(account ${AGGREGATOR_ACCOUNT}, region us-east-1\\) in eu-west-1`,
                    ),
                );
                return true;
            },
        );
        // A read that would end after the time is up is not started: 1 s at 0.4 s apart is 2 or 3 reads
        // (wide enough that a loaded machine's slower reads still fit).
        assert.ok(reads >= 2 && reads <= 3, String(reads));
        assert.equal(progress.length, reads - 1, progress.join("\n"));
    });

    it("through a role in the aggregator account; an unknown aggregator fails with AWS's error and where", async () => {
        await scene();
        const status = await aggregatorSourcesStatus({
            aggregatorName: "org",
            region: "us-east-1",
            assumeRole: { roleArn: roleIn(AGGREGATOR_ACCOUNT) },
        });
        assert.equal(status.sources.length, 6);
        await assert.rejects(
            aggregatorSourcesStatus({ aggregatorName: "nope", region: "us-east-1", assumeRole: { roleArn: roleIn(AGGREGATOR_ACCOUNT) } }),
            (err: Error) => {
                assert.equal(
                    err.message,
                    `reading the source status of Config aggregator nope in us-east-1: NoSuchConfigurationAggregatorException: ` +
                        `The configuration aggregator nope does not exist. (region us-east-1, endpoint ${aws.proxy.url}).`,
                );
                return true;
            },
        );
    });
});
