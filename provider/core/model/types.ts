/**
 * The plain shapes that cross the boundary between the program (`sdk/`) and the dynamic
 * provider (`provider/`). Outputs are a superset of inputs, so `diff(id, olds, news)` can
 * compare old outputs with new inputs key by key.
 */

/** Tags as AWS Config stores them: at most 50, keys 1–128 characters, values 0–256. */
export type Tags = { [key: string]: string };

/** The inputs of one aggregation authorization, as the provider receives them. */
export interface Inputs {
    /** The 12-digit account of the aggregator that is being authorized. */
    authorizedAccountId: string;
    /** The region of the aggregator that is being authorized. */
    authorizedAwsRegion: string;
    /**
     * The source region the authorization lives in. The resource class resolves the default
     * (`aws:region`, then `AWS_REGION`/`AWS_DEFAULT_REGION`) before the provider sees it.
     */
    region: string;
    /** Tags of the authorization; updated in place. */
    tags?: Tags;
    /**
     * Which Pulumi resource owns the authorization, written by the resource class: see `owner.ts`
     * (`<organization>/<project>/<stack>/<name> sha256:<hash of the organization and the URN>`).
     * Stored on the authorization as the tag {@link OWNER_TAG}, so a create can tell its own
     * authorization (left by an interrupted `up`) from one made by AWS Control Tower or another stack,
     * and read, update and delete can tell that it is still this resource's.
     */
    owner?: string;
    /**
     * Adopt an authorization that already exists, made outside Pulumi (AWS Control Tower, a person),
     * instead of failing: only the tag keys the program declares are managed, and destroy leaves it
     * in place.
     */
    adoptExisting?: boolean;
    /**
     * Take an existing authorization over as its owner (migration from pulumi-aws, Terraform or
     * another stack): its owner tag becomes this resource's, its tags follow the program, and
     * destroy deletes it.
     */
    takeOwnership?: boolean;
    /**
     * Lets `takeOwnership` take an authorization that carries AWS Control Tower's `aws-control-tower`
     * tag, which it otherwise refuses (see `ownership.ts`).
     */
    takeOwnershipFromControlTower?: boolean;
    /**
     * The account the authorization must land in. When set, `check` compares it with the account of the
     * credentials (or of `assumeRole`) where it can, and create always does before its Put: a mismatch
     * fails naming both accounts.
     */
    sourceAccountId?: string;
    /**
     * Set by the resource class when a tag value may be a secret (a secret tag, or a secret
     * `aws:defaultTags`): `check` then does not preview `tagsAll`, since a dynamic provider cannot mark
     * a value it adds as secret.
     */
    tagsMayBeSecret?: boolean;
    /**
     * The role to assume in the source account (after the stack's `aws:assumeRoles`): the authorization
     * lives in the role's account. Its external ID travels apart, in {@link assumeRoleExternalId}.
     */
    assumeRole?: { roleArn: string; sessionName?: string };
    /**
     * The external ID of {@link assumeRole}, kept as its own input so that the resource class can make
     * it a Pulumi secret (state then holds it encrypted) without hiding the role ARN.
     */
    assumeRoleExternalId?: string;
}

/** What the provider records in state: every input as applied, plus what AWS says. */
export interface Outputs extends Inputs {
    /** The ARN of the authorization; also the resource ID. */
    arn: string;
    /** The source account, read from the ARN. */
    accountId: string;
    /** When AWS created the authorization, as an ISO-8601 string. */
    creationTime: string;
    /** The tags the authorization holds as this resource manages them: `aws:defaultTags` under `tags`, `aws:ignoreTags` left out. */
    tagsAll?: Tags;
    /**
     * Whether this resource adopted an authorization that existed before it (see `adoptExisting`).
     * Always written since 0.2.0; absent in state written by 0.1.0, where absent means false.
     */
    adopted?: boolean;
    /**
     * The creation this resource owns: a random ID drawn by the create that made the authorization (or
     * took it over), written in its owner tag (see `ownership.ts`). Absent in state written before
     * creation IDs, and for an adopted authorization.
     */
    creationId?: string;
    /** True when `takeOwnership` took the authorization over: tags it held then that the program does not declare are left as they are. */
    takenOver?: boolean;
    /**
     * For an adopted authorization: the tag keys it held when this resource adopted it. Destroy never
     * removes them (they were there before this stack), only the tags this resource added.
     */
    foundTagKeys?: string[];
}

/** The tag that records which Pulumi resource created an authorization. Not counted in `tags`. */
export const OWNER_TAG = "pulumi-aws-config-aggregation:owner";

/**
 * The value Pulumi sends in place of an input that is not known yet (during preview).
 * It is never validated as if it were real.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains, the preview-unknown sentinel. */
export function isUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(isUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
    return false;
}
