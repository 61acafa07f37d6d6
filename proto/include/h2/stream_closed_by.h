// How a stream was closed (h2's StreamClosedBy). The connection remembers this for recently
// closed streams (BEHAVIOUR.md §2.2) to decide how to react to frames that arrive afterwards.
#pragma once

#include <cstdint>

namespace h2 {

enum class StreamClosedBy : uint8_t {
  kSendEndStream,
  kRecvEndStream,
  kSendRstStream,
  kRecvRstStream,
};

}  // namespace h2
