/**
 * Messages to the person running Pulumi from inside the provider, for what an operation did that its
 * result cannot say (a delete returns nothing).
 *
 * A dynamic provider cannot log through the engine: its host (`@pulumi/pulumi/cmd/dynamic-provider`)
 * opens no connection to the engine's `Log` service, and `delete` has no result to carry a message.
 * The engine shows every line a dynamic provider's process writes to stdout as an info message of the
 * run, without a resource (pkg/resource/plugin/plugin.go, `runtrace`: `ctx.Diag.Infof`), under both
 * language hosts. So a notice is one line on stdout, naming the authorization it is about.
 */

/** Where notices go: stdout, one line each; tests replace it to read them. */
export let noticeSink: (line: string) => void = (line) => process.stdout.write(`${line}\n`);

/** Replaces the sink (tests); returns the previous one. */
export function setNoticeSink(sink: (line: string) => void): (line: string) => void {
    const previous = noticeSink;
    noticeSink = sink;
    return previous;
}

/** Tells the person running Pulumi `message`, as one line. Never pass a secret (a tag value, a credential). */
export function notice(message: string): void {
    noticeSink(`pulumi-aws-config-aggregation: ${message.replace(/\s*\n\s*/g, " ")}`);
}
