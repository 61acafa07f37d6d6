#include "h2io/uring_probe.h"

#include <liburing.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace h2io {

namespace {

struct NamedOp {
  int op;
  const char* name;
};

constexpr NamedOp kRequiredOps[] = {
    {IORING_OP_ACCEPT, "ACCEPT"},
    {IORING_OP_CONNECT, "CONNECT"},
    {IORING_OP_RECV, "RECV"},
    {IORING_OP_SEND, "SEND"},
    {IORING_OP_SENDMSG, "SENDMSG"},
    {IORING_OP_READ, "READ"},
    {IORING_OP_TIMEOUT, "TIMEOUT"},
    {IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL"},
    {IORING_OP_CLOSE, "CLOSE"},
    {IORING_OP_SHUTDOWN, "SHUTDOWN"},
    {IORING_OP_PROVIDE_BUFFERS, "PROVIDE_BUFFERS"},
};

struct NamedFeature {
  unsigned bit;
  const char* name;
};

constexpr NamedFeature kRequiredFeatures[] = {
    {IORING_FEAT_FAST_POLL, "FAST_POLL"},
    {IORING_FEAT_NODROP, "NODROP"},
    {IORING_FEAT_EXT_ARG, "EXT_ARG"},
};

std::string errno_text(int err) {
  return std::strerror(err);
}

std::string check_opcodes(io_uring* ring) {
  io_uring_probe* probe = io_uring_get_probe_ring(ring);
  if (probe == nullptr) return "the kernel cannot list its io_uring opcodes (needs Linux 5.6+)";
  std::string missing;
  for (const NamedOp& op : kRequiredOps) {
    if (!io_uring_opcode_supported(probe, op.op)) missing += std::string(" ") + op.name;
  }
  io_uring_free_probe(probe);
  if (!missing.empty()) return "io_uring opcodes not supported by this kernel:" + missing;
  return {};
}

std::string check_features(unsigned features) {
  std::string missing;
  for (const NamedFeature& f : kRequiredFeatures) {
    if ((features & f.bit) == 0) missing += std::string(" ") + f.name;
  }
  if (!missing.empty()) return "io_uring features missing (needs Linux 5.11+):" + missing;
  return {};
}

// Registers a one-buffer provided buffer ring, arms a multishot recv over it on a socketpair and
// checks the completion says "still armed". `mem` is one page, unmapped by the caller after the
// ring is gone (the kernel may reference it until then).
std::string check_buffer_ring_and_multishot_recv(io_uring* ring, void* mem,
                                                 std::size_t page_bytes) {
  constexpr unsigned short kGroup = 0x7ffe;
  auto* br = static_cast<io_uring_buf_ring*>(mem);
  // The single buffer lives in the second half of the page, past the (one-entry) ring.
  char* buf = static_cast<char*>(mem) + page_bytes / 2;

  std::string reason;
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<std::uintptr_t>(br);
  reg.ring_entries = 1;
  reg.bgid = kGroup;
  int rc = io_uring_register_buf_ring(ring, &reg, 0);
  if (rc < 0) {
    return "provided buffer rings (IORING_REGISTER_PBUF_RING) unsupported: " + errno_text(-rc) +
           " (needs Linux 5.19+)";
  }
  io_uring_buf_ring_init(br);
  io_uring_buf_ring_add(br, buf, 64, 0, io_uring_buf_ring_mask(1), 0);
  io_uring_buf_ring_advance(br, 1);

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    reason = "socketpair: " + errno_text(errno);
  } else {
    io_uring_sqe* sqe = io_uring_get_sqe(ring);
    io_uring_prep_recv_multishot(sqe, sv[0], nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = kGroup;
    io_uring_sqe_set_data64(sqe, 1);
    char byte = 'x';
    if (write(sv[1], &byte, 1) != 1) reason = "write to socketpair: " + errno_text(errno);
    io_uring_cqe* cqe = nullptr;
    __kernel_timespec ts{};
    ts.tv_sec = 2;
    rc = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, nullptr);
    if (reason.empty()) {
      if (rc < 0 || cqe == nullptr) {
        reason = "multishot recv did not complete: " + errno_text(rc < 0 ? -rc : ETIME);
      } else if (cqe->res == -EINVAL) {
        reason = "multishot recv unsupported (needs Linux 6.0+)";
      } else if (cqe->res != 1 || (cqe->flags & IORING_CQE_F_BUFFER) == 0) {
        reason = "multishot recv with a provided buffer failed: " +
                 (cqe->res < 0 ? errno_text(-cqe->res) : std::string("unexpected result"));
      } else if ((cqe->flags & IORING_CQE_F_MORE) == 0) {
        reason = "multishot recv ends after one completion (needs Linux 6.0+)";
      }
    }
    if (cqe != nullptr) io_uring_cqe_seen(ring, cqe);
    close(sv[1]);
    close(sv[0]);
  }
  io_uring_unregister_buf_ring(ring, kGroup);
  return reason;
}

}  // namespace

UringProbe probe_io_uring() {
  io_uring ring{};
  io_uring_params params{};
  int rc = io_uring_queue_init_params(8, &ring, &params);
  if (rc < 0) {
    std::string why = "io_uring_setup failed: " + errno_text(-rc);
    if (rc == -ENOSYS) why += " (kernel built without io_uring)";
    if (rc == -EPERM) why += " (disabled by sysctl kernel.io_uring_disabled or a seccomp filter)";
    return UringProbe{false, why};
  }
  std::string reason = check_opcodes(&ring);
  if (reason.empty()) reason = check_features(params.features);
  if (reason.empty()) {
    long page = sysconf(_SC_PAGESIZE);
    auto page_bytes = static_cast<std::size_t>(page > 0 ? page : 4096);
    void* mem =
        mmap(nullptr, page_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
      reason = "mmap: " + errno_text(errno);
    } else {
      reason = check_buffer_ring_and_multishot_recv(&ring, mem, page_bytes);
      io_uring_queue_exit(&ring);
      munmap(mem, page_bytes);
      return UringProbe{reason.empty(), reason};
    }
  }
  io_uring_queue_exit(&ring);
  return UringProbe{reason.empty(), reason};
}

void require_io_uring_or_exit(const char* program) {
  UringProbe probe = probe_io_uring();
  if (probe.available) return;
  std::fprintf(stderr, "%s: io_uring is not available: %s\n", program, probe.reason.c_str());
  std::exit(1);
}

}  // namespace h2io
