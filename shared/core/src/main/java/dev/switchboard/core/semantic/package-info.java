/**
 * The semantic layer's core: the {@link dev.switchboard.core.semantic.Embedder} port (its adapter,
 * the in-process ONNX model, lives in {@code shared/semantic}), the rule for the text a person
 * wrote last ({@link dev.switchboard.core.semantic.HumanText}), the router by meaning ({@link
 * dev.switchboard.core.semantic.SemanticRouter}) and the sessions that keep their first route
 * ({@link dev.switchboard.core.semantic.StickyRoutes}).
 */
package dev.switchboard.core.semantic;
