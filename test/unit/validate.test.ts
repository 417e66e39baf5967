import * as assert from "node:assert/strict";
import * as net from "node:net";
import { provider } from "../../provider/provider";
import { configureSettings } from "../../provider/client";
import { UNKNOWN } from "../../provider/types";

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
    [
        "account ID as a number",
        { ...ok, authorizedAccountId: 111122223333 },
        [
            [
                "authorizedAccountId",
                "authorizedAccountId must be a string of 12 digits (quote it: account IDs can start with 0), got the number 111122223333",
            ],
        ],
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
        [["tags", "tags may hold at most 49 tags (AWS allows 50; one marks which Pulumi resource created the authorization), got 50"]],
    ],
    ["49 tags is fine", { ...ok, tags: many(49) }, []],
    [
        "the owner tag key",
        { ...ok, tags: { "pulumi-aws-config-aggregation:owner": "x" } },
        [
            [
                'tags["pulumi-aws-config-aggregation:owner"]',
                'the tag key "pulumi-aws-config-aggregation:owner" is reserved: it records which Pulumi resource created the authorization',
            ],
        ],
    ],
    [
        "an owner that is no tag value",
        { ...ok, owner: "proj/stack/a#b" },
        [["owner", 'owner must be a tag value (1 to 256 of letters, digits, spaces and _ . : / = + - @), got "proj/stack/a#b"']],
    ],
    ["empty tag key", { ...ok, tags: { "": "x" } }, [['tags[""]', "tag keys must be 1 to 128 characters, got an empty key"]]],
    [
        "tag key over 128",
        { ...ok, tags: { ["k".repeat(129)]: "x" } },
        [[`tags["${"k".repeat(129)}"]`, "tag keys must be 1 to 128 characters, got 129"]],
    ],
    ["tag key of 128 is fine", { ...ok, tags: { ["k".repeat(128)]: "x" } }, []],
    ["tag value over 256", { ...ok, tags: { big: "v".repeat(257) } }, [['tags["big"]', "tag values must be 0 to 256 characters, got 257"]]],
    [
        "tag key with a character AWS refuses",
        { ...ok, tags: { "team#1": "x" } },
        [['tags["team#1"]', 'tag keys may contain only letters, digits, spaces and _ . : / = + - @, got "team#1"']],
    ],
    [
        "tag value with a character AWS refuses",
        { ...ok, tags: { team: "a&b" } },
        [['tags["team"]', 'tag values may contain only letters, digits, spaces and _ . : / = + - @, got "a&b"']],
    ],
    [
        "tag key with aws: prefix",
        { ...ok, tags: { "aws:cloudformation:stack-name": "x" } },
        [
            [
                'tags["aws:cloudformation:stack-name"]',
                'tag keys must not start with "aws:" (reserved for AWS), got "aws:cloudformation:stack-name"',
            ],
        ],
    ],
    [
        "tag key with AWS: prefix in capitals",
        { ...ok, tags: { "AWS:x": "y" } },
        [['tags["AWS:x"]', 'tag keys must not start with "aws:" (reserved for AWS), got "AWS:x"']],
    ],
    ["tag value a number", { ...ok, tags: { n: 42 } }, [['tags["n"]', "tag values must be strings, got the number 42"]]],
    ["tag value null", { ...ok, tags: { n: null } }, [['tags["n"]', "tag values must be strings, got null"]]],
    ["tags a list", { ...ok, tags: ["a", "b"] }, [["tags", "tags must be a map of string keys to string values, got an array"]]],
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
            ['tags["aws:x"]', 'tag keys must not start with "aws:" (reserved for AWS), got "aws:x"'],
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
        [['tags["aws:bad"]', 'tag keys must not start with "aws:" (reserved for AWS), got "aws:bad"']],
    ],
];

describe("check", () => {
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
        configureSettings({});
    });
    after(async () => {
        process.env = saved;
        configureSettings({});
        await new Promise((r) => server.close(r));
    });

    it(`has at least 30 failure cases in its table`, () => {
        assert.ok(cases.filter(([, , f]) => f.length > 0).length >= 30);
    });

    for (const [name, inputs, expected] of cases) {
        it(expected.length ? `rejects ${name}` : `accepts ${name}`, async () => {
            connections = 0;
            const result = await provider.check!({} as never, inputs as never);
            const failures = (result.failures ?? []).map((f) => [f.property, f.reason]);
            assert.deepEqual(failures, expected);
            assert.deepEqual(result.inputs, inputs, "check returns the inputs unchanged");
            // A failure is found before any network call; valid inputs may ask STS for the account (see check.test.ts).
            if (expected.length) assert.equal(connections, 0, "check made no network call");
        });
    }
});
