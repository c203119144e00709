package dev.switchboard.lambda.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The resources to call around a SnapStart snapshot. {@code beforeCheckpoint} runs in reverse
 * registration order and {@code afterRestore} in registration order, so register foundations (a
 * credentials provider) before what depends on them (a client using those credentials).
 *
 * <p>The streaming runtime runs them only when {@code AWS_LAMBDA_INITIALIZATION_TYPE} is {@code
 * snap-start}; elsewhere registering costs nothing.
 */
public final class SnapStartHooks {

  private static final SnapStartHooks GLOBAL = new SnapStartHooks();

  private final List<SnapStartResource> resources = new CopyOnWriteArrayList<>();

  SnapStartHooks() {}

  /** The process-wide registry the streaming runtime uses. */
  public static SnapStartHooks global() {
    return GLOBAL;
  }

  public void register(SnapStartResource resource) {
    resources.add(resource);
  }

  void runBeforeCheckpoint() throws Exception {
    List<SnapStartResource> reversed = new ArrayList<>(resources);
    Collections.reverse(reversed);
    for (SnapStartResource resource : reversed) {
      resource.beforeCheckpoint();
    }
  }

  void runAfterRestore() throws Exception {
    for (SnapStartResource resource : resources) {
      resource.afterRestore();
    }
  }
}
