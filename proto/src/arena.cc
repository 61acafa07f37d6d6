#include "h2/arena.h"

#include <algorithm>

namespace h2 {

void Arena::next_chunk(size_t n) {
  // Reuse the following chunks first; a chunk too small for `n` is skipped for this block.
  while (!chunks_.empty() && current_ + 1 < chunks_.size()) {
    ++current_;
    if (chunks_[current_].size >= n) {
      cursor_ = chunks_[current_].data.get();
      available_ = chunks_[current_].size;
      return;
    }
  }
  const size_t last = chunks_.empty() ? 0 : chunks_.back().size;
  const size_t size = std::max<size_t>({n, last * 2, 4096});
  chunks_.push_back({std::unique_ptr<char[]>(new char[size]), size});
  current_ = chunks_.size() - 1;
  cursor_ = chunks_.back().data.get();
  available_ = size;
}

}  // namespace h2
