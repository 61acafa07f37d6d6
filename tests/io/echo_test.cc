// The io/ pieces together, as the engine will use them: one ring, a multishot accept, a
// multishot recv per connection into one shared buffer ring, and one batched sendmsg per
// connection per loop turn that sends the received buffers straight back (zero copy) and
// recycles each buffer once the send has passed it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "h2io/buffer_ring.h"
#include "h2io/listener.h"
#include "h2io/multishot_recv.h"
#include "h2io/ring.h"
#include "h2io/send_queue.h"
#include "h2io/socket_ops.h"
#include "loop_helpers.h"

namespace {

using h2io::Completion;
using h2io::OpKind;
using h2io::OpTag;
using h2io::RecvEvent;
using namespace h2io_test;

struct Held {
  std::uint64_t end;  // stream offset past this buffer's bytes in the send queue
  std::uint16_t bid;
};

struct Connection {
  explicit Connection(int fd_in, std::uint16_t group) : fd(fd_in), recv(fd_in, group) {}
  int fd;
  h2io::MultishotRecv recv;
  h2io::SendQueue send{256};
  std::deque<Held> held;
  bool starved = false;  // recv ended with ENOBUFS, waits for recycled buffers
  bool eof = false;
  bool closing = false;
  bool closed = false;
};

class EchoServer {
 public:
  EchoServer(std::uint32_t buffers, std::uint32_t buffer_size)
      : listener_(h2io::ListenOptions{}), buffers_(ring_, 0, buffers, buffer_size) {
    listener_.arm_accept(ring_, kAcceptTag);
  }

  std::uint16_t port() const { return listener_.port(); }
  std::size_t accepted() const { return conns_.size(); }
  std::size_t closed() const {
    std::size_t n = 0;
    for (auto& c : conns_) n += c->closed;
    return n;
  }
  int enobufs() const { return enobufs_; }
  std::size_t max_batch() const { return max_batch_; }

  // One loop turn: submit + wait, handle every completion, then queue what they made due.
  void turn() {
    ring_.submit_and_wait(1, 50ms);
    ring_.for_each_completion([&](const Completion& c) { handle(c); });
    for (std::size_t i = 0; i < conns_.size(); ++i) after_turn(*conns_[i], i);
    listener_.rearm_if_needed(ring_, kAcceptTag);
  }

 private:
  static constexpr OpTag kAcceptTag{OpKind::kAccept, 0};

  void handle(const Completion& c) {
    switch (c.tag.kind) {
      case OpKind::kAccept: {
        int fd = listener_.on_completion(c);
        ASSERT_GE(fd, 0) << std::strerror(-fd);
        conns_.push_back(std::make_unique<Connection>(fd, buffers_.group_id()));
        conns_.back()->recv.arm(ring_, OpTag{OpKind::kRecv, conns_.size() - 1});
        break;
      }
      case OpKind::kRecv: {
        Connection& conn = *conns_.at(c.tag.id);
        RecvEvent ev = conn.recv.on_completion(c, buffers_);
        if (ev.kind == RecvEvent::Kind::kData) {
          std::uint64_t end = conn.send.push(ev.data);
          ASSERT_NE(end, 0u) << "iovec ring cannot fill: it is larger than the buffer pool";
          conn.held.push_back(Held{end, ev.bid});
        } else if (ev.kind == RecvEvent::Kind::kNoBuffers) {
          conn.starved = true;
          ++enobufs_;
        } else if (ev.kind == RecvEvent::Kind::kEof) {
          conn.eof = true;
        } else {
          ADD_FAILURE() << "recv failed: " << std::strerror(ev.error);
          conn.eof = true;
        }
        break;
      }
      case OpKind::kSend: {
        Connection& conn = *conns_.at(c.tag.id);
        auto r = conn.send.on_completion(c);
        ASSERT_EQ(r.error, 0) << std::strerror(r.error);
        while (!conn.held.empty() && conn.held.front().end <= conn.send.bytes_sent()) {
          buffers_.recycle(conn.held.front().bid);
          conn.held.pop_front();
        }
        break;
      }
      case OpKind::kClose:
        EXPECT_EQ(c.res, 0);
        conns_.at(c.tag.id)->closed = true;
        break;
      default:
        ADD_FAILURE() << "unexpected completion kind " << static_cast<int>(c.tag.kind);
    }
  }

  void after_turn(Connection& conn, std::size_t id) {
    if (conn.closing) return;
    // Everything received this turn leaves in one sendmsg.
    if (conn.send.arm(ring_, conn.fd, OpTag{OpKind::kSend, id})) {
      max_batch_ = std::max(max_batch_, conn.send.last_batch_iovecs());
    }
    if (!conn.recv.armed() && !conn.eof && (!conn.starved || buffers_.available() > 0)) {
      conn.starved = false;
      conn.recv.arm(ring_, OpTag{OpKind::kRecv, id});
    }
    if (conn.eof && conn.send.empty() && !conn.send.in_flight()) {
      conn.closing = true;
      h2io::prep_close(ring_, conn.fd, OpTag{OpKind::kClose, id});
    }
  }

  h2io::Ring ring_;
  h2io::Listener listener_;
  h2io::BufferRing buffers_;
  std::vector<std::unique_ptr<Connection>> conns_;
  int enobufs_ = 0;
  std::size_t max_batch_ = 0;
};

struct Client {
  h2io::Fd fd;
  std::vector<std::byte> payload;
  std::vector<std::byte> echoed;
  std::size_t sent = 0;
  std::size_t next_chunk = 0;
  bool shut = false;
  bool done = false;
};

// Drives all clients from one thread with poll(): writes in odd-sized chunks while reading the
// echo, half-closes when all is written, finishes at the server's EOF.
void drive_clients(std::vector<Client>& clients) {
  static constexpr std::size_t kChunks[] = {1, 3, 7, 61, 509, 1021, 4093, 8191, 13, 2039};
  auto deadline = SteadyClock::now() + kGenerousTimeout;
  std::vector<pollfd> fds(clients.size());
  std::vector<std::byte> buf(65536);
  while (SteadyClock::now() < deadline) {
    std::size_t open = 0;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      Client& c = clients[i];
      fds[i] = pollfd{c.done ? -1 : c.fd.get(),
                      static_cast<short>(POLLIN | (c.sent < c.payload.size() ? POLLOUT : 0)), 0};
      open += !c.done;
    }
    if (open == 0) return;
    if (poll(fds.data(), fds.size(), 100) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
      Client& c = clients[i];
      if (c.done) continue;
      if (fds[i].revents & POLLOUT) {
        std::size_t want = kChunks[c.next_chunk++ % std::size(kChunks)];
        want = std::min(want, c.payload.size() - c.sent);
        ssize_t n = send(c.fd.get(), c.payload.data() + c.sent, want, MSG_NOSIGNAL);
        if (n > 0) c.sent += static_cast<std::size_t>(n);
      }
      if (c.sent == c.payload.size() && !c.shut) {
        shutdown(c.fd.get(), SHUT_WR);
        c.shut = true;
      }
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = recv(c.fd.get(), buf.data(), buf.size(), 0);
        if (n > 0) {
          c.echoed.insert(c.echoed.end(), buf.begin(), buf.begin() + n);
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
          c.done = true;
        }
      }
    }
  }
}

void run_echo(std::size_t clients_n, std::size_t bytes_each, std::uint32_t buffers,
              std::uint32_t buffer_size, int* enobufs_out, std::size_t* max_batch_out) {
  EchoServer server(buffers, buffer_size);
  std::vector<Client> clients(clients_n);
  for (std::size_t i = 0; i < clients_n; ++i) {
    clients[i].fd = connect_blocking(server.port());
    ASSERT_TRUE(clients[i].fd.valid());
    fcntl(clients[i].fd.get(), F_SETFL, O_NONBLOCK);
    clients[i].payload = pattern(bytes_each + i * 17, static_cast<std::uint32_t>(i + 1));
  }
  std::thread driver([&] { drive_clients(clients); });
  auto deadline = SteadyClock::now() + kGenerousTimeout;
  while (!(server.accepted() == clients_n && server.closed() == clients_n) &&
         SteadyClock::now() < deadline) {
    server.turn();
  }
  driver.join();
  EXPECT_EQ(server.accepted(), clients_n);
  EXPECT_EQ(server.closed(), clients_n);
  for (std::size_t i = 0; i < clients_n; ++i) {
    EXPECT_EQ(clients[i].sent, clients[i].payload.size()) << "client " << i;
    EXPECT_TRUE(clients[i].echoed == clients[i].payload)
        << "client " << i << ": echoed " << clients[i].echoed.size() << " of "
        << clients[i].payload.size() << " bytes";
  }
  if (enobufs_out) *enobufs_out = server.enobufs();
  if (max_batch_out) *max_batch_out = server.max_batch();
}

TEST(Echo, ManyClientsRoundTripEveryByteInOrder) {
  std::size_t max_batch = 0;
  run_echo(/*clients=*/16, /*bytes_each=*/256 * 1024, /*buffers=*/256, /*size=*/4096, nullptr,
           &max_batch);
  EXPECT_GE(max_batch, 1u);
}

TEST(Echo, SurvivesATinyBufferPoolThroughEnobufsAndRecycling) {
  int enobufs = 0;
  // 8 buffers of 512 bytes for 8 connections: the pool runs dry again and again.
  run_echo(/*clients=*/8, /*bytes_each=*/128 * 1024, /*buffers=*/8, /*size=*/512, &enobufs,
           nullptr);
  EXPECT_GE(enobufs, 1);
}

}  // namespace
