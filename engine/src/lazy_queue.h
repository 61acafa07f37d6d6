// A FIFO that costs nothing until used: std::deque allocates a map and a 512-byte node on
// construction (libstdc++), which every idle connection would pay for queues that are almost
// always empty (events held back by a full mailbox, requests waiting for MAX_CONCURRENT_STREAMS).
// Storage is released whenever the queue drains (pop_front), or when the owner says so
// (pop_front_keep_storage, then release).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace h2engine {

template <class T>
class LazyQueue {
 public:
  bool empty() const noexcept { return head_ == items_.size(); }
  size_t size() const noexcept { return items_.size() - head_; }
  T& front() { return items_[head_]; }
  T& back() { return items_.back(); }
  T& operator[](size_t i) { return items_[head_ + i]; }
  void push_back(T&& value) { items_.push_back(std::move(value)); }
  void pop_front() {
    ++head_;
    if (head_ == items_.size()) clear();
  }
  void clear() {
    std::vector<T>().swap(items_);
    head_ = 0;
  }
  // Like pop_front, but a queue that drains keeps its storage: for one that fills and drains
  // over and over while its owner is busy (the owner calls release() once it is idle).
  void pop_front_keep_storage() {
    if (++head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    }
  }
  void release() {
    if (empty()) clear();
  }
  // Storage handed over between queues (a pool of them): an empty queue's vector, or a
  // vector for an empty queue that has none.
  size_t capacity() const noexcept { return items_.capacity(); }
  std::vector<T> take_storage() {
    std::vector<T> out;
    if (empty()) {
      items_.clear();
      head_ = 0;
      out.swap(items_);
    }
    return out;
  }
  void adopt(std::vector<T>&& storage) {
    if (items_.capacity() != 0 || !storage.empty()) return;
    items_.swap(storage);
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  size_t head_ = 0;
};

}  // namespace h2engine
