import * as assert from "node:assert/strict";
import { ACCEPTED_WHEN_FALSE, REFUSED, parseSettings, roleAccount } from "../../provider/core/aws/settings";

const from = (config: Record<string, unknown>) => (key: string) => {
    const v = config[key];
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
};
const PREFIX = "configuring pulumi-aws-config-aggregation: ";

describe("stack settings", () => {
    it("reads every supported setting", () => {
        const s = parseSettings(
            from({
                "aws:region": "eu-west-1",
                "aws:profile": "ops",
                "aws:accessKey": "AKID",
                "aws:secretKey": "secret",
                "aws:token": "token",
                "aws:assumeRoles": [
                    { roleArn: "arn:aws:iam::111111111111:role/a", sessionName: "s-1", duration: "1h30m" },
                    { roleArn: "arn:aws:iam::222222222222:role/b", externalId: "ext-id", durationSeconds: 900 },
                ],
                "aws:allowedAccountIds": ["111111111111"],
                "aws:defaultTags": { tags: { env: "prod" } },
                "aws:ignoreTags": { keys: ["a"], keyPrefixes: ["b:"] },
            }),
        );
        assert.deepEqual(s, {
            region: "eu-west-1",
            profile: "ops",
            staticCredentials: { accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token" },
            assumeRoles: [
                { roleArn: "arn:aws:iam::111111111111:role/a", sessionName: "s-1", durationSeconds: 5400 },
                { roleArn: "arn:aws:iam::222222222222:role/b", externalId: "ext-id", durationSeconds: 900 },
            ],
            allowedAccountIds: ["111111111111"],
            defaultTags: { env: "prod" },
            ignoreTags: { keys: ["a"], keyPrefixes: ["b:"] },
        });
    });

    it("reads account IDs stored as numbers (pulumi config set --path) as their 12-digit strings", () => {
        // What `pulumi config set --path 'aws:allowedAccountIds[0]' 111111111111` stores: a number.
        const allowed = parseSettings((key) => (key === "aws:allowedAccountIds" ? '[111111111111,"022222222222"]' : undefined));
        assert.deepEqual(allowed.allowedAccountIds, ["111111111111", "022222222222"]);
        const forbidden = parseSettings((key) => (key === "aws:forbiddenAccountIds" ? "[333333333333]" : undefined));
        assert.deepEqual(forbidden.forbiddenAccountIds, ["333333333333"]);
    });

    it("is empty without settings", () => {
        assert.deepEqual(
            parseSettings(() => undefined),
            { assumeRoles: [], defaultTags: {}, ignoreTags: { keys: [], keyPrefixes: [] } },
        );
    });

    describe("refused settings", () => {
        const NOT_SUPPORTED = "is not supported by pulumi-aws-config-aggregation (it would change which account or endpoint is used): ";
        const REMOVE_PROXY = "proxies are not supported; remove the setting.";
        const ALWAYS_CHECKED =
            'every change checks the account of the credentials first (docs/ownership-and-adoption.md, "Guarantees"); remove the setting.';
        // Each refused setting, the value set, and the whole message: the advice must do what the setting asked for.
        const refused: [string, unknown, string][] = [
            [
                "aws:assumeRole",
                { roleArn: "arn:aws:iam::111111111111:role/x" },
                "aws:assumeRole " +
                    NOT_SUPPORTED +
                    "pulumi-aws v7 replaced it with aws:assumeRoles (a list of roles assumed in order); set that instead.",
            ],
            [
                "aws:assumeRoleWithWebIdentity",
                { roleArn: "arn:aws:iam::111111111111:role/x", webIdentityTokenFile: "/t" },
                "aws:assumeRoleWithWebIdentity " +
                    NOT_SUPPORTED +
                    "set AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and optionally AWS_ROLE_SESSION_NAME in the environment instead " +
                    "(the AWS SDK's web identity provider reads them when neither the environment nor the stack config holds an access key).",
            ],
            [
                "aws:endpoints",
                [{ config: "http://x" }],
                "aws:endpoints " +
                    NOT_SUPPORTED +
                    "set AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL) in the environment instead.",
            ],
            [
                "aws:sharedCredentialsFiles",
                ["/c"],
                "aws:sharedCredentialsFiles " + NOT_SUPPORTED + "set AWS_SHARED_CREDENTIALS_FILE (one file) in the environment instead.",
            ],
            [
                "aws:sharedConfigFiles",
                ["/c"],
                "aws:sharedConfigFiles " + NOT_SUPPORTED + "set AWS_CONFIG_FILE (one file) in the environment instead.",
            ],
            [
                "aws:stsRegion",
                "us-east-1",
                "aws:stsRegion " +
                    NOT_SUPPORTED +
                    "STS is called in the stack's aws:region to assume the roles of aws:assumeRoles, else in the source region of each authorization; remove the setting.",
            ],
            [
                "aws:useFipsEndpoint",
                true,
                "aws:useFipsEndpoint true " +
                    NOT_SUPPORTED +
                    "set AWS_USE_FIPS_ENDPOINT=true in the environment instead. aws:useFipsEndpoint false is accepted: the SDK uses the standard endpoints unless AWS_USE_FIPS_ENDPOINT=true.",
            ],
            [
                "aws:useDualstackEndpoint",
                "TRUE",
                "aws:useDualstackEndpoint true " +
                    NOT_SUPPORTED +
                    "set AWS_USE_DUALSTACK_ENDPOINT=true in the environment instead. aws:useDualstackEndpoint false is accepted: the SDK uses IPv4-only endpoints unless AWS_USE_DUALSTACK_ENDPOINT=true.",
            ],
            ["aws:httpProxy", "http://proxy:3128", "aws:httpProxy " + NOT_SUPPORTED + REMOVE_PROXY],
            ["aws:httpsProxy", "http://proxy:3128", "aws:httpsProxy " + NOT_SUPPORTED + REMOVE_PROXY],
            ["aws:noProxy", "localhost", "aws:noProxy " + NOT_SUPPORTED + REMOVE_PROXY],
            [
                "aws:customCaBundle",
                "/etc/ca.pem",
                "aws:customCaBundle " +
                    NOT_SUPPORTED +
                    "set NODE_EXTRA_CA_CERTS to the bundle's file in the environment instead (Node.js then trusts its certificates besides its own; " +
                    "the AWS SDK for JavaScript v3 does not read AWS_CA_BUNDLE).",
            ],
            [
                "aws:insecure",
                true,
                "aws:insecure true " +
                    NOT_SUPPORTED +
                    "TLS verification cannot be turned off; remove the setting. aws:insecure false is accepted: TLS certificates are always verified.",
            ],
            [
                "aws:ec2MetadataServiceEndpoint",
                "http://169.254.169.254",
                "aws:ec2MetadataServiceEndpoint " + NOT_SUPPORTED + "set AWS_EC2_METADATA_SERVICE_ENDPOINT in the environment instead.",
            ],
            [
                "aws:ec2MetadataServiceEndpointMode",
                "IPv6",
                "aws:ec2MetadataServiceEndpointMode " +
                    NOT_SUPPORTED +
                    "set AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE in the environment instead.",
            ],
            [
                "aws:skipMetadataApiCheck",
                true,
                "aws:skipMetadataApiCheck true " +
                    NOT_SUPPORTED +
                    "set AWS_EC2_METADATA_DISABLED=true in the environment instead (the AWS SDK then never asks the instance metadata service for credentials). " +
                    "aws:skipMetadataApiCheck false is accepted: the SDK's credential chain asks the instance metadata service last, unless AWS_EC2_METADATA_DISABLED=true.",
            ],
            [
                "aws:skipRequestingAccountId",
                "yes",
                "aws:skipRequestingAccountId set to anything but false " +
                    NOT_SUPPORTED +
                    ALWAYS_CHECKED +
                    " aws:skipRequestingAccountId false is accepted: the account of the credentials is always asked.",
            ],
        ];

        it("lists every refused setting here", () => {
            assert.deepEqual(refused.map(([key]) => key).sort(), Object.keys(REFUSED).sort());
        });

        for (const [key, value, message] of refused) {
            it(`refuses ${key} set to ${JSON.stringify(value)} by name, with what to do instead`, () => {
                assert.throws(() => parseSettings(from({ [key]: value })), { message: PREFIX + message });
            });
        }

        for (const key of Object.keys(ACCEPTED_WHEN_FALSE)) {
            it(`accepts ${key} false, which asks for what the package does (as "false", "False" or JSON false)`, () => {
                for (const value of ["false", "False", false]) {
                    assert.deepEqual(parseSettings(from({ [key]: value, "aws:region": "eu-west-1" })), {
                        region: "eu-west-1",
                        assumeRoles: [],
                        defaultTags: {},
                        ignoreTags: { keys: [], keyPrefixes: [] },
                    });
                }
            });
        }
    });

    const bad: [string, Record<string, unknown>, string][] = [
        [
            "a secret key without an access key",
            { "aws:secretKey": "s" },
            "aws:accessKey is missing: aws:secretKey is set, and static credentials need both (set aws:accessKey with --secret)",
        ],
        [
            "a token alone",
            { "aws:token": "t" },
            "aws:token is set without aws:accessKey and aws:secretKey; a session token only goes with them",
        ],
        [
            "assumeRoles that is not JSON",
            { "aws:assumeRoles": "[{" },
            "aws:assumeRoles must be JSON (set it with `pulumi config set --path` or as a JSON value); it is not",
        ],
        [
            "assumeRoles that is an object",
            { "aws:assumeRoles": { roleArn: "x" } },
            "aws:assumeRoles must be a list of roles ({roleArn, externalId?, sessionName?, duration?, …}), assumed in order",
        ],
        [
            "a role ARN that is a user",
            { "aws:assumeRoles": [{ roleArn: "arn:aws:iam::111111111111:user/x" }] },
            'aws:assumeRoles[0] roleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/config-authorizer, got "arn:aws:iam::111111111111:user/x"',
        ],
        [
            "an unknown role field",
            { "aws:assumeRoles": [{ roleArn: "arn:aws:iam::111111111111:role/x", role_arn: "y" }] },
            'aws:assumeRoles[0] has the unknown field "role_arn"; allowed: roleArn, externalId, sessionName, duration, durationSeconds, policy, policyArns, sourceIdentity, tags, transitiveTagKeys',
        ],
        [
            "a duration under 15 minutes",
            { "aws:assumeRoles": [{ roleArn: "arn:aws:iam::111111111111:role/x", duration: "10m" }] },
            'aws:assumeRoles[0].duration must be a duration between 15m and 12h such as "1h" (pulumi-aws\'s syntax), got "10m"',
        ],
        [
            "an external ID that is too short, without echoing it",
            { "aws:assumeRoles": [{ roleArn: "arn:aws:iam::111111111111:role/x", externalId: "z" }] },
            "aws:assumeRoles[0] externalId must be 2–1224 letters, digits or _+=,.@:/- (AWS STS), got a string of 1 characters",
        ],
        [
            "an allowed account ID as a number that lost its leading zero",
            { "aws:allowedAccountIds": ["111111111111", 12345678901] },
            'aws:allowedAccountIds[1] must be 12 digits, got the number 12345678901 (11 digits: a number drops an account ID\'s leading zeros); quote it: "012345678901"',
        ],
        [
            "a forbidden account ID as a number that lost its leading zeros",
            { "aws:forbiddenAccountIds": [1234] },
            'aws:forbiddenAccountIds[0] must be 12 digits, got the number 1234 (4 digits: a number drops an account ID\'s leading zeros); quote it: "000000001234"',
        ],
        [
            "an allowed account ID of 13 digits",
            { "aws:allowedAccountIds": [1111111111111] },
            "aws:allowedAccountIds[0] must be 12 digits, got the number 1111111111111",
        ],
        [
            "an allowed account ID that is no account ID",
            { "aws:allowedAccountIds": ["1111-1111-1111"] },
            'aws:allowedAccountIds[0] must be 12 digits, got "1111-1111-1111"',
        ],
        [
            "allowed account IDs that are not a list",
            { "aws:allowedAccountIds": "111111111111" },
            "aws:allowedAccountIds must be a list of 12-digit account IDs (pulumi config set --path 'aws:allowedAccountIds[0]' 123456789012), got 111111111111",
        ],
        [
            "a default tag key that Pulumi's Node.js SDK cannot carry",
            { "aws:defaultTags": JSON.stringify({ tags: JSON.parse('{"__proto__": "x"}') }) },
            'aws:defaultTags.tags must not hold the key "__proto__": Pulumi\'s Node.js SDK drops a map key of that name on its way to the engine; use another key',
        ],
        [
            "both allowed and forbidden accounts",
            { "aws:allowedAccountIds": ["111111111111"], "aws:forbiddenAccountIds": ["222222222222"] },
            "aws:forbiddenAccountIds cannot be set together with aws:allowedAccountIds (pulumi-aws refuses the same); keep one",
        ],
        [
            "default tags without the tags level",
            { "aws:defaultTags": { env: "prod" } },
            'aws:defaultTags must be an object {"tags": {...}}, as pulumi-aws takes it',
        ],
        [
            "a default tag with the aws: prefix",
            { "aws:defaultTags": { tags: { "aws:x": "y" } } },
            'aws:defaultTags.tags must not hold keys starting with "aws:" (reserved for AWS), got "aws:x"',
        ],
        [
            "ignoreTags with an unknown field",
            { "aws:ignoreTags": { key: ["a"] } },
            'aws:ignoreTags must be an object {"keys": [...], "keyPrefixes": [...]}, as pulumi-aws takes it',
        ],
    ];
    for (const [name, config, message] of bad) {
        it(`rejects ${name}, naming the key`, () => {
            assert.throws(() => parseSettings(from(config)), { message: PREFIX + message });
        });
    }

    it("reads the account of a role ARN", () => {
        assert.equal(roleAccount("arn:aws:iam::123456789012:role/path/name"), "123456789012");
        assert.equal(roleAccount("arn:aws-cn:iam::123456789012:role/x"), "123456789012");
        assert.equal(roleAccount("arn:aws:iam::123456789012:user/x"), undefined);
    });
});
