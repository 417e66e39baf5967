/**
 * The AggregationAuthorizations component under Pulumi's mocks: which children it declares, with
 * which names and inputs, what it outputs, and the arguments it refuses before registering anything.
 * (The engine tier runs it for real against moto.)
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { SOURCE_ACCOUNT_PROVIDER_MODULE } from "../../provider/core/model/dynamic";
import { buildArn } from "../../provider/core/model/id";
import { roleAccount } from "../../provider/core/aws/settings";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

describe("AggregationAuthorizations (mocked engine)", () => {
    // Loaded after setMocks, as Pulumi's own unit-testing guide does.
    let sdk: typeof import("../../sdk/index");
    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                    if (!args.type.endsWith(":SourceAccountAuthorizations")) return { id: `${args.name}-id`, state: args.inputs };
                    const i = args.inputs;
                    const accountId = roleAccount(i.assumeRole?.roleArn ?? "") ?? "123456789012";
                    const arns = Object.fromEntries(
                        (i.regions as string[]).map((region) => [
                            region,
                            buildArn({
                                region,
                                accountId,
                                authorizedAccountId: i.authorizedAccountId,
                                authorizedAwsRegion: i.authorizedAwsRegion,
                            }),
                        ]),
                    );
                    return { id: `${accountId}/${i.authorizedAccountId}/${i.authorizedAwsRegion}`, state: { ...i, arns, accountId } };
                },
                call: (args) => args.inputs,
            },
            "proj",
            "dev",
        );
        sdk = await import("../../sdk/index");
    });
    beforeEach(() => registered.splice(0));

    const role = (account: string) => ({ roleArn: `arn:aws:iam::${account}:role/config-authorizer` });

    it("declares one SourceAccountAuthorizations per account, named <name>-<account>, holding its regions, through its role", async () => {
        const org = new sdk.AggregationAuthorizations("org", {
            authorizedAccountId: "111122223333",
            authorizedAwsRegion: "us-east-1",
            tags: { team: "platform" },
            sources: [
                { accountId: "444455556666", regions: ["eu-west-1", "us-west-2"], assumeRole: role("444455556666") },
                {
                    accountId: "777788889999",
                    regions: ["us-west-2", "eu-west-1"],
                    assumeRole: role("777788889999"),
                    tags: { team: "security" },
                },
            ],
        });
        const arns = await value(org.arns);
        const children = registered.filter((r) => r.type.endsWith(":SourceAccountAuthorizations"));
        assert.deepEqual(children.map((c) => c.name).sort(), ["org-444455556666", "org-777788889999"]);
        assert.deepEqual(
            registered.filter((r) => r.type.endsWith(":AggregationAuthorization")),
            [],
            "no resource per authorization",
        );
        const one = children.find((c) => c.name === "org-777788889999")!;
        assert.deepEqual(
            { ...one.inputs, owner: undefined },
            {
                authorizedAccountId: "111122223333",
                authorizedAwsRegion: "us-east-1",
                regions: ["us-west-2", "eu-west-1"],
                tags: { team: "security" },
                assumeRole: role("777788889999"),
                sourceAccountId: "777788889999",
                tagsMayBeSecret: true, // the common and the source's tags merged: an Output, which may hold a secret
                owner: undefined,
                __provider: SOURCE_ACCOUNT_PROVIDER_MODULE,
            },
        );
        const arn = (a: string, r: string) => `arn:aws:config:${r}:${a}:aggregation-authorization/111122223333/us-east-1`;
        assert.deepEqual(arns, {
            "444455556666": { "eu-west-1": arn("444455556666", "eu-west-1"), "us-west-2": arn("444455556666", "us-west-2") },
            "777788889999": { "eu-west-1": arn("777788889999", "eu-west-1"), "us-west-2": arn("777788889999", "us-west-2") },
        });
        assert.deepEqual(await value(org.accountAggregationSource), {
            accountIds: ["444455556666", "777788889999"],
            regions: ["eu-west-1", "us-west-2"],
        });
        assert.deepEqual(await value(org.accountAggregationSources), [
            { AccountIds: ["444455556666", "777788889999"], AwsRegions: ["eu-west-1", "us-west-2"], AllAwsRegions: false },
        ]);
    });

    it("takes account IDs given as 12-digit numbers as their strings: names, inputs, role check and outputs", async () => {
        const org = new sdk.AggregationAuthorizations("org", {
            authorizedAccountId: 111122223333,
            authorizedAwsRegion: "us-east-1",
            sources: [{ accountId: 444455556666, regions: ["eu-west-1"], assumeRole: role("444455556666") }],
        });
        const arns = await value(org.arns);
        const children = registered.filter((r) => r.type.endsWith(":SourceAccountAuthorizations"));
        assert.deepEqual(
            children.map((c) => [c.name, c.inputs.authorizedAccountId]),
            [["org-444455556666", "111122223333"]],
        );
        assert.deepEqual(Object.keys(org.authorizations), ["444455556666"]);
        assert.deepEqual(arns, {
            "444455556666": { "eu-west-1": "arn:aws:config:eu-west-1:444455556666:aggregation-authorization/111122223333/us-east-1" },
        });
        assert.deepEqual(await value(org.accountAggregationSource), { accountIds: ["444455556666"], regions: ["eu-west-1"] });
    });

    it("registers tag keys named like Object.prototype members (toString, constructor, …) as any other", async () => {
        // Without the sdk's copy, Pulumi's transferProperties throws "Cannot convert object to primitive value" here.
        const tags = { toString: "b", constructor: "a", valueOf: "c", hasOwnProperty: "d", team: "x" };
        const r = new sdk.AggregationAuthorization("proto-keys", {
            authorizedAccountId: "111122223333",
            authorizedAwsRegion: "us-east-1",
            region: "eu-west-1",
            tags,
        });
        assert.deepEqual(await value(r.tags), tags);
        assert.deepEqual(registered.find((x) => x.name === "proto-keys")!.inputs.tags, tags);
    });

    it("refuses a __proto__ tag key by name before registering, which Pulumi's Node.js SDK would drop", () => {
        assert.throws(
            () =>
                new sdk.AggregationAuthorization("proto", {
                    authorizedAccountId: "111122223333",
                    authorizedAwsRegion: "us-east-1",
                    region: "eu-west-1",
                    tags: JSON.parse('{"__proto__": "x", "team": "y"}'),
                }),
            {
                message:
                    'AggregationAuthorization proto: tags: the key "__proto__" cannot be used: Pulumi\'s Node.js SDK drops a map key of that name ' +
                    "on its way to the engine and back (it assigns keys one by one, and assigning __proto__ a string does nothing). Use another key.",
            },
        );
        assert.deepEqual(registered, []);
    });

    const refused: [string, Record<string, unknown>, string][] = [
        [
            "an account listed twice",
            {
                sources: [
                    { accountId: "444455556666", regions: ["eu-west-1"] },
                    { accountId: "444455556666", regions: ["us-west-2"] },
                ],
            },
            "sources[1].accountId 444455556666 is listed twice; list each account once, with all its regions",
        ],
        [
            "a numeric account that lost its leading zero",
            { sources: [{ accountId: 44455556666, regions: ["eu-west-1"] }] },
            'sources[0].accountId must be 12 digits, got the number 44455556666 (11 digits: a number drops an account ID\'s leading zeros); quote it: "044455556666"',
        ],
        [
            "a numeric aggregator account that lost its leading zeros",
            { authorizedAccountId: 11122223333, sources: [{ accountId: "444455556666", regions: ["eu-west-1"] }] },
            'authorizedAccountId must be 12 digits, got the number 11122223333 (11 digits: a number drops an account ID\'s leading zeros); quote it: "011122223333"',
        ],
        [
            "an account listed twice, once as a number",
            {
                sources: [
                    { accountId: "444455556666", regions: ["eu-west-1"] },
                    { accountId: 444455556666, regions: ["us-west-2"] },
                ],
            },
            "sources[1].accountId 444455556666 is listed twice; list each account once, with all its regions",
        ],
        [
            "a numeric account with a role in another account",
            { sources: [{ accountId: 444455556666, regions: ["eu-west-1"], assumeRole: role("777788889999") }] },
            "sources[0].assumeRole.roleArn is a role in account 777788889999, but the source is account 444455556666",
        ],
        [
            "a bad region",
            { sources: [{ accountId: "444455556666", regions: ["eu-west"] }] },
            'sources[0].regions[0] must be a region name such as eu-west-1, got "eu-west"',
        ],
        [
            "a role in another account",
            { sources: [{ accountId: "444455556666", regions: ["eu-west-1"], assumeRole: role("777788889999") }] },
            "sources[0].assumeRole.roleArn is a role in account 777788889999, but the source is account 444455556666",
        ],
        ["no sources", { sources: [] }, "sources must list at least one source account"],
        [
            "a bad aggregator account",
            { authorizedAccountId: "1234", sources: [{ accountId: "444455556666", regions: ["eu-west-1"] }] },
            'authorizedAccountId must be 12 digits, got "1234"',
        ],
    ];
    for (const [what, args, message] of refused) {
        it(`refuses ${what} before registering anything`, () => {
            assert.throws(
                () =>
                    new sdk.AggregationAuthorizations("org", {
                        authorizedAccountId: "111122223333",
                        authorizedAwsRegion: "us-east-1",
                        ...args,
                    } as never),
                (e: Error) => {
                    assert.equal(e.message, `AggregationAuthorizations org: ${message}`);
                    // A RunError, which Pulumi prints without a stack trace (the engine tier checks the output).
                    assert.equal(pulumi.RunError.isInstance(e), true);
                    return true;
                },
            );
            assert.deepEqual(
                registered.filter((r) => r.type.endsWith(":SourceAccountAuthorizations")),
                [],
            );
        });
    }
});
