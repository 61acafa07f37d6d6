// Heap held by an idle H2Connection after the handshake (issue 3 target: <= 2 KiB; libnghttp2
// holds ~25.6 KB per session). Global operator new is replaced by one that tracks the live
// bytes of every block as glibc's malloc holds them (usable size + chunk header).
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "h2/connection.h"

namespace {

std::atomic<int64_t> g_live_bytes{0};

// What a block really costs glibc's malloc: its usable size plus the chunk header, so the
// figure matches what mallinfo2() reports rather than the sizes asked for.
int64_t footprint(void* p) noexcept {
  return static_cast<int64_t>(malloc_usable_size(p) + sizeof(size_t));
}

void* tracked_alloc(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  g_live_bytes.fetch_add(footprint(p), std::memory_order_relaxed);
  return p;
}

void tracked_free(void* p) noexcept {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(footprint(p), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

// Over-aligned allocations are not expected from the connection; they are refused loudly.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) { return tracked_alloc(n); }
void* operator new[](std::size_t n) { return tracked_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return tracked_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return tracked_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t, std::align_val_t) { std::abort(); }
void* operator new[](std::size_t, std::align_val_t) { std::abort(); }
void operator delete(void* p) noexcept { tracked_free(p); }
void operator delete[](void* p) noexcept { tracked_free(p); }
void operator delete(void* p, std::size_t) noexcept { tracked_free(p); }
void operator delete[](void* p, std::size_t) noexcept { tracked_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { tracked_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { tracked_free(p); }
void operator delete(void*, std::align_val_t) noexcept { std::abort(); }
void operator delete[](void*, std::align_val_t) noexcept { std::abort(); }
void operator delete(void*, std::size_t, std::align_val_t) noexcept { std::abort(); }
void operator delete[](void*, std::size_t, std::align_val_t) noexcept { std::abort(); }
#pragma GCC diagnostic pop

namespace h2 {
namespace {

constexpr int64_t kTarget = 2048;

H2Configuration server_config() {
  H2Configuration c;
  c.client_side = false;
  return c;
}

// Moves bytes both ways until both sides are quiet; the buffers are freed on return.
void pump(H2Connection& client, H2Connection& server) {
  for (bool moved = true; moved;) {
    moved = false;
    if (client.outbound_buffer_size()) {
      const std::string wire(as_string_view(client.data_to_send()));
      server.receive_data(as_bytes(wire));
      moved = true;
    }
    if (server.outbound_buffer_size()) {
      const std::string wire(as_string_view(server.data_to_send()));
      client.receive_data(as_bytes(wire));
      moved = true;
    }
  }
}

struct Measured {
  int64_t client = 0;
  int64_t server = 0;
};

// Live bytes per connection of `count` clients (then servers) kept after the handshake.
// Each handshake is made with a throwaway peer of the other role, freed at once, so only the
// kept side accumulates.
Measured idle_bytes_per_connection(int count) {
  std::vector<std::unique_ptr<H2Connection>> kept;
  kept.reserve(2 * static_cast<size_t>(count));
  Measured m;
  int64_t before = g_live_bytes.load();
  for (int i = 0; i < count; ++i) {
    kept.push_back(std::make_unique<H2Connection>());
    kept.back()->initiate_connection();
    H2Connection server(server_config());
    server.initiate_connection();
    pump(*kept.back(), server);
  }
  m.client = (g_live_bytes.load() - before) / count;
  before = g_live_bytes.load();
  for (int i = 0; i < count; ++i) {
    kept.push_back(std::make_unique<H2Connection>(server_config()));
    kept.back()->initiate_connection();
    H2Connection client;
    client.initiate_connection();
    pump(client, *kept.back());
  }
  m.server = (g_live_bytes.load() - before) / count;
  return m;
}

TEST(ConnectionIdleHeap, AtMostTwoKiBPerConnectionAfterTheHandshake) {
  const Measured m = idle_bytes_per_connection(200);
  std::printf("idle heap per connection: client %lld bytes, server %lld bytes\n",
              static_cast<long long>(m.client), static_cast<long long>(m.server));
  EXPECT_GT(m.client, 0);
  EXPECT_GT(m.server, 0);
  EXPECT_LE(m.client, kTarget);
  EXPECT_LE(m.server, kTarget);
}

TEST(ConnectionIdleHeap, TrackerSeesAConnection) {
  const int64_t before = g_live_bytes.load();
  auto conn = std::make_unique<H2Connection>();
  EXPECT_GE(g_live_bytes.load() - before, static_cast<int64_t>(sizeof(H2Connection)));
  conn.reset();
  EXPECT_EQ(g_live_bytes.load(), before);
}

}  // namespace
}  // namespace h2
