// The NATS side of event publication: one connection, the stream made sure of, and publishes that resolve only on
// JetStream's acknowledgement (the message is stored). The connection is opened lazily and reopened after it
// closes for good; while it is merely reconnecting, publishes fail after `publishTimeoutMs` and the caller retries.
import { readFile } from "node:fs/promises";
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { type ConnectionOptions, connect, credsAuthenticator, headers, type NatsConnection, nanos } from "@nats-io/transport-node";

export interface JetStreamSettings {
  /** nats:// or tls:// URLs of the cluster. */
  readonly servers: readonly string[];
  readonly stream: string;
  /** Subjects the stream is created with when it does not exist. */
  readonly subjects: readonly string[];
  /** Window in which JetStream drops a message whose Nats-Msg-Id it has already stored. */
  readonly duplicateWindowMs?: number;
  readonly token?: string;
  /** A .creds file (JWT + NKey seed). */
  readonly credsFile?: string;
  readonly publishTimeoutMs?: number;
}

/** What the publisher needs of a destination: stored-and-acknowledged publishes, and a clean close. */
export interface EventSink {
  publish(subject: string, data: Uint8Array, msgId: string): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

/**
 * A failure of the destination, with a description safe to log: the NATS client's and the JetStream API's own
 * texts ("subjects overlap with an existing stream", "CONNECTION_REFUSED"), which never quote a message payload.
 */
export class EventSinkError extends Error {
  override readonly name = "EventSinkError";
  constructor(
    readonly step: "connect" | "publish",
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`NATS ${step} failed: ${detail}`, options);
  }
}

const sinkError = (step: "connect" | "publish", error: unknown): EventSinkError => {
  const code = error instanceof JetStreamApiError ? ` (JetStream ${error.code})` : "";
  const text = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : "unknown";
  return new EventSinkError(step, `${text}${code}`, { cause: error });
};
const STREAM_NAME_IN_USE = 10058;

export class JetStreamSink implements EventSink {
  private connection: NatsConnection | undefined;
  private client: JetStreamClient | undefined;
  private opening: Promise<JetStreamClient> | undefined;

  constructor(private readonly settings: JetStreamSettings) {}

  async publish(subject: string, data: Uint8Array, msgId: string): Promise<void> {
    const client = await this.ready().catch((error: unknown) => {
      throw sinkError("connect", error);
    });
    const h = headers();
    h.set("Nats-Msg-Id", msgId);
    try {
      await client.publish(subject, data, { headers: h, timeout: this.settings.publishTimeoutMs ?? 5000 });
    } catch (error) {
      throw sinkError("publish", error);
    }
  }

  /** Flushes what was sent and closes the connection (drain). */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.client = undefined;
    await this.opening?.catch(() => {});
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
  }

  private ready(): Promise<JetStreamClient> {
    if (this.client && this.connection && !this.connection.isClosed()) return Promise.resolve(this.client);
    this.opening ??= this.open().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async open(): Promise<JetStreamClient> {
    const { servers, token, credsFile } = this.settings;
    const options: ConnectionOptions = {
      servers: [...servers],
      name: "provider-config-service",
      timeout: 3000,
      // Once connected, the client reconnects by itself for as long as it takes; publishes meanwhile time out.
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      ...(token ? { token } : {}),
      ...(credsFile ? { authenticator: credsAuthenticator(await readFile(credsFile)) } : {}),
    };
    const connection = await connect(options);
    try {
      await this.ensureStream(connection);
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
    this.connection = connection;
    this.client = jetstream(connection);
    return this.client;
  }

  /** Creates the stream when it is missing; an existing stream is left as its operator configured it. */
  private async ensureStream(connection: NatsConnection): Promise<void> {
    const manager = await jetstreamManager(connection);
    const { stream, subjects, duplicateWindowMs = DEFAULT_DUPLICATE_WINDOW_MS } = this.settings;
    try {
      await manager.streams.info(stream);
      return;
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    }
    try {
      await manager.streams.add({ name: stream, subjects: [...subjects], duplicate_window: nanos(duplicateWindowMs) });
    } catch (error) {
      // Another instance created it in between.
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) throw error;
    }
  }
}
