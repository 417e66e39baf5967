/**
 * Accounts from AWS Organizations under the real pulumi CLI (issue 25): an AggregationAuthorizations
 * component over `organizationSources` (test/engine/programs/organization-sources), with the organization
 * in moto. Accounts that join the organization preview as created SourceAccountAuthorizations, accounts
 * closed or removed as deleted ones, and the `up` leaves AWS so, read back per account and region.
 */
import * as assert from "node:assert/strict";
import {
    CloseAccountCommand,
    CreateAccountCommand,
    CreateOrganizationCommand,
    OrganizationsClient,
    RemoveAccountFromOrganizationCommand,
} from "@aws-sdk/client-organizations";
import { AGGREGATOR_ACCOUNT, SOURCE_ACCOUNT, created, roleIn, useAws, type AwsFixture } from "../harness/aws";
import { engineOwner } from "../harness/pulumi";
import { PROGRAMS, errorLines, plannedAccounts, useStacks } from "../harness/engine";
import { SOURCE_ACCOUNT_TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG } from "../../provider/core/model/types";

const COMPONENT = "pulumi-aws-config-aggregation:index:AggregationAuthorizations";
const REGIONS = ["eu-west-1", "us-east-1"];

/** The authorizations AWS holds in `accounts` × REGIONS, read back: `account/region` → tags. */
async function awsState(aws: AwsFixture, accounts: string[]): Promise<Record<string, Record<string, string>>> {
    const out: Record<string, Record<string, string>> = {};
    for (const account of accounts) {
        for (const region of REGIONS) {
            for (const a of await aws.listIn(account, region)) {
                assert.deepEqual([a.AuthorizedAccountId, a.AuthorizedAwsRegion], [AGGREGATOR_ACCOUNT, "us-east-1"]);
                out[`${account}/${region}`] = await aws.tagsIn(account, region, a.AggregationAuthorizationArn!);
            }
        }
    }
    return out;
}

/** What AWS should hold for `accounts`: in every region, the owner tag of that account's child `org-<account>`. */
const expected = (accounts: string[]) =>
    Object.fromEntries(
        accounts.flatMap((account) =>
            REGIONS.map((r) => [
                `${account}/${r}`,
                {
                    team: "platform",
                    [OWNER_TAG]: created(engineOwner(`org-${account}`, "test", "engine-org-sources", COMPONENT, SOURCE_ACCOUNT_TYPE)),
                },
            ]),
        ),
    );

describe("accounts from AWS Organizations under the pulumi CLI", function () {
    this.timeout(15 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    it("an account that joins previews as a created SourceAccountAuthorizations, one closed or removed as a deleted one; up leaves AWS so; a failed read is one line", async () => {
        // The stack's credentials are the organization's management account.
        const org = new OrganizationsClient({
            region: "us-east-1",
            endpoint: aws.moto.url,
            credentials: { accessKeyId: "x", secretAccessKey: "x" },
        });
        await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
        const join = async (name: string) =>
            (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
        const [a, b] = [await join("a"), await join("b")].sort();

        const s = await stacks.create(PROGRAMS.organizationSources, {
            aggregatorAccountId: AGGREGATOR_ACCOUNT,
            aggregatorRegion: "us-east-1",
        });
        await s.setConfigObjects({ regions: REGIONS, excludeAccountIds: [SOURCE_ACCOUNT] });
        await s.up();
        assert.deepEqual(await awsState(aws, [a, b]), expected([a, b]));
        assert.deepEqual((await s.outputs()).accountAggregationSource, { accountIds: [a, b], regions: REGIONS });
        const assumed = aws.proxy.calls.filter((c) => c.operation === "AssumeRole").map((c) => c.params?.RoleArn);
        assert.deepEqual([...new Set(assumed)].sort(), [roleIn(a), roleIn(b)].sort());

        const c = await join("c");
        assert.deepEqual(plannedAccounts((await s.previewJson()).steps), [`create org-${c} +eu-west-1 +us-east-1`]);

        await org.send(new CloseAccountCommand({ AccountId: a }));
        await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: b }));
        assert.deepEqual(
            plannedAccounts((await s.previewJson()).steps),
            [
                `create org-${c} +eu-west-1 +us-east-1`,
                `delete org-${a} -eu-west-1 -us-east-1`,
                `delete org-${b} -eu-west-1 -us-east-1`,
            ].sort(),
        );
        await s.up();
        assert.deepEqual(await awsState(aws, [a, b, c]), expected([c]));
        assert.deepEqual((await s.outputs()).accountAggregationSource, { accountIds: [c], regions: REGIONS });

        // The organization unchanged, the accounts read again: nothing to do.
        assert.deepEqual(plannedAccounts((await s.previewJson()).steps), []);

        // A unit that is not the organization's fails the preview with the message alone.
        await s.setConfigObjects({ organizationalUnitIds: ["ou-zzzz-zzzzzzzz"] });
        const r = await s.preview({ allowFail: true });
        assert.notEqual(r.code, 0);
        const out = r.stdout + r.stderr;
        assert.deepEqual(
            errorLines(out),
            [
                `error: organizationSources: reading the accounts of ou-zzzz-zzzzzzzz: organizations:ListAccountsForParent answered ParentNotFoundException: ` +
                    `organizationalUnitIds[0] ou-zzzz-zzzzzzzz is not a root or organizational unit of the organization of account ${SOURCE_ACCOUNT}; ` +
                    `correct it (aws organizations list-roots and list-organizational-units-for-parent list them).`,
            ],
            out,
        );
        assert.doesNotMatch(out, /^\s+at /m, "no stack trace");
        assert.doesNotMatch(out, /unhandled exception|\$metadata/);
    });
});
