package io.sluice.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of memory that requests in flight may hold. A request reserves as it reads; a reservation
 * that does not fit fails at once (the request is refused), so memory stays bounded under any
 * offered load instead of queueing.
 */
final class InflightBudget {
  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  InflightBudget(long capacity) {
    this.capacity = capacity;
  }

  /** Reserves {@code bytes}, or returns false (reserving nothing) when they do not fit. */
  boolean tryReserve(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > capacity) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }
}
