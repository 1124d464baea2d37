/**
 * The open `subscriptions/listen` streams of a server (2026-07-28). A server that closes ends them gracefully —
 * each answers its listen request, which tells the client the end was meant — before draining what is left.
 */
export class ListenStreams {
  private readonly open = new Set<() => void>();

  /** Registers a stream's graceful end; the returned function unregisters it. */
  add(end: () => void): () => void {
    this.open.add(end);
    return () => void this.open.delete(end);
  }

  get size(): number {
    return this.open.size;
  }

  endAll(): void {
    for (const end of [...this.open]) end();
  }
}
