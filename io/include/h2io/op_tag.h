// The 64-bit user_data of every SQE, encoded in one place.
//
//   bit 63..56  OpKind   what the operation was (accept, recv, send, ...)
//   bit 55..0   id       which object it belongs to (connection slot, listener, waker, ...)
//
// A completion is routed by kind first, then by id; no pointers travel through the kernel, so a
// late completion for an object that is gone can be recognised (the engine may fold a generation
// counter into the id) instead of dereferencing freed memory.
#pragma once

#include <liburing.h>

#include <cstdint>

namespace h2io {

enum class OpKind : std::uint8_t {
  kNone = 0,
  kAccept,
  kRecv,
  kSend,
  kConnect,
  kClose,
  kShutdown,
  kCancel,
  kWake,
  kTimeout,
  kNop,
  kUser = 128,      // kinds from here up are free for layers above io/
  kReserved = 255,  // never used: 0xFF.. is liburing's internal timeout user_data
};

struct OpTag {
  static constexpr int kKindShift = 56;
  static constexpr std::uint64_t kIdMask = (std::uint64_t{1} << kKindShift) - 1;

  OpKind kind = OpKind::kNone;
  std::uint64_t id = 0;  // only the low 56 bits survive encoding

  constexpr std::uint64_t encode() const {
    return (std::uint64_t{static_cast<std::uint8_t>(kind)} << kKindShift) | (id & kIdMask);
  }
  static constexpr OpTag decode(std::uint64_t user_data) {
    return OpTag{static_cast<OpKind>(user_data >> kKindShift), user_data & kIdMask};
  }
  friend constexpr bool operator==(const OpTag&, const OpTag&) = default;
};

// One CQE, copied out of the completion ring (so the slot can be reused before it is handled).
struct Completion {
  OpTag tag;
  std::int32_t res = 0;     // >= 0 result, or -errno
  std::uint32_t flags = 0;  // IORING_CQE_F_*

  static Completion from(const io_uring_cqe& cqe) {
    return Completion{OpTag::decode(cqe.user_data), cqe.res, cqe.flags};
  }
  // The request stays armed (multishot) and will post more completions.
  bool more() const { return (flags & IORING_CQE_F_MORE) != 0; }
  // A provided buffer was consumed; buffer_id() says which.
  bool has_buffer() const { return (flags & IORING_CQE_F_BUFFER) != 0; }
  std::uint16_t buffer_id() const {
    return static_cast<std::uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
  }
};

}  // namespace h2io
