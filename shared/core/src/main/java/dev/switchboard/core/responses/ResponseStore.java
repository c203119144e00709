package dev.switchboard.core.responses;

import dev.switchboard.core.auth.StoreUnavailableException;
import java.util.Optional;

/**
 * Port: where stored responses live (the Responses table), one item per response, keyed by its
 * tenant and its id, so that no tenant can read, continue or delete another's. Expiry is the
 * caller's business: an implementation may return an item past its {@code expiresAt} (DynamoDB's
 * TTL deletes late), and {@link ResponseArchive} ignores it.
 */
public interface ResponseStore {

  /**
   * Stores {@code response}, replacing one with the same tenant and id.
   *
   * @throws StoreUnavailableException when the store cannot be reached or refuses the item
   */
  void put(StoredResponse response);

  /**
   * The response {@code id} of {@code tenant}, read consistently: a response stored by the request
   * before is found.
   *
   * @throws StoreUnavailableException when the store cannot be reached
   */
  Optional<StoredResponse> find(String tenant, String id);

  /**
   * Deletes the response {@code id} of {@code tenant}; false when there was none.
   *
   * @throws StoreUnavailableException when the store cannot be reached
   */
  boolean delete(String tenant, String id);

  /** The store of a gateway without a Responses table: keeps nothing, finds nothing. */
  ResponseStore NONE =
      new ResponseStore() {
        @Override
        public void put(StoredResponse response) {}

        @Override
        public Optional<StoredResponse> find(String tenant, String id) {
          return Optional.empty();
        }

        @Override
        public boolean delete(String tenant, String id) {
          return false;
        }
      };
}
