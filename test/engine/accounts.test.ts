/**
 * Many accounts from one program under the real pulumi CLI (issue 10): an AggregationAuthorizations
 * component over 4 accounts × 3 regions reached through roles (one SourceAccountAuthorizations child per
 * account, holding its regions), the stack's aws: settings, and the AWS state read back per account and
 * region after every step.
 */
import * as assert from "node:assert/strict";
import {
    AGGREGATOR_ACCOUNT,
    CREDENTIALS_ENV,
    FOURTH_ACCOUNT,
    OTHER_ACCOUNT,
    SOURCE_ACCOUNT,
    THIRD_ACCOUNT,
    roleIn,
    useAws,
    type AwsFixture,
    created,
} from "../harness/aws";
import { engineOwner, isSecret, type StateResource } from "../harness/pulumi";
import { PROGRAMS, errorLines, nameOf, plannedAccounts, useStacks } from "../harness/engine";
import { SOURCE_ACCOUNT_TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG as OWNER } from "../../provider/core/model/types";

const COMPONENT = "pulumi-aws-config-aggregation:index:AggregationAuthorizations";
const REGIONS = ["ap-southeast-2", "eu-west-1", "us-west-2"];
const ACCOUNTS = [SOURCE_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT, FOURTH_ACCOUNT].sort();
const EXTERNAL_ID = "org-external-id-secret-7";

interface Source {
    accountId: string;
    regions: string[];
    roleArn?: string;
}
const sourceOf = (accountId: string, regions = REGIONS): Source => ({ accountId, regions, roleArn: roleIn(accountId) });

/** The authorizations AWS holds, read back per account and region: `account/region` → tags. */
async function awsState(aws: AwsFixture, accounts = ACCOUNTS, regions = REGIONS): Promise<Record<string, Record<string, string>>> {
    const out: Record<string, Record<string, string>> = {};
    for (const account of accounts) {
        for (const region of regions) {
            for (const a of await aws.listIn(account, region)) {
                assert.equal(a.AuthorizedAccountId, AGGREGATOR_ACCOUNT);
                assert.equal(a.AuthorizedAwsRegion, "us-east-1");
                out[`${account}/${region}`] = await aws.tagsIn(account, region, a.AggregationAuthorizationArn!);
            }
        }
    }
    return out;
}

/**
 * What AWS should hold for `sources`, with `extra` tags (the stack's default tags): in every region of an
 * account, the owner tag of that account's child `org-<account>` (each region its own creation).
 */
function expected(sources: Source[], extra: Record<string, string> = {}): Record<string, Record<string, string>> {
    return Object.fromEntries(
        sources.flatMap((s) =>
            s.regions.map((r) => [
                `${s.accountId}/${r}`,
                {
                    team: "platform",
                    ...extra,
                    [OWNER]: created(engineOwner(`org-${s.accountId}`, "test", "engine-org", COMPONENT, SOURCE_ACCOUNT_TYPE)),
                },
            ]),
        ),
    );
}

const arn = (account: string, region: string) =>
    `arn:aws:config:${region}:${account}:aggregation-authorization/${AGGREGATOR_ACCOUNT}/us-east-1`;

/** The regions each child of the component holds, as the state records them: name → regions. */
const regionsInState = (children: StateResource[]) => Object.fromEntries(children.map((r) => [nameOf(r.urn), r.outputs!.regions]));

describe("many accounts under the pulumi CLI", function () {
    this.timeout(15 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);
    const program = (sources: Source[], config: Record<string, string> = {}) =>
        stacks.create(PROGRAMS.organization, {
            aggregatorAccountId: AGGREGATOR_ACCOUNT,
            aggregatorRegion: "us-east-1",
            sources: JSON.stringify(sources),
            ...config,
        });

    it("4 accounts × 3 regions through roles: up, a preview with no AWS call, remove and add an account, refresh, destroy", async () => {
        const all = ACCOUNTS.map((a) => sourceOf(a));
        const s = await program(all, {
            "aws:defaultTags": JSON.stringify({ tags: { "cost-center": "42" } }),
            "aws:ignoreTags": JSON.stringify({ keys: ["ops-note"] }),
        });
        await s.setConfig({ externalId: EXTERNAL_ID }, { secret: true });
        // The roles say which account each authorization lives in: the first preview knows every ARN.
        const first = await s.preview();
        const shown = first.stdout.slice(first.stdout.indexOf("Outputs:"));
        for (const a of ACCOUNTS)
            for (const r of REGIONS) assert.match(shown, new RegExp(`${r} *: "${arn(a, r)}"`), `${a}/${r} in the preview's outputs`);
        assert.ok(!shown.includes("output<"), `no unknown output in the preview:\n${shown}`);
        // It reads each new authorization once by ARN in its account (does it exist already?) and changes nothing.
        assert.deepEqual(
            [...new Set(aws.proxy.operations())],
            ["ListTagsForResource"],
            "the first preview only reads, one ListTagsForResource per new authorization",
        );
        assert.equal(aws.proxy.operations().length, ACCOUNTS.length * REGIONS.length);
        await s.up();
        assert.deepEqual(await awsState(aws), expected(all, { "cost-center": "42" }));
        const outs = await s.outputs();
        assert.deepEqual(outs.accountAggregationSource, { accountIds: ACCOUNTS, regions: REGIONS });
        assert.deepEqual(outs.accountAggregationSources, [{ AccountIds: ACCOUNTS, AwsRegions: REGIONS, AllAwsRegions: false }]);
        assert.deepEqual(outs.arns, Object.fromEntries(ACCOUNTS.map((a) => [a, Object.fromEntries(REGIONS.map((r) => [r, arn(a, r)]))])));
        const assumed = aws.proxy.calls.filter((c) => c.operation === "AssumeRole");
        assert.deepEqual([...new Set(assumed.map((c) => c.params?.RoleArn))].sort(), ACCOUNTS.map((a) => roleIn(a)).sort());
        assert.ok(
            assumed.every((c) => c.params?.ExternalId === EXTERNAL_ID),
            "the secret external ID reaches STS",
        );
        const roleKeys = new Set(aws.proxy.calls.filter((c) => c.service === "config").map((c) => c.accessKeyId));

        // Nothing of any credential, nor the external ID in clear, in the state.
        const state = s.exportState();
        for (const secret of [...Object.values(CREDENTIALS_ENV), ...roleKeys, EXTERNAL_ID]) {
            assert.ok(!state.text.includes(secret), `credential or external ID in the state: ${secret.slice(0, 4)}…`);
        }
        // One resource per account, holding its regions; none per authorization.
        assert.deepEqual(s.authorizations(), []);
        assert.deepEqual(regionsInState(s.sourceAccounts()), Object.fromEntries(ACCOUNTS.map((a) => [`org-${a}`, REGIONS])));
        const child = s.sourceAccounts().find((r) => r.urn.endsWith(`::org-${OTHER_ACCOUNT}`))!;
        assert.equal(child.id, `${OTHER_ACCOUNT}/${AGGREGATOR_ACCOUNT}/us-east-1`);
        assert.deepEqual(child.outputs!.arns, Object.fromEntries(REGIONS.map((r) => [r, arn(OTHER_ACCOUNT, r)])));
        assert.deepEqual(child.outputs!.assumeRole, { roleArn: roleIn(OTHER_ACCOUNT) });
        assert.deepEqual(child.outputs!.tagsAll, { "cost-center": "42", team: "platform" });
        assert.ok(isSecret(child.outputs!.assumeRoleExternalId), "the external ID is stored as a secret");

        aws.proxy.clear();
        const same = await s.previewJson();
        assert.deepEqual(plannedAccounts(same.steps), []);
        assert.deepEqual(aws.proxy.calls, [], "a no-change preview makes no AWS call at all");

        const withoutFourth = all.filter((x) => x.accountId !== FOURTH_ACCOUNT);
        await s.setConfig({ sources: JSON.stringify(withoutFourth) });
        assert.deepEqual(plannedAccounts((await s.previewJson()).steps), [
            `delete org-${FOURTH_ACCOUNT} ${REGIONS.map((r) => `-${r}`).join(" ")}`,
        ]);
        // One more region for one account previews as an update of that account's resource creating exactly that authorization.
        await s.setConfig({
            sources: JSON.stringify(all.map((x) => (x.accountId === OTHER_ACCOUNT ? { ...x, regions: [...REGIONS, "us-east-2"] } : x))),
        });
        assert.deepEqual(plannedAccounts((await s.previewJson()).steps), [`update org-${OTHER_ACCOUNT} +us-east-2`]);

        await s.setConfig({ sources: JSON.stringify(withoutFourth) });
        await s.up();
        assert.deepEqual(await awsState(aws), expected(withoutFourth, { "cost-center": "42" }));
        await s.setConfig({ sources: JSON.stringify(all) });
        assert.deepEqual(plannedAccounts((await s.previewJson()).steps), [
            `create org-${FOURTH_ACCOUNT} ${REGIONS.map((r) => `+${r}`).join(" ")}`,
        ]);
        await s.up();
        assert.deepEqual(await awsState(aws), expected(all, { "cost-center": "42" }));

        // Refresh: one authorization deleted out of band in one account is dropped; a tag someone set
        // under an ignored key (aws:ignoreTags) is neither shown nor a change.
        await aws.inAccount(THIRD_ACCOUNT, async () => {
            await aws.deleteOutOfBand("us-west-2", AGGREGATOR_ACCOUNT, "us-east-1");
            await aws.tagOutOfBand("eu-west-1", arn(THIRD_ACCOUNT, "eu-west-1"), { "ops-note": "by hand" });
        });
        await s.refresh();
        const tagged = s.sourceAccounts().find((r) => r.urn.endsWith(`::org-${THIRD_ACCOUNT}`))!;
        assert.deepEqual(tagged.outputs!.tagsAll, { "cost-center": "42", team: "platform" });
        assert.equal(tagged.outputs!.exceptions, undefined, "no region's tags differ from the others': the ignored key is not shown");
        assert.deepEqual(
            regionsInState(s.sourceAccounts()),
            Object.fromEntries(ACCOUNTS.map((a) => [`org-${a}`, a === THIRD_ACCOUNT ? REGIONS.filter((r) => r !== "us-west-2") : REGIONS])),
        );
        assert.deepEqual(plannedAccounts((await s.previewJson()).steps), [`update org-${THIRD_ACCOUNT} +us-west-2`]);

        assert.equal((await aws.tagsIn(THIRD_ACCOUNT, "eu-west-1", arn(THIRD_ACCOUNT, "eu-west-1")))["ops-note"], "by hand");

        await s.destroy();
        assert.deepEqual(await awsState(aws), {});
    });

    it("aws:allowedAccountIds refuses an account it does not list before any change there", async () => {
        const sources = [sourceOf(OTHER_ACCOUNT, ["eu-west-1"]), sourceOf(THIRD_ACCOUNT, ["eu-west-1"])];
        const s = await program(sources, { "aws:allowedAccountIds": JSON.stringify([OTHER_ACCOUNT]) });
        const r = await s.up({ allowFail: true });
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout,
            new RegExp(
                `creating Config aggregation authorization \\(SourceAccountAuthorizations of account ${THIRD_ACCOUNT} for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1\\): ` +
                    `account ${THIRD_ACCOUNT} is not in the aws:allowedAccountIds stack config \\(${OTHER_ACCOUNT}\\), and the credentials in use ` +
                    `\\(role ${roleIn(THIRD_ACCOUNT).replace(/[/]/g, "\\/")} assumed from the AWS_ACCESS_KEY_ID environment variable\\) act in it\\. Pulumi changed nothing\\.`,
            ),
        );
        assert.deepEqual(await aws.listIn(THIRD_ACCOUNT, "eu-west-1"), [], "nothing in the refused account");
        // The refusal comes from the refused account's resource, before any Put there; whether the allowed account's create ran
        // before the engine stopped depends on the order the engine serves the two (it differs between
        // language hosts). Either way the state knows exactly what AWS holds, and destroy removes it.
        const allowed = await aws.listIn(OTHER_ACCOUNT, "eu-west-1");
        assert.deepEqual(
            s.sourceAccounts().flatMap((x) => Object.values(x.outputs!.arns as Record<string, string>)),
            allowed.map((a) => a.AggregationAuthorizationArn),
            "the state records exactly what AWS holds",
        );
        assert.ok(!s.sourceAccounts().some((x) => x.urn.endsWith(`::org-${THIRD_ACCOUNT}`)), "nothing recorded for the refused account");
        await s.destroy();
        assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "eu-west-1"), []);
    });

    it("fails on a bad component argument with a clean Pulumi error: the message, no stack trace, no AWS call", async () => {
        const s = await program([{ accountId: "1234", regions: ["eu-west-1"] }]);
        aws.proxy.clear();
        const r = await s.preview({ allowFail: true });
        assert.notEqual(r.code, 0);
        const out = r.stdout + r.stderr;
        assert.deepEqual(
            errorLines(out),
            ['error: AggregationAuthorizations org: sources[0].accountId must be 12 digits, got "1234"'],
            out,
        );
        assert.doesNotMatch(out, /^\s+at /m, "no stack trace");
        assert.doesNotMatch(out, /unhandled exception/);
        assert.deepEqual(aws.proxy.calls, []);
    });

    it("refuses an unsupported aws: setting by name before any AWS call", async () => {
        const s = await program([sourceOf(OTHER_ACCOUNT, ["eu-west-1"])], { "aws:stsRegion": "us-east-1" });
        aws.proxy.clear();
        const r = await s.preview({ allowFail: true });
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout + r.stderr,
            /configuring pulumi-aws-config-aggregation: aws:stsRegion is not supported by pulumi-aws-config-aggregation/,
        );
        assert.deepEqual(aws.proxy.calls, []);
    });
});
