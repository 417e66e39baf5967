import * as pulumi from "@pulumi/pulumi";
import type { Tags } from "../provider/types";
import { ownerOf } from "../provider/validate";

export type { Inputs, Outputs, Tags } from "../provider/types";

/** The type token: what `pulumi.dynamic.Resource` makes of module "aws-config" and type "AggregationAuthorization". */
export const TYPE = "pulumi-nodejs:dynamic/aws-config:AggregationAuthorization";

/**
 * The provider as it is stored in every resource's state (`__provider`) and loaded by Pulumi's
 * dynamic-provider process: a module whose `handler()` returns the provider, here reached by
 * package name, so the state holds under 100 bytes and never an SDK client or credentials
 * (DESIGN.md §5). `pulumi.dynamic.Resource` would serialize a closure of the same shape, but its
 * serializer wraps each of the seven methods in ~300 bytes of scaffolding (2.5 KB measured).
 */
export const PROVIDER_MODULE = `exports.handler = () => require("pulumi-aws-config-aggregation/provider").provider;`;

/** The arguments of an {@link AggregationAuthorization}. */
export interface AggregationAuthorizationArgs {
    /**
     * The 12-digit ID of the account that runs the aggregator. Changing it replaces the authorization.
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_PutAggregationAuthorization.html
     */
    readonly authorizedAccountId: pulumi.Input<string>;
    /**
     * The region the aggregator runs in, e.g. `us-east-1`. Changing it replaces the authorization.
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_PutAggregationAuthorization.html
     */
    readonly authorizedAwsRegion: pulumi.Input<string>;
    /**
     * The source region to create the authorization in. An account-based aggregator needs one
     * authorization per source region, so a program declares one resource per region. Changing the
     * effective region replaces the authorization.
     * @default - the stack's `aws:region` config, then `AWS_REGION`, then `AWS_DEFAULT_REGION`
     */
    readonly region?: pulumi.Input<string>;
    /**
     * Tags of the authorization: at most 49 (AWS allows 50; one is the owner tag); keys 1–128
     * characters, values 0–256 (AWS Config's limits; AWS answers for anything else); keys must not
     * start with `aws:`. Values may be secrets: no message shows a tag value. Changed in place with
     * TagResource/UntagResource.
     * @default - no tags
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_TagResource.html
     */
    readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /**
     * Adopt an authorization that already exists for this aggregator account and region instead of
     * failing. Its tags then follow the program, and `pulumi destroy` leaves it in place, because this
     * stack did not create it. Off by default: AWS Control Tower and other stacks create these too.
     * @default false
     */
    readonly adoptExisting?: pulumi.Input<boolean>;
}

/** The source region a resource is created in when its `region` input is not set. */
export function defaultRegion(): string | undefined {
    return new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

/** The owner tag value of a resource (see {@link ownerOf}); the parent's name comes from its URN. */
function owner(name: string, parent: pulumi.Resource | undefined): pulumi.Input<string> {
    const [project, stack] = [pulumi.getProject(), pulumi.getStack()];
    if (!parent) return ownerOf(project, stack, name);
    return parent.urn.apply((urn) => {
        const parentName = urn.split("::").pop()!;
        return urn.split("::")[2] === "pulumi:pulumi:Stack" ? ownerOf(project, stack, name) : ownerOf(project, stack, name, parentName);
    });
}

/**
 * An AWS Config aggregation authorization: it lets the aggregator in `authorizedAccountId` /
 * `authorizedAwsRegion` collect AWS Config data from this (source) account in `region`.
 *
 * Facts that trip people up:
 * - An account-based aggregator needs one authorization **per source region**: declare one
 *   resource per region (the `region` input), all from one program.
 * - AWS's `PutAggregationAuthorization` ignores tags on an authorization that already exists; this
 *   resource changes tags with `TagResource`/`UntagResource` instead.
 * - If the authorization already exists (AWS Control Tower creates them), `create` fails rather
 *   than silently taking it over; set `adoptExisting: true` to manage it.
 *
 * The resource ID is the authorization's ARN.
 */
export class AggregationAuthorization extends pulumi.CustomResource {
    /** The aggregator account that is authorized. */
    declare public readonly authorizedAccountId: pulumi.Output<string>;
    /** The aggregator region that is authorized. */
    declare public readonly authorizedAwsRegion: pulumi.Output<string>;
    /** The source region the authorization lives in. */
    declare public readonly region: pulumi.Output<string>;
    /** The tags of the authorization, as applied. */
    declare public readonly tags: pulumi.Output<Tags>;
    /** The Pulumi resource that owns the authorization, `<project>/<stack>/[<parent>/]<name>` (also its owner tag). */
    declare public readonly owner: pulumi.Output<string>;
    /** Whether adopting existing authorizations was asked for. */
    declare public readonly adoptExisting: pulumi.Output<boolean | undefined>;
    /** The ARN of the authorization (also the resource ID). */
    declare public readonly arn: pulumi.Output<string>;
    /** The source account, from the ARN. */
    declare public readonly accountId: pulumi.Output<string>;
    /** When AWS created the authorization, ISO-8601. */
    declare public readonly creationTime: pulumi.Output<string>;
    /** True when this resource adopted an authorization it did not create (destroy leaves it in place). */
    declare public readonly adopted: pulumi.Output<boolean | undefined>;

    /**
     * Reads an existing authorization into the program without managing it.
     * @param id the ARN, or `authorizedAccountId:authorizedAwsRegion` (searched in `region`, or the default region)
     */
    public static get(
        name: string,
        id: pulumi.Input<string>,
        region?: pulumi.Input<string>,
        opts?: pulumi.CustomResourceOptions,
    ): AggregationAuthorization {
        return new AggregationAuthorization(name, { region } as AggregationAuthorizationArgs, { ...opts, id });
    }

    constructor(name: string, args: AggregationAuthorizationArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            TYPE,
            name,
            {
                authorizedAccountId: args?.authorizedAccountId,
                authorizedAwsRegion: args?.authorizedAwsRegion,
                region: args?.region ?? defaultRegion(),
                tags: args?.tags,
                adoptExisting: args?.adoptExisting,
                owner: opts?.id ? undefined : owner(name, opts?.parent),
                __provider: PROVIDER_MODULE,
                arn: undefined,
                accountId: undefined,
                creationTime: undefined,
                adopted: undefined,
            },
            opts,
        );
    }
}
