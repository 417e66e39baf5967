/**
 * The AggregationAuthorizations component under Pulumi's mocks: which children it declares, with
 * which names and inputs, what it outputs, and the arguments it refuses before registering anything.
 * (The engine tier runs it for real against moto.)
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_MODULE } from "../../provider/dynamic";
import { buildArn } from "../../provider/id";
import { roleAccount } from "../../provider/settings";

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
                    if (!args.type.endsWith(":AggregationAuthorization")) return { id: `${args.name}-id`, state: args.inputs };
                    const i = args.inputs;
                    const accountId = roleAccount(i.assumeRole?.roleArn ?? "") ?? "123456789012";
                    const arn = buildArn({
                        region: i.region,
                        accountId,
                        authorizedAccountId: i.authorizedAccountId,
                        authorizedAwsRegion: i.authorizedAwsRegion,
                    });
                    return { id: arn, state: { ...i, arn, accountId } };
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

    it("declares one authorization per account and region, named <name>-<account>-<region>, through each account's role", async () => {
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
        const children = registered.filter((r) => r.type.endsWith(":AggregationAuthorization"));
        assert.deepEqual(children.map((c) => c.name).sort(), [
            "org-444455556666-eu-west-1",
            "org-444455556666-us-west-2",
            "org-777788889999-eu-west-1",
            "org-777788889999-us-west-2",
        ]);
        const one = children.find((c) => c.name === "org-777788889999-us-west-2")!;
        assert.deepEqual(
            { ...one.inputs, owner: undefined },
            {
                authorizedAccountId: "111122223333",
                authorizedAwsRegion: "us-east-1",
                region: "us-west-2",
                tags: { team: "security" },
                assumeRole: role("777788889999"),
                owner: undefined,
                __provider: PROVIDER_MODULE,
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
            { accountIds: ["444455556666", "777788889999"], awsRegions: ["eu-west-1", "us-west-2"], allAwsRegions: false },
        ]);
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
            "a numeric account",
            { sources: [{ accountId: 444455556666, regions: ["eu-west-1"] }] },
            "sources[0].accountId must be 12 digits (a string), got 444455556666",
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
                registered.filter((r) => r.type.endsWith(":AggregationAuthorization")),
                [],
            );
        });
    }
});
