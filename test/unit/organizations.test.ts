/**
 * organizationSources' checks of its arguments (no AWS call is made when one fails), which accounts
 * count as active, and what the network advice of an Organizations or Account Management call names.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { checkNetwork } from "../../provider/core/aws/errors";
import { quote } from "../../provider/core/model/redact";
import { isActive, organizationSources, organizationSourcesProblems, type OrganizationSourcesArgs } from "../../sdk/organizations";

const OK: OrganizationSourcesArgs = { sourceRole: { roleName: "config-authorizer" }, regions: ["us-east-1"] };
/** The reasons `organizationSourcesProblems` gives for OK with `over` applied. */
const problems = (over: Record<string, unknown>) =>
    organizationSourcesProblems({ ...OK, ...over } as OrganizationSourcesArgs).map((p) => p.reason);

describe("organizationSources: its arguments", () => {
    it('accepts a role name or an ARN pattern, roots and units, IDs as strings or numbers, regions or "enabled"', () => {
        assert.deepEqual(organizationSourcesProblems(OK), []);
        assert.deepEqual(
            problems({
                organizationalUnitIds: ["r-ab12", "ou-ab12-cd34ef56"],
                excludeAccountIds: ["111122223333", 444455556666],
                sourceRole: { roleArn: "arn:aws-cn:iam::{accountId}:role/ops/config-authorizer", externalId: "ext-1", sessionName: "org" },
                regions: "enabled",
                onlyEnabledRegions: false,
                tags: { team: "platform" },
                organizationsRole: { roleArn: "arn:aws:iam::111122223333:role/org-reader", externalId: "ext-2" },
            }),
            [],
        );
        assert.deepEqual(problems({ sourceRole: { roleName: "service-role/config-authorizer", externalId: pulumi.output("secret") } }), []);
    });

    it("names each bad argument and what is allowed", () => {
        assert.deepEqual(problems({ organizationalUnitIds: [] }), [
            "organizationalUnitIds must list at least one root or organizational unit ID (or be left out for the whole organization), got an empty list",
        ]);
        assert.deepEqual(problems({ organizationalUnitIds: ["ou-ab12-cd34ef56", "ou-AB12-cd34ef56", "ou-ab12-cd34ef56", 7] }), [
            'organizationalUnitIds[1] must be a root ID such as r-ab12 or an organizational unit ID such as ou-ab12-cd34ef56, got "ou-AB12-cd34ef56"',
            "organizationalUnitIds[2] ou-ab12-cd34ef56 is listed twice",
            "organizationalUnitIds[3] must be a root ID such as r-ab12 or an organizational unit ID such as ou-ab12-cd34ef56, got the number 7",
        ]);
        assert.deepEqual(problems({ excludeAccountIds: "111122223333" }), [
            'excludeAccountIds must be a list of 12-digit account IDs, got "111122223333"',
        ]);
        assert.deepEqual(problems({ excludeAccountIds: ["11112222333", 11112222333] }), [
            'excludeAccountIds[0] must be 12 digits, got "11112222333"',
            'excludeAccountIds[1] must be 12 digits, got the number 11112222333 (11 digits: a number drops an account ID\'s leading zeros); quote it: "011112222333"',
        ]);
        assert.deepEqual(problems({ regions: [] }), [
            'regions must list at least one source region, e.g. ["us-east-1", "eu-west-1"], got an empty list',
        ]);
        assert.deepEqual(problems({ regions: "all" }), ['regions must be a list of regions or "enabled", got "all"']);
        assert.deepEqual(problems({ regions: ["us-east-1", "cn-north-1"] }), [
            "regions must all be in one AWS partition, as the aggregator is, got us-east-1 in aws, cn-north-1 in aws-cn; declare one resource per partition",
        ]);
        assert.deepEqual(problems({ onlyEnabledRegions: "yes" }), ['onlyEnabledRegions must be true or false, got "yes"']);
        assert.deepEqual(problems({ organizationsRole: { roleArn: "org-reader" } }), [
            'organizationsRole.roleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/config-authorizer, got "org-reader"',
        ]);
        assert.deepEqual(problems({ organizationUnitIds: ["ou-ab12-cd34ef56"] }), [
            'unknown argument "organizationUnitIds"; allowed: organizationalUnitIds, excludeAccountIds, sourceRole, regions, onlyEnabledRegions, tags, organizationsRole',
        ]);
        assert.deepEqual(
            organizationSourcesProblems(undefined as unknown as OrganizationSourcesArgs).map((p) => p.reason),
            ["the arguments must be an object, got undefined"],
        );
    });

    it("asks for one role for every account: a name, or an ARN with {accountId} as its account", () => {
        const example = '{ roleName: "config-authorizer" } or { roleArn: "arn:aws:iam::{accountId}:role/config-authorizer" }';
        assert.deepEqual(problems({ sourceRole: undefined }), [`sourceRole must be an object such as ${example}, got undefined`]);
        assert.deepEqual(problems({ sourceRole: {} }), [
            `sourceRole must have one of roleName and roleArn, such as ${example}, got neither`,
        ]);
        assert.deepEqual(problems({ sourceRole: { roleName: "a", roleArn: "arn:aws:iam::{accountId}:role/a" } }), [
            `sourceRole must have one of roleName and roleArn, such as ${example}, got both`,
        ]);
        assert.deepEqual(problems({ sourceRole: { roleName: "a", assumeRole: "b" } }), [
            'sourceRole has the unknown field "assumeRole"; allowed: roleName, roleArn, externalId, sessionName',
        ]);
        const badName = (name: string) =>
            `sourceRole.roleName must be an IAM role name such as config-authorizer (with its path, if any, as path/name), got ${quote(name)}`;
        for (const name of ["arn:aws:iam::123456789012:role/a", "/a", "a/", "a b", "x".repeat(65)])
            assert.deepEqual(problems({ sourceRole: { roleName: name } }), [badName(name)], name);
        const badArn = (arn: string) =>
            `sourceRole.roleArn must be an IAM role ARN with {accountId} as its account, such as arn:aws:iam::{accountId}:role/config-authorizer, got ${JSON.stringify(arn)}`;
        for (const arn of [
            "arn:aws:iam::123456789012:role/a",
            "arn:aws:iam::{accountId}:user/a",
            "arn:aws:iam::{accountId}:role/{accountId}",
            "arn:aws:iam::1{accountId}:role/a",
            "config-authorizer",
        ])
            assert.deepEqual(problems({ sourceRole: { roleArn: arn } }), [badArn(arn)], arn);
        assert.deepEqual(problems({ sourceRole: { roleName: "a", externalId: "x" } }), [
            "sourceRole.externalId must be 2–1224 letters, digits or _+=,.@:/- (AWS STS), got a string of 1 characters",
        ]);
        assert.deepEqual(problems({ sourceRole: { roleName: "a", sessionName: "a b" } }), [
            'sourceRole.sessionName must be 2–64 letters, digits or _+=,.@- (AWS STS), got "a b"',
        ]);
    });

    it("fails with a RunError without stack frames, before any call", async () => {
        const saved = { ...process.env };
        // Any call would go here and fail otherwise.
        process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:9";
        try {
            await assert.rejects(organizationSources({ ...OK, regions: ["us-east-1", "mars-1"] }), (err: Error) => {
                assert.ok(err instanceof pulumi.RunError);
                assert.equal(
                    err.message,
                    'organizationSources: regions[1] must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "mars-1"',
                );
                assert.equal(err.stack, `Error: ${err.message}`);
                return true;
            });
        } finally {
            process.env = saved;
        }
    });
});

describe("organizationSources: which accounts are active", () => {
    it("State decides; Status only when State is absent (AWS retires Status on September 9, 2026)", () => {
        const cases: [string | undefined, string | undefined, boolean][] = [
            ["ACTIVE", "ACTIVE", true],
            ["ACTIVE", undefined, true],
            [undefined, "ACTIVE", true],
            ["SUSPENDED", "ACTIVE", false],
            ["PENDING_CLOSURE", "PENDING_CLOSURE", false],
            ["CLOSED", undefined, false],
            ["PENDING_ACTIVATION", undefined, false],
            ["ACTIVE", "SUSPENDED", true],
            [undefined, "SUSPENDED", false],
            [undefined, undefined, false],
        ];
        for (const [State, Status, active] of cases)
            assert.equal(isActive({ State, Status } as Parameters<typeof isActive>[0]), active, `State ${State}, Status ${Status}`);
    });
});

describe("network advice of the program's other reads", () => {
    it("names the endpoint variable of AWS Organizations and AWS Account Management", () => {
        assert.equal(
            checkNetwork("organizations:ListAccounts", { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566" }),
            "Check the network, the region, and AWS_ENDPOINT_URL_ORGANIZATIONS / AWS_ENDPOINT_URL if set",
        );
        assert.equal(
            checkNetwork("account:ListRegions"),
            "Check the network, the region, and AWS_ENDPOINT_URL_ACCOUNT / AWS_ENDPOINT_URL if set",
        );
    });
});
