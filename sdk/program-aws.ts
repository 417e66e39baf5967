/** Settings for the AWS calls a program makes itself (status, regions, pending requests), read as `configure` reads them. */
import * as pulumi from "@pulumi/pulumi";
import { configureSettings, parseSettings, stackSettings } from "../provider/shared";

let applied = false;

/** Applies the stack's settings once per process, only under Pulumi. */
export function useStackSettings(): void {
    if (applied || !pulumi.runtime.hasEngine()) return;
    const get = (key: string) => pulumi.runtime.getConfig(key);
    configureSettings({ ...parseSettings(get), config: stackSettings({ get }).config });
    applied = true;
}

/** The region a program-side call uses when none is given. */
export function defaultRegion(): string | undefined {
    return pulumi.runtime.getConfig("aws:region") || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}
