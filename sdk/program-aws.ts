/**
 * AWS calls a program makes itself (the source status, the regions an account has enabled, pending
 * requests), outside any provider: they use the same client machinery as the provider
 * (provider/core/aws/client.ts), with the stack's `aws:` settings and this package's timeout settings read
 * from the program's config, as the provider's `configure` reads them. Outside a Pulumi program
 * (a script, a test) the settings in force are left as they are.
 */
import * as pulumi from "@pulumi/pulumi";
import { configureSettings, parseSettings, stackSettings } from "../provider/shared";

let applied = false;

/** Applies the stack's settings to this process's AWS clients, once per process, when running under Pulumi. */
export function useStackSettings(): void {
    if (applied || !pulumi.runtime.hasEngine()) return;
    const get = (key: string) => pulumi.runtime.getConfig(key);
    // A refused setting throws here, with its name and what to do, before any AWS call.
    configureSettings({ ...parseSettings(get), config: stackSettings({ get }).config });
    applied = true;
}

/** The region a program-side call uses when none is given: the stack's `aws:region`, then `AWS_REGION`/`AWS_DEFAULT_REGION`. */
export function defaultRegion(): string | undefined {
    return pulumi.runtime.getConfig("aws:region") || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}
