/**
 * An HTTP request handler whose requests also end when a signal of its owner aborts. The SDK's
 * credential providers (`fromTemporaryCredentials`) send sts:AssumeRole, retries included, with no
 * abort signal: against a stalled STS endpoint that loop went on for attempts × the request timeout
 * (80 s with the defaults) after every operation waiting for the role had given up, and kept a failed
 * program alive all that time. An aborted request is a client error to the SDK: it is not retried.
 */
import type { NodeHttpHandler } from "@smithy/node-http-handler";
import type { HttpHandlerOptions } from "@smithy/types";

type Request = Parameters<NodeHttpHandler["handle"]>[0];

export class AbortableHandler {
    /** Ends every request in flight, and refuses the next ones, once it aborts; replaced for each new call. */
    signal: AbortSignal | undefined;

    constructor(private readonly inner: NodeHttpHandler) {}

    handle(request: Request, options: HttpHandlerOptions = {}): ReturnType<NodeHttpHandler["handle"]> {
        const signals = [options.abortSignal as AbortSignal | undefined, this.signal].filter((s): s is AbortSignal => s !== undefined);
        const abortSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
        return this.inner.handle(request, {
            ...options,
            ...(abortSignal ? { abortSignal: abortSignal as HttpHandlerOptions["abortSignal"] } : {}),
        });
    }

    updateHttpClientConfig(...args: Parameters<NodeHttpHandler["updateHttpClientConfig"]>): void {
        this.inner.updateHttpClientConfig(...args);
    }

    httpHandlerConfigs(): ReturnType<NodeHttpHandler["httpHandlerConfigs"]> {
        return this.inner.httpHandlerConfigs();
    }

    destroy(): void {
        this.inner.destroy();
    }
}
