/**
 * The server's `resources/subscribe` registry as tools and services see it (inject `RESOURCE_SUBSCRIPTIONS`).
 */
export interface ResourceSubscriptions {
  /**
   * Sends `notifications/resources/updated` for `uri` to every connection subscribed to it and resolves to how
   * many were told. A connection that fails to receive it is dropped from the registry, not retried.
   *
   * @example
   * ```ts
   * await subscriptions.notifyUpdated("config://app")   // after changing what resources/read returns
   * ```
   */
  notifyUpdated(uri: string): Promise<number>;
}
