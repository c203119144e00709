package dev.switchboard.core.embeddings;

import dev.switchboard.core.catalog.Model;
import java.time.Duration;

/**
 * One upstream embedding attempt: which model, the client's request (routing fields removed), and
 * how long the provider may take to answer.
 */
public record EmbeddingCall(Model model, EmbeddingRequest request, Duration timeout) {}
