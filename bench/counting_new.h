// Counting replacement of the global operator new for benchmark binaries: a benchmark
// reports allocations per unit of work from the difference of g_allocations. Include in
// exactly one source file of a binary (it defines the replacement functions).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace h2bench {
inline std::atomic<uint64_t> g_allocations{0};
}  // namespace h2bench

// g++ 12 flags free() on memory from a *replaced* operator new when it inlines both; every
// form below allocates with malloc, so the pairing is right.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  h2bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, size_t) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop
