package dev.switchboard.core.config;

/** A true/false variable and its value when unset; declared once in {@link Variables}. */
public record Flag(String name, boolean fallback) {}
