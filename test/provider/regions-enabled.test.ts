/**
 * The regions an account has enabled (issue 19): account:ListRegions through each source's role,
 * against the proxy's emulation (moto has no ListRegions; test/harness/aws-aggregation.ts), with the
 * regions each account has enabled as test data.
 */
import * as assert from "node:assert/strict";
import { enabledRegions } from "../../sdk/reads/regions";
import { OTHER_ACCOUNT, SOURCE_ACCOUNT, roleIn, useAws } from "../harness/aws";
import { DEFAULT_REGIONS, OPT_IN_REGIONS } from "../harness/aws-aggregation";
import { faults } from "../harness/proxy";

const DEFAULT = DEFAULT_REGIONS;

describe("regions an account has enabled", function () {
    this.timeout(30000);
    const aws = useAws();

    it("lists ENABLED and ENABLED_BY_DEFAULT regions of each account through its role, one call each; opt-in regions not enabled are left out", async () => {
        const emulation = aws.proxy.faithful!.aggregation;
        emulation.setRegion(SOURCE_ACCOUNT, "af-south-1", "ENABLED");
        emulation.setRegion(SOURCE_ACCOUNT, "me-south-1", "ENABLING");
        emulation.setRegion(OTHER_ACCOUNT, "eu-west-3", "DISABLING");
        assert.deepEqual(await enabledRegions(SOURCE_ACCOUNT, "us-east-1", { roleArn: roleIn(SOURCE_ACCOUNT) }), [
            "af-south-1",
            ...DEFAULT,
        ]);
        assert.deepEqual(
            await enabledRegions(OTHER_ACCOUNT, "us-east-1", { roleArn: roleIn(OTHER_ACCOUNT) }),
            DEFAULT.filter((r) => r !== "eu-west-3"),
        );
        assert.ok(OPT_IN_REGIONS.includes("me-south-1"));
        const calls = aws.proxy.calls.filter((c) => c.operation === "ListRegions");
        assert.deepEqual(
            calls.map((c) => [c.service, c.body]),
            [
                ["account", { MaxResults: 50, RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"] }],
                ["account", { MaxResults: 50, RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"] }],
            ],
        );
        // Each in its own account: the two calls were signed with different (assumed) credentials.
        assert.notEqual(calls[0].accessKeyId, calls[1].accessKeyId);
    });

    it("reads every page: 51 enabled regions take two calls", async () => {
        const emulation = aws.proxy.faithful!.aggregation;
        const extra = Array.from({ length: 34 }, (_, i) => `xx-test-${i + 1}`);
        for (const r of extra) emulation.setRegion(OTHER_ACCOUNT, r, "ENABLED");
        const regions = await enabledRegions(OTHER_ACCOUNT, "us-east-1", { roleArn: roleIn(OTHER_ACCOUNT) });
        assert.equal(regions.length, 51);
        assert.deepEqual(regions, [...DEFAULT, ...extra].sort());
        assert.deepEqual(
            aws.proxy.calls.filter((c) => c.operation === "ListRegions").map((c) => c.body?.NextToken),
            [undefined, "50"],
        );
    });

    it("refuses credentials that act in another account, and says what AWS refused", async () => {
        await assert.rejects(enabledRegions(SOURCE_ACCOUNT, "us-east-1", { roleArn: roleIn(OTHER_ACCOUNT) }), {
            message:
                `reading the regions of account ${SOURCE_ACCOUNT}: the credentials in use act in account ${OTHER_ACCOUNT}, not ${SOURCE_ACCOUNT}: ` +
                `give the source the role in its account (assumeRole). Nothing was read.`,
        });
        assert.deepEqual(aws.proxy.operations("account"), []);
        aws.proxy.inject((c) => (c.operation === "ListRegions" ? faults.accessDenied("account:ListRegions") : undefined));
        await assert.rejects(enabledRegions(OTHER_ACCOUNT, "us-east-1", { roleArn: roleIn(OTHER_ACCOUNT) }), (err: Error) => {
            assert.match(
                err.message,
                /^reading the regions of account 444455556666: access denied to account:ListRegions \(AccessDeniedException: .*\)\. Grant account:ListRegions to the credentials Pulumi uses in that account;/,
            );
            return true;
        });
    });

    it("a role that cannot be assumed is named as such, not as a refused account:ListRegions", async () => {
        // The role's account comes from its ARN without a call, so the AssumeRole happens at the listing.
        aws.proxy.inject((c) => (c.operation === "AssumeRole" ? faults.accessDenied("sts:AssumeRole") : undefined));
        await assert.rejects(enabledRegions(OTHER_ACCOUNT, "us-east-1", { roleArn: roleIn(OTHER_ACCOUNT) }), (e: Error) => {
            assert.match(
                e.message,
                new RegExp(`^reading the regions of account ${OTHER_ACCOUNT}: could not assume role ${roleIn(OTHER_ACCOUNT)}`),
            );
            assert.doesNotMatch(e.message, /account:ListRegions/);
            return true;
        });
        assert.deepEqual(aws.proxy.operations("account"), [], "no ListRegions was answered");
    });
});
