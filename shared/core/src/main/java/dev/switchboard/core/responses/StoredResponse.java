package dev.switchboard.core.responses;

import java.time.Instant;

/**
 * One stored response as the store keeps it.
 *
 * @param tenant the tenant scope of the key that created it
 * @param id the response id ({@code resp_...})
 * @param body the compressed JSON of the response object and the conversation it answered
 * @param createdAt when it was stored
 * @param expiresAt when it stops being found (the retention)
 */
public record StoredResponse(
    String tenant, String id, byte[] body, Instant createdAt, Instant expiresAt) {}
