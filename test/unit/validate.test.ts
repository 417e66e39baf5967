import * as assert from "node:assert/strict";
import * as net from "node:net";
import { provider } from "../../provider";
import { newRun } from "../harness/run";
import { closestRegion, distance, loadPartitions } from "../../provider/core/model/regions";
import { UNKNOWN } from "../../provider/core/model/types";
import { validate, validateRegions } from "../../provider/core/model/validate";
import { FAKE_SECRETS } from "../harness/secrets";

const ok = { authorizedAccountId: "111122223333", authorizedAwsRegion: "us-east-1", region: "eu-west-1" };
const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));

/** [case, inputs, expected failures as [property, reason]] */
const cases: [string, Record<string, unknown>, [string, string][]][] = [
    ["valid inputs", ok, []],
    ["valid with tags", { ...ok, tags: { team: "platform", "cost-center": "42", "a.b:c/d=e+f-g@h": "x y" } }, []],
    ["valid GovCloud region", { ...ok, region: "us-gov-west-1" }, []],
    ["valid China region", { ...ok, authorizedAwsRegion: "cn-north-1" }, []],
    ["valid empty tag value", { ...ok, tags: { empty: "" } }, []],
    ["valid unicode tag", { ...ok, tags: { équipe: "données" } }, []],
    [
        "account ID too short",
        { ...ok, authorizedAccountId: "12345" },
        [["authorizedAccountId", 'authorizedAccountId must be 12 digits, got "12345"']],
    ],
    [
        "account ID too long",
        { ...ok, authorizedAccountId: "1234567890123" },
        [["authorizedAccountId", 'authorizedAccountId must be 12 digits, got "1234567890123"']],
    ],
    [
        "account ID with letters",
        { ...ok, authorizedAccountId: "11112222333a" },
        [["authorizedAccountId", 'authorizedAccountId must be 12 digits, got "11112222333a"']],
    ],
    [
        "account ID with spaces",
        { ...ok, authorizedAccountId: "1111 2222 3333" },
        [["authorizedAccountId", 'authorizedAccountId must be 12 digits, got "1111 2222 3333"']],
    ],
    [
        "account ID with a trailing space",
        { ...ok, authorizedAccountId: "111122223333 " },
        [["authorizedAccountId", 'authorizedAccountId must be 12 digits, got "111122223333 "']],
    ],
    ["valid account ID as a 12-digit number", { ...ok, authorizedAccountId: 111122223333 }, []],
    [
        "account ID as a number that lost its leading zero",
        { ...ok, authorizedAccountId: 11122223333 },
        [
            [
                "authorizedAccountId",
                'authorizedAccountId must be 12 digits, got the number 11122223333 (11 digits: a number drops an account ID\'s leading zeros); quote it: "011122223333"',
            ],
        ],
    ],
    [
        "account ID as a fraction",
        { ...ok, authorizedAccountId: 111122223333.5 },
        [["authorizedAccountId", "authorizedAccountId must be 12 digits, got the number 111122223333.5"]],
    ],
    ["account ID empty", { ...ok, authorizedAccountId: "" }, [["authorizedAccountId", 'authorizedAccountId must be 12 digits, got ""']]],
    [
        "account ID missing",
        { ...ok, authorizedAccountId: undefined },
        [["authorizedAccountId", "authorizedAccountId is required: the 12-digit account ID of the aggregator account"]],
    ],
    [
        "account ID as a boolean",
        { ...ok, authorizedAccountId: true },
        [["authorizedAccountId", "authorizedAccountId must be 12 digits, got the boolean true"]],
    ],
    [
        "aggregator region empty",
        { ...ok, authorizedAwsRegion: "" },
        [
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got ""',
            ],
        ],
    ],
    [
        "aggregator region upper case",
        { ...ok, authorizedAwsRegion: "US-EAST-1" },
        [
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "US-EAST-1"',
            ],
        ],
    ],
    [
        "aggregator region underscores",
        { ...ok, authorizedAwsRegion: "us_east_1" },
        [
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "us_east_1"',
            ],
        ],
    ],
    [
        "aggregator region without number",
        { ...ok, authorizedAwsRegion: "us-east" },
        [
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "us-east"',
            ],
        ],
    ],
    [
        "aggregator region is an availability zone",
        { ...ok, authorizedAwsRegion: "us-east-1a" },
        [
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "us-east-1a"',
            ],
        ],
    ],
    [
        "aggregator region missing",
        { ...ok, authorizedAwsRegion: undefined },
        [["authorizedAwsRegion", "authorizedAwsRegion is required: the region of the aggregator, e.g. us-east-1"]],
    ],
    [
        "source region not a region",
        { ...ok, region: "useast1" },
        [["region", 'region must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "useast1"']],
    ],
    [
        "source region with spaces",
        { ...ok, region: " eu-west-1" },
        [["region", 'region must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got " eu-west-1"']],
    ],
    [
        "aggregator region with a typo",
        { ...ok, authorizedAwsRegion: "us-esat-1" },
        [
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion "us-esat-1" is not a known region of the aws partition. Did you mean us-east-1? ' +
                    "If it is a region newer than this provider's AWS SDK, set the stack config aws:skipRegionValidation to true " +
                    "(pulumi config set aws:skipRegionValidation true) to accept it.",
            ],
        ],
    ],
    [
        "source region with a typo",
        { ...ok, region: "eu-wset-1" },
        [
            [
                "region",
                'region "eu-wset-1" is not a known region of the aws partition. Did you mean eu-west-1? ' +
                    "If it is a region newer than this provider's AWS SDK, set the stack config aws:skipRegionValidation to true " +
                    "(pulumi config set aws:skipRegionValidation true) to accept it.",
            ],
        ],
    ],
    [
        "a GovCloud region with a typo",
        { ...ok, region: "us-gov-wset-1" },
        [
            [
                "region",
                'region "us-gov-wset-1" is not a known region of the aws-us-gov partition. Did you mean us-gov-west-1? ' +
                    "If it is a region newer than this provider's AWS SDK, set the stack config aws:skipRegionValidation to true " +
                    "(pulumi config set aws:skipRegionValidation true) to accept it.",
            ],
        ],
    ],
    [
        "a region of no partition",
        { ...ok, authorizedAwsRegion: "uz-east-1" },
        [
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion "uz-east-1" is not a region of any AWS partition (aws, aws-cn, aws-us-gov, …). Did you mean us-east-1?',
            ],
        ],
    ],
    [
        "a region far from any known one, without a suggestion",
        { ...ok, authorizedAwsRegion: "ap-nowhere-9" },
        [
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion "ap-nowhere-9" is not a known region of the aws partition. ' +
                    "If it is a region newer than this provider's AWS SDK, set the stack config aws:skipRegionValidation to true " +
                    "(pulumi config set aws:skipRegionValidation true) to accept it.",
            ],
        ],
    ],
    [
        "a 10 MB region, echoed cut to 64 characters",
        { ...ok, region: "x".repeat(10_000_000) },
        [
            [
                "region",
                `region must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "${"x".repeat(64)}…"`,
            ],
        ],
    ],
    [
        "source region unresolved",
        { ...ok, region: undefined },
        [
            [
                "region",
                "region is required: set the region input, the aws:region stack config (pulumi config set aws:region us-east-1), or AWS_REGION",
            ],
        ],
    ],
    [
        "50 tags",
        { ...ok, tags: many(50) },
        [["tags", "tags: at most 49 tags (AWS allows 50; one marks which Pulumi resource created the authorization), got 50"]],
    ],
    ["49 tags is fine", { ...ok, tags: many(49) }, []],
    [
        "the owner tag key",
        { ...ok, tags: { "pulumi-aws-config-aggregation:owner": "x" } },
        [
            [
                "tags",
                'tags: key "pulumi-aws-config-aggregation:owner" is reserved: it records which Pulumi resource created the authorization',
            ],
        ],
    ],
    [
        "an owner that is no tag value",
        { ...ok, owner: "proj/stack/a#b" },
        [["owner", 'owner must be a tag value (1 to 256 of letters, digits, spaces and _ . : / = + - @), got "proj/stack/a#b"']],
    ],
    ["empty tag key", { ...ok, tags: { "": "x" } }, [["tags", "tags: keys must be 1 to 128 characters, got an empty key"]]],
    [
        "tag key over 128, echoed cut to 64 characters",
        { ...ok, tags: { ["k".repeat(129)]: "x" } },
        [["tags", `tags: key "${"k".repeat(64)}…" is 129 characters long; keys must be 1 to 128`]],
    ],
    ["tag key of 128 is fine", { ...ok, tags: { ["k".repeat(128)]: "x" } }, []],
    [
        "tag value over 256, by its length only",
        { ...ok, tags: { big: FAKE_SECRETS.tagValue.repeat(10) } },
        [
            [
                "tags",
                `tags: the value of key "big" is ${FAKE_SECRETS.tagValue.length * 10} characters long; values must be 0 to 256 (the value is not shown)`,
            ],
        ],
    ],
    ["tag value of 256 is fine", { ...ok, tags: { big: "v".repeat(256) } }, []],
    // The Config API model has no pattern on tag keys or values (API_Tag.html): AWS answers for them.
    ["tag key with # (no pattern in the Config model)", { ...ok, tags: { "team#1": "x" } }, []],
    ["tag value with & and a newline (no pattern in the Config model)", { ...ok, tags: { team: "a&b\nc" } }, []],
    [
        "tag key with aws: prefix",
        { ...ok, tags: { "aws:cloudformation:stack-name": "x" } },
        [["tags", 'tags: key "aws:cloudformation:stack-name" must not start with "aws:" (the prefix is reserved for AWS)']],
    ],
    [
        "tag key with AWS: prefix in capitals",
        { ...ok, tags: { "AWS:x": "y" } },
        [["tags", 'tags: key "AWS:x" must not start with "aws:" (the prefix is reserved for AWS)']],
    ],
    [
        "tag value a number, by its type only",
        { ...ok, tags: { n: 42 } },
        [["tags", 'tags: the value of key "n" must be a string, got a number']],
    ],
    ["tag value null", { ...ok, tags: { n: null } }, [["tags", 'tags: the value of key "n" must be a string, got null']]],
    ["tags a list", { ...ok, tags: ["a", "b"] }, [["tags", "tags must be a map of string keys to string values, got an array"]]],
    [
        "60 tags with bad keys: the count, the first ten, and how many more",
        { ...ok, tags: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`aws:k${i}`, FAKE_SECRETS.tagValue])) },
        [
            ["tags", "tags: at most 49 tags (AWS allows 50; one marks which Pulumi resource created the authorization), got 60"],
            ...Array.from({ length: 9 }, (_, i): [string, string] => [
                "tags",
                `tags: key "aws:k${i}" must not start with "aws:" (the prefix is reserved for AWS)`,
            ]),
            ["tags", "tags: 51 more problems with tags, not shown"],
        ],
    ],
    ["adoptExisting a string", { ...ok, adoptExisting: "yes" }, [["adoptExisting", 'adoptExisting must be true or false, got "yes"']]],
    [
        "several bad inputs at once, one failure each",
        { authorizedAccountId: "abc", authorizedAwsRegion: "Mars", region: "eu-west-1", tags: { "aws:x": "1" } },
        [
            ["authorizedAccountId", 'authorizedAccountId must be 12 digits, got "abc"'],
            [
                "authorizedAwsRegion",
                'authorizedAwsRegion must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "Mars"',
            ],
            ["tags", 'tags: key "aws:x" must not start with "aws:" (the prefix is reserved for AWS)'],
        ],
    ],
    [
        "everything missing",
        {},
        [
            ["authorizedAccountId", "authorizedAccountId is required: the 12-digit account ID of the aggregator account"],
            ["authorizedAwsRegion", "authorizedAwsRegion is required: the region of the aggregator, e.g. us-east-1"],
            [
                "region",
                "region is required: set the region input, the aws:region stack config (pulumi config set aws:region us-east-1), or AWS_REGION",
            ],
        ],
    ],
    ["unknown account ID passes (preview)", { ...ok, authorizedAccountId: UNKNOWN }, []],
    ["unknown regions pass (preview)", { ...ok, authorizedAwsRegion: UNKNOWN, region: UNKNOWN }, []],
    ["unknown tags pass (preview)", { ...ok, tags: UNKNOWN }, []],
    [
        "unknown tag value passes, known bad key still fails",
        { ...ok, tags: { good: UNKNOWN, "aws:bad": UNKNOWN } },
        [["tags", 'tags: key "aws:bad" must not start with "aws:" (the prefix is reserved for AWS)']],
    ],
];

describe("validate", () => {
    it(`has at least 30 failure cases in its table`, () => {
        assert.ok(cases.filter(([, , f]) => f.length > 0).length >= 30);
    });

    for (const [name, inputs, expected] of cases) {
        it(expected.length ? `rejects ${name}` : `accepts ${name}`, () => {
            const failures = validate(inputs).map((f) => [f.property, f.reason]);
            assert.deepEqual(failures, expected);
        });
    }

    it("accepts a region of its partition's form that the SDK does not list, with aws:skipRegionValidation", () => {
        assert.deepEqual(validate({ ...ok, authorizedAwsRegion: "us-esat-1", region: "eu-wset-1" }, { skipRegionValidation: true }), []);
        assert.deepEqual(
            validate({ ...ok, authorizedAwsRegion: "uz-east-1" }, { skipRegionValidation: true }).map((f) => f.property),
            ["authorizedAwsRegion"],
            "a region of no partition is refused even then",
        );
    });

    it("knows the regions from the SDK's own partition metadata", () => {
        const parts = loadPartitions()!;
        assert.deepEqual(
            parts.map((p) => p.id),
            ["aws", "aws-cn", "aws-eusc", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-us-gov"],
        );
        const aws = parts.find((p) => p.id === "aws")!;
        for (const r of ["us-east-1", "eu-west-1", "ap-southeast-2", "mx-central-1"]) assert.ok(aws.regions.includes(r), r);
        assert.ok(!aws.regions.includes("aws-global"), "pseudo-regions are left out");
        assert.ok(aws.regionRegex.test("us-esat-1"), "a typo still has the partition's form");
        assert.equal(closestRegion("us-esat-1"), "us-east-1");
        assert.equal(closestRegion("eu-wset-1"), "eu-west-1");
        assert.equal(distance("us-esat-1", "us-east-1"), 1, "a transposition is one edit");
    });
});

const ARN = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";
const news = { authorizedAccountId: "111122223333", authorizedAwsRegion: "us-east-1", region: "eu-west-1", tags: { team: "a" } };

describe("validateRegions", () => {
    it("refuses regions of two partitions, naming the input and both partitions", () => {
        assert.deepEqual(validateRegions("regions", ["us-east-1", "cn-north-1", "eu-west-1"]), [
            {
                property: "regions",
                reason: "regions must all be in one AWS partition, as the aggregator is, got us-east-1 in aws, cn-north-1 in aws-cn; declare one resource per partition",
            },
        ]);
        assert.deepEqual(validateRegions("regions", ["us-east-1", "eu-west-1"]), []);
        assert.deepEqual(validateRegions("regions", ["cn-north-1", "cn-northwest-1"]), []);
    });
});

describe("check", () => {
    // The counting endpoint answers no STS call: without aws:skipCredentialsValidation every valid input
    // would fail the preview on the account lookup (the last tests show that).
    const SKIP = { skipCredentialsValidation: true };
    let server: net.Server;
    let connections = 0;
    const saved = { ...process.env };

    before(async () => {
        // Any AWS call would land here: the test asserts that none does.
        server = net.createServer((s) => {
            connections++;
            s.destroy();
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        Object.assign(process.env, { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", AWS_MAX_ATTEMPTS: "1" });
        newRun(SKIP);
    });
    afterEach(() => {
        process.env.AWS_MAX_ATTEMPTS = "1";
        newRun(SKIP);
    });
    after(async () => {
        process.env = saved;
        newRun(SKIP);
        await new Promise((r) => server.close(r));
    });

    const check = async (inputs: Record<string, unknown>) => {
        connections = 0;
        const result = await provider.check!({} as never, inputs as never);
        const failures = (result.failures ?? []).map((f) => [f.property, f.reason]);
        // Valid inputs may ask STS for the source account (the tests at the end of this block); here it fails, so nothing is added.
        // Unchanged, but for an account ID given as a 12-digit number, which it returns as its string.
        const account = inputs.authorizedAccountId;
        const returned =
            typeof account === "number" && failures.length === 0 ? { ...inputs, authorizedAccountId: String(account) } : inputs;
        const { tagsAll, ...rest } = result.inputs as unknown as Record<string, unknown>;
        assert.deepEqual(rest, returned, "check returns the inputs unchanged");
        // …plus, for valid inputs, the tags AWS will hold (no aws:defaultTags here), for the preview.
        assert.deepEqual(tagsAll, failures.length === 0 && inputs.tags !== UNKNOWN ? (inputs.tags ?? {}) : undefined);
        if (failures.length) assert.equal(connections, 0, "a failure is found before any network call");
        return failures;
    };

    for (const [name, inputs, expected] of cases) {
        it(`${expected.length ? "fails" : "passes"} ${name}, naming the input in the reason, with no property for Pulumi to print`, async () => {
            // Pulumi prints the whole value of a failure's property next to it: a tag map with its
            // secret values, or a 10 MB input. The reason names the input instead.
            assert.deepEqual(
                await check(inputs),
                expected.map(([, reason]) => ["", reason]),
            );
        });
    }

    it("never puts a tag value in a failure, whatever is wrong with the tags", async () => {
        const secret = FAKE_SECRETS.tagValue;
        const failures = await check({
            ...ok,
            tags: { long: secret.repeat(9), "aws:x": secret, n: 1, "": secret, ["k".repeat(200)]: secret },
        });
        assert.equal(failures.length, 5);
        for (const [, reason] of failures) assert.ok(!reason.includes(secret), reason);
    });

    for (const [value, got] of [
        ["abc", '"abc"'],
        ["1000000", '"1000000"'],
        ["0", '"0"'],
        ["2.5", '"2.5"'],
        ["-1", '"-1"'],
    ]) {
        it(`fails every resource when AWS_MAX_ATTEMPTS is ${value}, naming the variable and the range`, async () => {
            process.env.AWS_MAX_ATTEMPTS = value;
            newRun(SKIP);
            assert.deepEqual(await check(ok), [
                ["", `AWS_MAX_ATTEMPTS must be a whole number of attempts from 1 to 20, got ${got}; unset it for the default, 8`],
            ]);
        });
    }

    it("accepts AWS_MAX_ATTEMPTS from 1 to 20", async () => {
        for (const value of ["1", "20", " 7 "]) {
            process.env.AWS_MAX_ATTEMPTS = value;
            newRun(SKIP);
            assert.deepEqual(await check(ok), [], value);
        }
    });

    it("reads aws:skipRegionValidation and the timeouts from the stack config in configure", async () => {
        const config = (values: Record<string, unknown>) =>
            ({ config: { get: (k: string) => ({ "aws:skipCredentialsValidation": "true", ...values })[k] } }) as never;
        await provider.configure!(config({ "aws:skipRegionValidation": "true" }));
        assert.deepEqual(await check({ ...ok, region: "eu-wset-1" }), []);
        await provider.configure!(config({ "aws:skipRegionValidation": "false" }));
        assert.equal((await check({ ...ok, region: "eu-wset-1" })).length, 1);
        await provider.configure!(config({ "pulumi-aws-config-aggregation:requestTimeoutMs": "soon" }));
        assert.deepEqual(await check(ok), [
            [
                "",
                'the stack config pulumi-aws-config-aggregation:requestTimeoutMs must be a whole number of ms from 10 to 600000, got "soon"; unset it for the default, 10000',
            ],
        ]);
    });

    // The identity an update previews with (provider.ts withIdentity).
    it("keeps the ARN and source account of the previous inputs while the keys stay, with no AWS call", async () => {
        connections = 0;
        const result = await provider.check!({ ...news, arn: ARN, accountId: "123456789012" } as never, { ...news, tags: { team: "b" } });
        assert.deepEqual(result.inputs, { ...news, tags: { team: "b" }, arn: ARN, accountId: "123456789012", tagsAll: { team: "b" } });
        assert.equal(connections, 0);
    });

    it("records an authorizedAccountId given as a 12-digit number as its string, which diff sees as no change", async () => {
        connections = 0;
        const old = { ...news, arn: ARN, accountId: "123456789012", creationTime: "2024-01-01T00:00:00.000Z", adopted: false };
        const given = { ...news, authorizedAccountId: Number(news.authorizedAccountId) };
        const result = await provider.check!(old as never, given as never);
        assert.deepEqual(result.failures, undefined);
        assert.deepEqual(result.inputs, { ...news, arn: ARN, accountId: "123456789012", tagsAll: news.tags });
        assert.equal(connections, 0);
        const diff = await provider.diff!(ARN, old as never, result.inputs as never);
        assert.deepEqual(diff, { changes: false, replaces: [] });
    });

    it("compares a sourceAccountId given as a 12-digit number as its string, and records the string", async () => {
        connections = 0;
        const old = { ...news, arn: ARN, accountId: "123456789012" };
        const result = await provider.check!(old as never, { ...news, sourceAccountId: 123456789012 } as never);
        assert.deepEqual(result.failures, undefined);
        assert.equal((result.inputs as { sourceAccountId?: unknown }).sourceAccountId, "123456789012");
        assert.equal(connections, 0);
    });

    it("asks nothing and adds no ARN when a key is not known yet", async () => {
        connections = 0;
        const result = await provider.check!({ ...news, arn: ARN } as never, { ...news, authorizedAccountId: UNKNOWN });
        assert.deepEqual(result.inputs, { ...news, authorizedAccountId: UNKNOWN, tagsAll: news.tags });
        assert.equal(connections, 0);
    });

    it("does not keep the ARN when a key changes (a replacement); with aws:skipCredentialsValidation it goes on without it when the account cannot be learned", async () => {
        connections = 0;
        const result = await provider.check!({ ...news, arn: ARN } as never, { ...news, region: "us-west-2" });
        assert.deepEqual(result.inputs, { ...news, region: "us-west-2", tagsAll: news.tags });
        assert.equal(connections, 1, "one sts:GetCallerIdentity, which failed");
    });

    it("fails the preview when the account cannot be learned, with the message the up would give", async () => {
        newRun({});
        connections = 0;
        const result = await provider.check!({} as never, { ...news, region: "ap-south-1" });
        assert.equal(result.failures?.length, 1);
        assert.match(
            result.failures![0].reason,
            /^creating Config aggregation authorization \(an authorization for aggregator account 111122223333 in us-east-1 in source region ap-south-1\): /,
        );
        assert.ok(connections >= 1, "it asked STS");
    });
});
