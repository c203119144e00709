package dev.switchboard.core.chat;

import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.catalog.Model;
import java.time.Duration;

/**
 * One upstream attempt: which model, the client's request, and how long the provider may take to
 * start answering.
 *
 * @param firstByteTimeout from sending the request to the response headers (and, streaming, to the
 *     first event)
 * @param idleTimeout the longest silence allowed between two stream events
 */
public record ProviderCall(
    Model model, ChatRequest request, Duration firstByteTimeout, Duration idleTimeout) {}
