import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Parses a text/event-stream body into messages with eventsource-parser, the
 * spec's line rules included (a CR LF split across two reads is one line
 * end, not two). `onRetry` receives each `retry:` the server sends, so the
 * caller can wait as long as the server asks before reconnecting.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>, onRetry?: (ms: number) => void): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const ready: ServerSentEvent[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => ready.push({ event: message.event ?? 'message', data: message.data, ...(message.id !== undefined ? { id: message.id } : {}) }),
    onRetry: (ms) => onRetry?.(ms),
  });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      while (ready.length) yield ready.shift()!;
    }
  } finally {
    reader.releaseLock();
  }
}
