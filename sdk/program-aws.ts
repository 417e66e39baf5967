/**
 * AWS calls a program makes itself (the source status, the regions an account has enabled, pending
 * requests), outside any provider: they use the same client machinery as the provider
 * (provider/core/aws/client.ts), with the stack's `aws:` settings and this package's timeout settings read
 * from the program's config, as the provider's `configure` reads them. Outside a Pulumi program
 * (a script, a test) the settings in force are left as they are.
 */
import * as pulumi from "@pulumi/pulumi";
import { configureSettings } from "../provider/core/aws/client";
import { KNOBS } from "../provider/core/aws/limits";
import { parseSettings } from "../provider/core/aws/settings";

let applied = false;

/** Applies the stack's settings to this process's AWS clients, once per process, when running under Pulumi. */
export function useStackSettings(): void {
    if (applied || !pulumi.runtime.hasEngine()) return;
    const get = (key: string) => pulumi.runtime.getConfig(key);
    const own: Record<string, unknown> = {};
    for (const knob of Object.values(KNOBS))
        if (knob.config !== undefined && get(knob.config) !== undefined) own[knob.config] = get(knob.config);
    // A refused setting throws here, with its name and what to do, before any AWS call.
    configureSettings({ ...parseSettings(get), config: own });
    applied = true;
}

/** The region a program-side call uses when none is given: the stack's `aws:region`, then `AWS_REGION`/`AWS_DEFAULT_REGION`. */
export function defaultRegion(): string | undefined {
    return pulumi.runtime.getConfig("aws:region") || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}
