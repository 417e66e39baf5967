/** The base of the resource classes: what every type does the same way, so a type adds only its own inputs and outputs. */
import * as pulumi from "@pulumi/pulumi";
import { ownerOf, regionFromEnvironment, type ResourceType } from "../provider/shared";

/** A tags input; each value may be an Output (a secret, say). */
export type TagsArg = pulumi.Input<{ [key: string]: pulumi.Input<string> }>;

/** The role a resource of this package assumes in its source account. */
export interface AssumeRoleArgs {
    /**
     * The IAM role to assume with the stack's credentials; the authorization lives in its account. It needs
     * `config:PutAggregationAuthorization`, `config:DescribeAggregationAuthorizations`,
     * `config:ListTagsForResource`, `config:TagResource`, `config:UntagResource`,
     * `config:DeleteAggregationAuthorization`.
     * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
     */
    readonly roleArn: pulumi.Input<string>;
    /**
     * The external ID the role's trust policy requires; always stored as a secret.
     * @default - none
     */
    readonly externalId?: pulumi.Input<string>;
    /**
     * The role session name, as CloudTrail shows it.
     * @default "pulumi-aws-config-aggregation"
     */
    readonly sessionName?: pulumi.Input<string>;
}

/** The inputs every resource type takes. */
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
     * @param own the type's own inputs, and its output-only keys as `undefined`
     * @param tagOutputs outputs holding tag values without a same-named input, made secret when a tag may be
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
                // Apart, so that it alone is a secret.
                ...(role?.externalId !== undefined ? { assumeRoleExternalId: pulumi.secret(role.externalId) } : {}),
                owner: opts?.id ? undefined : owner(type, name, opts?.parent),
                __provider: type.providerModule,
                accountId: undefined,
                tagsAll: undefined,
                tagsMayBeSecret: secretTags || undefined,
                ...own,
            },
            {
                // AWS holds one authorization per key, and `pulumi up --replace` never asks the provider's diff.
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

/** DIY backends run in the organization "organization". */
function organization(): string {
    try {
        return pulumi.getOrganization();
    } catch {
        return "organization"; // mocks and older language hosts do not pass it
    }
}

/**
 * The owner of a resource, from its URN. Only the URN's value is passed, not the parent's output: a
 * dependency on a component is one on all its children, so two siblings would wait for each other forever.
 */
function owner(type: ResourceType, name: string, parent: pulumi.Resource | undefined): pulumi.Output<string> {
    const urn = pulumi.createUrn(name, type.token, parent);
    const value = new Promise<string>((resolve) => urn.apply((u) => resolve(ownerOf(organization(), u))));
    return pulumi.output(value);
}

/**
 * `tags` made safe to hand to Pulumi. Pulumi converts each input to a string (`transferProperties`,
 * @pulumi/pulumi `runtime/rpc.ts`), which throws for a map with a `toString` key: the copy carries a
 * hidden `Symbol.toPrimitive`. Pulumi copies maps by assignment, so a `__proto__` key would vanish: it is refused.
 */
function tagsInput(kind: string, tags: TagsArg | undefined): TagsArg | undefined {
    if (pulumi.Output.isInstance(tags)) return tags.apply((t) => (refuseUnpassableKeys(kind, t), t));
    if (tags === null || typeof tags !== "object" || tags instanceof Promise || Array.isArray(tags)) return tags;
    refuseUnpassableKeys(kind, tags);
    return Object.defineProperty({ ...tags }, Symbol.toPrimitive, { value: () => "[object Object]", enumerable: false });
}

function refuseUnpassableKeys(kind: string, tags: unknown): void {
    if (tags !== null && typeof tags === "object" && Object.hasOwn(tags, "__proto__")) {
        throw new Error(
            `${kind}: tags: the key "__proto__" cannot be used: Pulumi's Node.js SDK drops a map key of that name ` +
                `on its way to the engine and back (it assigns keys one by one, and assigning __proto__ a string does nothing). Use another key.`,
        );
    }
}

/** True when `aws:defaultTags` is secret config; `runtime.isConfigSecret` is internal, so without it, assume so. */
function defaultTagsMayBeSecret(): boolean {
    if (pulumi.runtime.getConfig("aws:defaultTags") === undefined) return false;
    const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    return typeof isConfigSecret === "function" ? isConfigSecret("aws:defaultTags") : true;
}

/** True unless `tags` is a plain map of strings; `tagsAll` has no input to inherit secrecy from. */
function mayHoldSecrets(tags: TagsArg | undefined): boolean {
    if (tags === undefined) return false;
    if (typeof tags !== "object" || tags === null || pulumi.Output.isInstance(tags) || tags instanceof Promise) return true;
    return Object.values(tags).some((v) => typeof v !== "string");
}
