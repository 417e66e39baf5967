/**
 * The base of this package's resource classes: what every resource type does the same way, so that a
 * type adds only its own inputs and outputs. It owns the type token and the provider
 * module stored in state (`__provider`), the owner input (the organization and the
 * resource's URN: provider/core/owner.ts), the inputs every type shares (the aggregator, tags, the source
 * account and role, adopt and take-ownership) with their secrecy, the default source region, and the
 * options every type needs (delete before replace; no `import`).
 */
import * as pulumi from "@pulumi/pulumi";
import { ownerOf, regionFromEnvironment, type ResourceType } from "../provider/shared";

/** A tags input: a map of string values, each of them possibly an Output (a secret, say). */
export type TagsArg = pulumi.Input<{ [key: string]: pulumi.Input<string> }>;

/** The role a resource of this package assumes in its source account. */
export interface AssumeRoleArgs {
    /**
     * The IAM role to assume, e.g. `arn:aws:iam::123456789012:role/config-authorizer`. The authorization
     * lives in this role's account. It is assumed with the stack's credentials (after the stack's
     * `aws:assumeRoles`, if any); the role needs `config:PutAggregationAuthorization`,
     * `config:DescribeAggregationAuthorizations`, `config:ListTagsForResource`, `config:TagResource`,
     * `config:UntagResource`, `config:DeleteAggregationAuthorization`.
     * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
     */
    readonly roleArn: pulumi.Input<string>;
    /**
     * The external ID the role's trust policy requires. Always stored as a Pulumi secret.
     * @default - none
     */
    readonly externalId?: pulumi.Input<string>;
    /**
     * The role session name, as CloudTrail shows it.
     * @default "pulumi-aws-config-aggregation"
     */
    readonly sessionName?: pulumi.Input<string>;
}

/** The inputs every resource type of this package takes (each class documents them in its own args). */
export interface CommonArgs {
    readonly authorizedAccountId: pulumi.Input<string | number>;
    readonly authorizedAwsRegion: pulumi.Input<string>;
    readonly tags?: TagsArg;
    readonly adoptExisting?: pulumi.Input<boolean>;
    readonly takeOwnership?: pulumi.Input<boolean>;
    readonly takeOwnershipFromControlTower?: pulumi.Input<boolean>;
    readonly sourceAccountId?: pulumi.Input<string>;
    readonly assumeRole?: AssumeRoleArgs;
}

export abstract class ConfigAggregationResource extends pulumi.CustomResource {
    /**
     * @param type the resource type (token, provider module, class name)
     * @param common the inputs every type shares
     * @param own the type's own inputs, and its output-only keys as `undefined`
     * @param tagOutputs the outputs that hold tag values without a same-named input (made secret when a tag value may be one)
     */
    protected constructor(
        type: ResourceType,
        name: string,
        common: CommonArgs,
        own: Record<string, unknown>,
        opts: pulumi.CustomResourceOptions | undefined,
        tagOutputs: string[] = ["tagsAll"],
    ) {
        if (opts?.import !== undefined) {
            throw new Error(
                `${type.name} ${name}: the import option is not supported: Pulumi cannot import dynamic resources. ` +
                    `Declare the resource with adoptExisting: true to manage the tags of an authorization made outside Pulumi (destroy leaves it), ` +
                    `or with takeOwnership: true to migrate one from pulumi-aws or Terraform (destroy deletes it); see docs/ownership-and-adoption.md, "Adopting an existing authorization".`,
            );
        }
        const secretTags = mayHoldSecrets(common?.tags) || defaultTagsMayBeSecret();
        const role = common?.assumeRole;
        super(
            type.token,
            name,
            {
                authorizedAccountId: common?.authorizedAccountId,
                authorizedAwsRegion: common?.authorizedAwsRegion,
                tags: tagsInput(`${type.name} ${name}`, common?.tags),
                adoptExisting: common?.adoptExisting,
                takeOwnership: common?.takeOwnership,
                takeOwnershipFromControlTower: common?.takeOwnershipFromControlTower,
                sourceAccountId: common?.sourceAccountId,
                assumeRole: role
                    ? { roleArn: role.roleArn, ...(role.sessionName !== undefined ? { sessionName: role.sessionName } : {}) }
                    : undefined,
                // Its own input, and always a secret: the state holds it encrypted, and the role ARN stays readable.
                ...(role?.externalId !== undefined ? { assumeRoleExternalId: pulumi.secret(role.externalId) } : {}),
                owner: opts?.id ? undefined : owner(type, name, opts?.parent),
                __provider: type.providerModule,
                accountId: undefined,
                tagsAll: undefined,
                // Tells the provider not to preview tagsAll: a value of it may be secret, which the provider cannot mark.
                tagsMayBeSecret: secretTags || undefined,
                ...own,
            },
            {
                // `pulumi up --replace` never asks the provider's diff (the engine's step generator answers
                // "replace" itself), and a replacement that keeps the key cannot hold the one authorization
                // AWS keeps per key twice: delete first (docs/ownership-and-adoption.md, "Replacements delete first").
                ...opts,
                deleteBeforeReplace: opts?.deleteBeforeReplace ?? true,
                ...(secretTags ? { additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...tagOutputs] } : {}),
            },
        );
    }
}

/** The source region a resource is created in when its `region` input is not set. */
export function defaultRegion(): string | undefined {
    return new pulumi.Config("aws").get("region") ?? regionFromEnvironment();
}

/** The Pulumi organization of the running update; DIY backends run in the organization "organization". */
function organization(): string {
    try {
        return pulumi.getOrganization();
    } catch {
        return "organization"; // a language host that does not pass it (Pulumi's own mocks, older hosts)
    }
}

/**
 * The owner tag value of a resource (see `provider/core/owner.ts`): the organization and the resource's own
 * URN, computed as the engine will (`pulumi.createUrn`).
 *
 * The URN of a child depends on its parent's URN, an output of the parent. Passing that output on as
 * an input would make this resource depend on its parent, and a dependency on a component resource
 * means a dependency on every child of it: two authorizations under one component would then wait for
 * each other forever. So only the value is passed on, without the dependency (a parent's URN is known
 * even in preview).
 */
function owner(type: ResourceType, name: string, parent: pulumi.Resource | undefined): pulumi.Output<string> {
    const urn = pulumi.createUrn(name, type.token, parent);
    const value = new Promise<string>((resolve) => urn.apply((u) => resolve(ownerOf(organization(), u))));
    return pulumi.output(value);
}

/**
 * The `tags` input as handed to Pulumi, so that any tag key AWS accepts works.
 *
 * Pulumi labels each input of a new resource with its value converted to a string (`${value}` in
 * `transferProperties`, `@pulumi/pulumi/runtime/rpc.ts`), before it serializes anything. A map with
 * a `toString` key is not convertible (its `toString` is a string, not a function) and the conversion
 * throws "Cannot convert object to primitive value", out of the resource's constructor. A copy of the
 * map with its own string conversion (a non-enumerable `Symbol.toPrimitive`, which Pulumi's
 * serialization, `Object.keys` and the JSON of the state never see) passes; the map itself is unchanged.
 *
 * A `__proto__` key cannot pass: Pulumi's Node.js runtime copies maps by assignment (`obj[key] = value`)
 * on both sides of the engine (the program's serialization, `pulumi.output`, and the provider host's
 * protobuf conversion), and assigning `__proto__` a string does nothing. It would vanish silently; it
 * is refused by name instead.
 */
function tagsInput(kind: string, tags: TagsArg | undefined): TagsArg | undefined {
    if (pulumi.Output.isInstance(tags)) return tags.apply((t) => (refuseUnpassableKeys(kind, t), t));
    if (tags === null || typeof tags !== "object" || tags instanceof Promise || Array.isArray(tags)) return tags;
    refuseUnpassableKeys(kind, tags);
    return Object.defineProperty({ ...tags }, Symbol.toPrimitive, { value: () => "[object Object]", enumerable: false });
}

/** Throws, naming the key, for a tag key Pulumi's Node.js runtime cannot carry (`__proto__`). */
function refuseUnpassableKeys(kind: string, tags: unknown): void {
    if (tags !== null && typeof tags === "object" && Object.hasOwn(tags, "__proto__")) {
        throw new Error(
            `${kind}: tags: the key "__proto__" cannot be used: Pulumi's Node.js SDK drops a map key of that name ` +
                `on its way to the engine and back (it assigns keys one by one, and assigning __proto__ a string does nothing). Use another key.`,
        );
    }
}

/**
 * True unless `tags` is a plain map of plain strings. Pulumi marks an output secret when the input of
 * the same name was, and `tagsAll` has no input: when a tag value may be a secret (it comes from an
 * Output, such as secret config), `tagsAll` is made a secret output so that the state holds it encrypted.
 */
/**
 * True when the stack's `aws:defaultTags` (merged into `tagsAll` by the provider, which receives stack
 * config in plain text) is secret config. Pulumi knows through `runtime.isConfigSecret`, which it marks
 * internal; without it, any `aws:defaultTags` counts as secret.
 */
function defaultTagsMayBeSecret(): boolean {
    if (pulumi.runtime.getConfig("aws:defaultTags") === undefined) return false;
    const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    return typeof isConfigSecret === "function" ? isConfigSecret("aws:defaultTags") : true;
}

function mayHoldSecrets(tags: TagsArg | undefined): boolean {
    if (tags === undefined) return false;
    if (typeof tags !== "object" || tags === null || pulumi.Output.isInstance(tags) || tags instanceof Promise) return true;
    return Object.values(tags).some((v) => typeof v !== "string");
}
