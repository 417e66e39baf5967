/**
 * Source accounts from AWS Organizations (issue 25): organizationSources against moto's organization
 * (made with its CreateOrganization, CreateOrganizationalUnit, CreateAccount, CloseAccount) through the
 * proxy, which answers as AWS where moto is lenient (test/harness/aws-organizations.ts): who may call,
 * pages of at most 20, empty pages, account states moto never shows. The first test shows moto's own
 * leniencies, so that the proxy's corrections stay needed.
 */
import * as assert from "node:assert/strict";
import {
    CloseAccountCommand,
    CreateAccountCommand,
    CreateOrganizationCommand,
    CreateOrganizationalUnitCommand,
    ListAccountsCommand,
    ListRootsCommand,
    MoveAccountCommand,
    OrganizationsClient,
    RegisterDelegatedAdministratorCommand,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import * as pulumi from "@pulumi/pulumi";
import { newRun } from "../harness/run";
import { organizationSources, type OrganizationSourcesArgs } from "../../sdk/organizations";
import { SOURCE_ACCOUNT, roleIn, useAws, type AwsFixture } from "../harness/aws";
import { faults } from "../harness/proxy";

const REGIONS = ["eu-west-1", "us-east-1"];
const MANAGEMENT = SOURCE_ACCOUNT;
const ARGS: OrganizationSourcesArgs = { sourceRole: { roleName: "config-authorizer" }, regions: REGIONS };

/** An Organizations client straight to moto (not recorded), as the management account or, assumed, as `account`. */
async function organizations(aws: AwsFixture, account?: string): Promise<OrganizationsClient> {
    const base = { region: "us-east-1", endpoint: aws.moto.url };
    if (!account) return new OrganizationsClient({ ...base, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    const sts = new STSClient({ ...base, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleIn(account, "platform"), RoleSessionName: "tests" }))).Credentials!;
    return new OrganizationsClient({
        ...base,
        credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken },
    });
}

/** An organization of the management account: its root, and `n` new accounts (sorted IDs) in the root. */
async function organization(aws: AwsFixture, n: number): Promise<{ org: OrganizationsClient; root: string; accounts: string[] }> {
    const org = await organizations(aws);
    await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    const root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const accounts: string[] = [];
    for (let i = 0; i < n; i++) {
        const created = await org.send(new CreateAccountCommand({ AccountName: `source-${i}`, Email: `source-${i}@example.com` }));
        accounts.push(created.CreateAccountStatus!.AccountId!);
    }
    return { org, root, accounts: accounts.sort() };
}

async function unit(org: OrganizationsClient, parent: string, name: string): Promise<string> {
    return (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
}

async function move(org: OrganizationsClient, accounts: string[], from: string, to: string): Promise<void> {
    for (const AccountId of accounts) await org.send(new MoveAccountCommand({ AccountId, SourceParentId: from, DestinationParentId: to }));
}

/** What organizationSources returns for `accounts` with ARGS. */
const sourcesOf = (accounts: string[]) =>
    [...accounts].sort().map((accountId) => ({ accountId, regions: REGIONS, assumeRole: { roleArn: roleIn(accountId) } }));

/** The Organizations calls the proxy saw: operation, then the request's ParentId and whether it carried a NextToken. */
const calls = (aws: AwsFixture) =>
    aws.proxy.calls
        .filter((c) => c.service === "organizations")
        .map((c) =>
            [c.operation, c.body?.ParentId ?? "", c.body?.NextToken === undefined ? "first" : "next", c.body?.MaxResults].join(" "),
        );

/** The RunError `organizationSources(args)` fails with: its message, checked to carry no stack trace. */
async function failure(args: OrganizationSourcesArgs): Promise<string> {
    try {
        await organizationSources(args);
    } catch (err) {
        assert.ok(err instanceof pulumi.RunError, `a RunError, got ${err}`);
        assert.equal(err.stack, `Error: ${err.message}`, "no stack frames");
        return err.message;
    }
    assert.fail("organizationSources did not fail");
}

describe("organizationSources", function () {
    this.timeout(120000);
    const aws = useAws();
    const warnings: string[] = [];
    const saved = pulumi.log.warn;
    beforeEach(() => {
        warnings.length = 0;
        pulumi.log.warn = async (m: string) => void warnings.push(m);
    });
    afterEach(() => (pulumi.log.warn = saved));

    it("moto is lenient where AWS is not (one page of 26 accounts, any MaxResults, an empty list for a member account); the proxy answers as AWS", async () => {
        const { accounts } = await organization(aws, 25);
        const org = await organizations(aws);
        const page = await org.send(new ListAccountsCommand({ MaxResults: 50 }));
        assert.equal(page.Accounts!.length, 26);
        assert.equal(page.NextToken, undefined);
        const member = await organizations(aws, accounts[0]);
        assert.deepEqual((await member.send(new ListAccountsCommand({}))).Accounts, []);
        await org.send(new CloseAccountCommand({ AccountId: accounts[1] }));
        const closed = (await org.send(new ListAccountsCommand({}))).Accounts!.find((a) => a.Id === accounts[1])!;
        assert.deepEqual(
            [closed.State, closed.Status],
            ["SUSPENDED", "SUSPENDED"],
            "moto closes an account at once, never PENDING_CLOSURE",
        );

        // Through the proxy: at most 20 a page, MaxResults 1 to 20, a member that is not a delegated administrator refused.
        const proxied = new OrganizationsClient({
            region: "us-east-1",
            endpoint: aws.proxy.url,
            credentials: { accessKeyId: "x", secretAccessKey: "x" },
        });
        const first = await proxied.send(new ListAccountsCommand({}));
        assert.equal(first.Accounts!.length, 20);
        assert.equal((await proxied.send(new ListAccountsCommand({ NextToken: first.NextToken }))).Accounts!.length, 6);
        await assert.rejects(proxied.send(new ListAccountsCommand({ MaxResults: 50 })), { name: "InvalidInputException" });
        await assert.rejects(proxied.send(new ListAccountsCommand({ NextToken: "made-up" })), { name: "InvalidInputException" });
        const memberCredentials = await member.config.credentials();
        const proxiedMember = new OrganizationsClient({ region: "us-east-1", endpoint: aws.proxy.url, credentials: memberCredentials });
        await assert.rejects(proxiedMember.send(new ListAccountsCommand({})), {
            name: "AccessDeniedException",
            message: "You don't have permissions to access this resource.",
        });
    });

    it("every active account of the organization, sorted, each through its role; every page of 20", async () => {
        const { org, accounts } = await organization(aws, 25);
        const [suspended, closing, closed, stateless] = accounts.slice(3, 7);
        await org.send(new CloseAccountCommand({ AccountId: suspended }));
        const emulation = aws.proxy.faithful!.organizations;
        emulation.setState(closing, "PENDING_CLOSURE");
        emulation.setState(closed, "CLOSED");
        // Before State existed: Status alone decides.
        emulation.setState(stateless, undefined, "ACTIVE");
        const active = accounts.filter((a) => ![suspended, closing, closed].includes(a));
        assert.deepEqual(await organizationSources({ ...ARGS, excludeAccountIds: [MANAGEMENT] }), sourcesOf(active));
        assert.deepEqual(calls(aws), ["ListAccounts  first 20", "ListAccounts  next 20"]);
        assert.deepEqual(warnings, []);
        // With the management account; once Status is retired, State alone decides.
        emulation.retireStatus();
        emulation.setState(stateless, undefined, undefined);
        assert.deepEqual(await organizationSources(ARGS), sourcesOf([MANAGEMENT, ...active.filter((a) => a !== stateless)]));
    });

    it("organizational units with every unit nested in them, at any depth, each account once; every page", async () => {
        const { org, root, accounts } = await organization(aws, 25);
        const a = await unit(org, root, "a");
        const a1 = await unit(org, a, "a1");
        const a1x = await unit(org, a1, "a1x");
        const b = await unit(org, root, "b");
        // 21 accounts deep in a (two pages of ListAccountsForParent), one in a, one in b, two left in the root.
        await move(org, accounts.slice(0, 21), root, a1x);
        await move(org, [accounts[21]], root, a);
        await move(org, [accounts[22]], root, b);
        // 21 units in b: two pages of ListOrganizationalUnitsForParent, each listed too.
        const empty = [];
        for (let i = 0; i < 21; i++) empty.push(await unit(org, b, `b${i}`));

        assert.deepEqual(await organizationSources({ ...ARGS, organizationalUnitIds: [a] }), sourcesOf(accounts.slice(0, 22)));
        assert.deepEqual(
            calls(aws).sort(),
            [
                `ListAccountsForParent ${a} first 20`,
                `ListAccountsForParent ${a1} first 20`,
                `ListAccountsForParent ${a1x} first 20`,
                `ListAccountsForParent ${a1x} next 20`,
                `ListOrganizationalUnitsForParent ${a} first 20`,
                `ListOrganizationalUnitsForParent ${a1} first 20`,
                `ListOrganizationalUnitsForParent ${a1x} first 20`,
            ].sort(),
        );

        // A unit inside another given one is read once.
        aws.proxy.clear();
        assert.deepEqual(await organizationSources({ ...ARGS, organizationalUnitIds: [a1x, b, a] }), sourcesOf(accounts.slice(0, 23)));
        const b1 = calls(aws).filter((c) => c.startsWith("ListOrganizationalUnitsForParent " + b));
        assert.deepEqual(b1, [`ListOrganizationalUnitsForParent ${b} first 20`, `ListOrganizationalUnitsForParent ${b} next 20`]);
        assert.equal(calls(aws).filter((c) => c.startsWith(`ListAccountsForParent ${a1x} first`)).length, 1);
        // a1x's two pages, a, a1, b, and b's 21 units.
        assert.equal(calls(aws).filter((c) => c.startsWith("ListAccountsForParent")).length, 2 + 3 + 21);

        // The root: the whole organization, as ListAccounts gives it.
        assert.deepEqual(await organizationSources({ ...ARGS, organizationalUnitIds: [root] }), sourcesOf([MANAGEMENT, ...accounts]));
    });

    it("goes on past empty pages that carry a NextToken, as AWS may answer", async () => {
        const { root, accounts } = await organization(aws, 3);
        aws.proxy.faithful!.organizations.emptyPages = 3;
        assert.deepEqual(await organizationSources({ ...ARGS, excludeAccountIds: [MANAGEMENT] }), sourcesOf(accounts));
        assert.deepEqual(await organizationSources({ ...ARGS, organizationalUnitIds: [root] }), sourcesOf([MANAGEMENT, ...accounts]));
        // The two listings of the root run side by side: each starts with its empty page.
        assert.deepEqual(calls(aws).sort(), [
            "ListAccounts  first 20",
            "ListAccounts  next 20",
            `ListAccountsForParent ${root} first 20`,
            `ListAccountsForParent ${root} next 20`,
            `ListOrganizationalUnitsForParent ${root} first 20`,
            `ListOrganizationalUnitsForParent ${root} next 20`,
        ]);
    });

    it("hands each source the role ARN pattern, external ID, session name, regions and tags; excluded IDs may be numbers", async () => {
        const { accounts } = await organization(aws, 2);
        const sources = await organizationSources({
            sourceRole: {
                roleArn: "arn:aws:iam::{accountId}:role/audit/config-authorizer",
                externalId: "ext-id-1",
                sessionName: "org-sources",
            },
            regions: "enabled",
            onlyEnabledRegions: true,
            tags: { team: "platform" },
            excludeAccountIds: [Number(MANAGEMENT), "999999999999"],
        });
        assert.deepEqual(
            sources,
            accounts.map((accountId) => ({
                accountId,
                regions: "enabled",
                onlyEnabledRegions: true,
                assumeRole: {
                    roleArn: `arn:aws:iam::${accountId}:role/audit/config-authorizer`,
                    externalId: "ext-id-1",
                    sessionName: "org-sources",
                },
                tags: { team: "platform" },
            })),
        );
        assert.deepEqual(warnings, [
            "organizationSources: excludeAccountIds 999999999999 is not an active account in the organization; nothing to exclude",
        ]);
    });

    it("reads through organizationsRole in a delegated administrator account; a member that is not one is refused, naming what to allow", async () => {
        const { org, accounts } = await organization(aws, 3);
        const [admin, member] = accounts;
        await org.send(
            new RegisterDelegatedAdministratorCommand({ AccountId: admin, ServicePrincipal: "config-multiaccountsetup.amazonaws.com" }),
        );
        assert.deepEqual(
            await organizationSources({ ...ARGS, organizationsRole: { roleArn: roleIn(admin, "org-reader") } }),
            sourcesOf([MANAGEMENT, ...accounts]),
        );
        const assumed = aws.proxy.calls.filter((c) => c.operation === "AssumeRole").map((c) => c.params?.RoleArn);
        assert.deepEqual(assumed, [roleIn(admin, "org-reader")]);

        aws.proxy.clear();
        const message = await failure({ ...ARGS, organizationsRole: { roleArn: roleIn(member, "org-reader") } });
        assert.equal(
            message,
            `organizationSources: reading the accounts of the organization: access denied to organizations:ListAccounts for role ${roleIn(member, "org-reader")} ` +
                `assumed from the AWS_ACCESS_KEY_ID environment variable, acting in account ${member} (AccessDeniedException: You don't have permissions to access this resource.). ` +
                `Only the organization's management account and its delegated administrator accounts may list its accounts: allow organizations:ListAccounts ` +
                `to credentials in one of them, and run the program with those or give organizationsRole a role there (docs/many-accounts.md, "Accounts from AWS Organizations").`,
        );
        assert.deepEqual(calls(aws), ["ListAccounts  first 20"], "not retried");
        const units = await failure({
            ...ARGS,
            organizationalUnitIds: ["r-abcd"],
            organizationsRole: { roleArn: roleIn(member, "org-reader") },
        });
        assert.match(
            units,
            /allow organizations:ListAccountsForParent and organizations:ListOrganizationalUnitsForParent to credentials in one of them/,
        );
    });

    it("fails naming the call, the cause and the fix: no organization, an unknown unit, nothing left to authorize", async () => {
        assert.equal(
            await failure(ARGS),
            `organizationSources: reading the accounts of the organization: organizations:ListAccounts answered AWSOrganizationsNotInUseException: ` +
                `the credentials (the AWS_ACCESS_KEY_ID environment variable, acting in account ${MANAGEMENT}) are not in an organization. Give organizationsRole ` +
                `a role in the organization's management account or a delegated administrator account, or run the program with credentials there.`,
        );
        const { org, root } = await organization(aws, 1);
        const a = await unit(org, root, "a");
        assert.equal(
            await failure({ ...ARGS, organizationalUnitIds: [a, "ou-zzzz-zzzzzzzz"] }),
            `organizationSources: reading the accounts of ou-zzzz-zzzzzzzz: organizations:ListAccountsForParent answered ParentNotFoundException: ` +
                `organizationalUnitIds[1] ou-zzzz-zzzzzzzz is not a root or organizational unit of the organization of account ${MANAGEMENT}; ` +
                `correct it (aws organizations list-roots and list-organizational-units-for-parent list them).`,
        );
        assert.equal(
            await failure({ ...ARGS, organizationalUnitIds: [a] }),
            `organizationSources: no active account in ${a} (with the units nested in them) is left to authorize (0 listed, 0 not ACTIVE, 0 excluded). ` +
                `Check organizationalUnitIds and excludeAccountIds.`,
        );
    });

    it("ends at the operation's deadline a listing that AWS does not answer, and names the role it could not assume", async () => {
        await organization(aws, 1);
        process.env.PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS = "500";
        try {
            newRun({});
            aws.proxy.inject((c) => (c.operation === "ListAccounts" ? faults.delayedAnswer(3000) : undefined));
            const started = performance.now();
            assert.equal(
                await failure(ARGS),
                `organizationSources: reading the accounts of the organization: AWS Organizations did not answer organizations:ListAccounts ` +
                    `(region eu-west-1, endpoint ${aws.proxy.url}) within the operation's deadline of 0.5 s, after 1 attempt; the call was abandoned. ` +
                    `Check the network, the region, and AWS_ENDPOINT_URL_ORGANIZATIONS / AWS_ENDPOINT_URL if set; to allow more time, raise ` +
                    `PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS (or the stack config pulumi-aws-config-aggregation:operationTimeoutMs).`,
            );
            assert.ok(performance.now() - started < 2500, "it did not wait for the answer");
        } finally {
            delete process.env.PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS;
            newRun({});
        }
        aws.proxy.inject((c) => (c.operation === "AssumeRole" ? faults.accessDenied("sts:AssumeRole") : undefined));
        assert.equal(
            await failure({ ...ARGS, organizationsRole: { roleArn: roleIn(MANAGEMENT, "org-reader") } }),
            `organizationSources: reading the accounts of the organization: could not assume role ${roleIn(MANAGEMENT, "org-reader")} in account ${MANAGEMENT} ` +
                `from the AWS_ACCESS_KEY_ID environment variable (AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole). ` +
                `Pulumi changed nothing. Check that the role exists, that its trust policy lets those credentials assume it (with the external ID, if it requires one), ` +
                `and that they may call sts:AssumeRole on it.`,
        );
    });

    it("says what kept failing as for every other call: faults after the retries, an endpoint without Organizations", async () => {
        await organization(aws, 1);
        aws.proxy.inject((c) => (c.operation === "ListAccounts" ? faults.internal() : undefined));
        assert.equal(
            await failure(ARGS),
            `organizationSources: reading the accounts of the organization: AWS Organizations kept failing after 4 attempts ` +
                `(InternalFailure: We encountered an internal error. Please try again., region eu-west-1, endpoint ${aws.proxy.url}). ` +
                `This is a fault on the AWS side; run the command again later.`,
        );
        assert.equal(calls(aws).length, 4);
        aws.proxy.inject((c) => (c.operation === "ListAccounts" ? faults.html() : undefined));
        assert.equal(
            await failure(ARGS),
            `organizationSources: reading the accounts of the organization: the endpoint ${aws.proxy.url} does not implement organizations:ListAccounts: ` +
                `it answered HTTP 500 with an HTML page (region eu-west-1; not retried). It is not AWS Organizations, or an emulator without this operation: ` +
                `point AWS_ENDPOINT_URL_ORGANIZATIONS (or AWS_ENDPOINT_URL) at one that has it, or unset it for AWS's own.`,
        );
    });

    it("refuses bad arguments before any call, naming each", async () => {
        const message = await failure({
            sourceRole: { roleArn: "arn:aws:iam::123456789012:role/x" },
            regions: ["eu-west-1", "eu-west-1"],
            organizationalUnitIds: ["ou-1"],
            excludeAccountIds: [12345],
        });
        assert.equal(
            message,
            `organizationSources: organizationalUnitIds[0] must be a root ID such as r-ab12 or an organizational unit ID such as ou-ab12-cd34ef56, got "ou-1"; ` +
                `excludeAccountIds[0] must be 12 digits, got the number 12345 (5 digits: a number drops an account ID's leading zeros); quote it: "000000012345"; ` +
                `sourceRole.roleArn must be an IAM role ARN with {accountId} as its account, such as arn:aws:iam::{accountId}:role/config-authorizer, got "arn:aws:iam::123456789012:role/x"; ` +
                `regions[1] "eu-west-1" is listed twice; list each region once`,
        );
        assert.deepEqual(aws.proxy.calls, []);
    });
});
