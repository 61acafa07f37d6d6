// A Session is one TCP connection on one worker: the socket, its H2Connection, the multishot
// recv, the send in flight, and the application-visible streams with the response data they
// still have to send (the send scheduler's input). Only the owning worker touches it.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "h2/connection.h"
#include "h2engine/app.h"
#include "h2io/multishot_recv.h"
#include "lazy_queue.h"
#include "messages.h"

namespace h2engine {

// Body queued behind a stream's in-memory `pending` bytes: a file range (Context::send_file),
// or memory bytes the application queued after one.
struct BodyChunk {
  FileRef file;         // null: memory bytes in `bytes`
  uint64_t offset = 0;  // file: where its next byte is read
  uint64_t length = 0;  // file: bytes left
  std::string bytes;
  uint64_t size() const { return file ? length : bytes.size(); }
};

// Output cut where a file payload goes: the frames the connection queued up to and including
// that DATA frame's header, then the payload from the file's mapping (no file: bytes only, what
// the connection queued after the last cut).
struct OutSegment {
  h2::ByteBuffer bytes;
  size_t bytes_off = 0;  // how much of `bytes` has left
  FileRef file;
  uint64_t offset = 0;
  uint64_t length = 0;  // file bytes still to send
};

// The rarely needed part of a StreamOut.
struct StreamTail {
  BodyChunk file;               // the file range being sent
  LazyQueue<BodyChunk> later;   // what was queued behind it, in order
  uint64_t later_bytes = 0;
  std::string trailers;         // header blob, sent once the body is out
};

// Storage a worker keeps for its connections to reuse instead of allocating: the tails of
// finished streams (a file body or trailers need one per stream) and the segment queues of
// connections gone idle. Bounded: 256 tails (~35 KB) and 16 queues per worker at most.
struct WorkerSpares {
  static constexpr size_t kMaxTails = 256;
  static constexpr size_t kMaxSegmentQueues = 16;
  std::vector<std::unique_ptr<StreamTail>> tails;
  std::vector<std::vector<OutSegment>> segment_queues;
};

struct GatherSend {
  msghdr msg{};
  std::vector<iovec> iov;
};

// One stream the application knows about, and what it still has to send.
struct StreamOut {
  uint32_t id = 0;
  bool remote_ended = false;  // the peer finished (END_STREAM received)
  bool local_ended = false;   // END_STREAM sent, or queued to follow `pending`
  bool end_after_pending = false;
  bool has_trailers = false;
  bool active = false;  // in Session::active (has pending data)
  uint8_t urgency = 3;  // RFC 9218 §4.1 (0 most urgent .. 7), default 3
  bool incremental = false;
  bool signalled = false;  // the peer sent a priority signal for it
  // The body still to send, in order: `pending` (memory bytes), then, in `tail`, a range of
  // a file (Context::send_file) and what was queued behind that file. Most streams only ever
  // use `pending`; `tail` is allocated for the few with a file body or trailers, which keeps
  // StreamOut small (Session::find scans these).
  std::string pending;  // queued body bytes not yet handed to the H2Connection
  size_t pending_off = 0;
  std::unique_ptr<StreamTail> tail;
  size_t sent_unreported = 0;  // for Handler::on_sent, reported after the handler returns

  size_t memory_size() const { return pending.size() - pending_off; }
  uint64_t pending_size() const {
    return memory_size() + (tail ? tail->file.length + tail->later_bytes : 0);
  }
  bool file_queued() const { return tail && (tail->file.file || !tail->later.empty()); }
  bool done() const { return remote_ended && local_ended && pending_size() == 0 && !has_trailers; }
};

// Bytes handed to HTTP/2 on a stream, not yet reported through Handler::on_sent.
struct SentCount {
  uint32_t stream_id;
  size_t bytes;
};

// A client request waiting for the peer's MAX_CONCURRENT_STREAMS to allow it.
struct PendingOpen {
  uint32_t id;
  bool end_stream;
  std::string headers;  // header blob
};

struct Session {
  Session(uint16_t worker, uint32_t slot, uint32_t generation, int socket, bool client_side,
          uint16_t buffer_group, const h2::H2Configuration& config)
      : ref{worker, slot, generation},
        fd(socket),
        client(client_side),
        conn(config),
        recv(socket, buffer_group) {}

  ConnectionRef ref;
  int fd;
  bool client;
  uint64_t user_tag = 0;
  unsigned actor = 0;  // threaded mode: the actor this connection's events go to
  h2::H2Connection conn;
  h2io::MultishotRecv recv;

  // Output: one send in flight at a time, from `sendbuf`: the connection's own output buffer,
  // taken over by take_data_to_send (no copy); send_off is how much of it has left.
  h2::ByteBuffer sendbuf;
  size_t send_off = 0;
  bool send_in_flight = false;
  bool conn_has_buffer = false;  // the connection's output buffer has storage (lend_output)
  // File payloads (Context::send_file): the output after `sendbuf`, cut at each payload, in
  // wire order; what the connection queues after the last cut follows them. They leave in one
  // sendmsg whose iovecs point into our buffers and the files' mappings: no user-space copy.
  LazyQueue<OutSegment> segments;
  uint64_t segment_bytes = 0;  // frame and file bytes still in `segments`
  WorkerSpares* spares = nullptr;  // the worker's reusable storage (set by the worker)
  // The gathered sendmsg's header and iovecs: allocated with the first file body, kept (up
  // to 64 iovecs, 1 KiB) for the connection's life.
  std::unique_ptr<GatherSend> gather;
  bool gather_in_flight = false;

  // Streams the application sees, and the subset with data waiting for windows.
  std::vector<StreamOut> streams;
  // The ids of `streams`, index for index: find() scans these 4-byte entries (a few cache
  // lines for a client's 32 or 100 streams in flight) instead of the StreamOuts themselves.
  std::vector<uint32_t> stream_ids;
  std::vector<uint32_t> active;
  // Where each stream sits in `streams`, by (id / 2) mod 64: one probe for the ids in flight
  // (a connection's streams of one direction have consecutive odd or even ids). An entry may
  // be stale (the stream left, or another id took the entry): find() checks it against
  // stream_ids and scans when it does not match. Allocated with the first stream.
  static constexpr size_t kSlotCacheSize = 64;
  std::unique_ptr<uint32_t[]> slot_cache;
  size_t rr = 0;  // round-robin cursor into `active`
  // on_sent counts of streams removed (finished, reset) before report_sent ran: a stream whose
  // last bytes leave with END_STREAM is gone by then, and its count must still be reported.
  std::vector<SentCount> sent_of_removed;
  bool sent_to_report = false;  // some stream's sent_unreported may be non-zero
  LazyQueue<PendingOpen> pending_opens;
  uint32_t next_stream_id = 1;

  // Threaded actors: events that did not fit the mailbox, in order. While non-empty the
  // connection is not read (backpressure).
  LazyQueue<ToActor> held;
  bool recv_paused = false;  // backpressure or buffer ring dry: not re-armed
  bool waiting_buffers = false;

  bool dirty = false;  // in the worker's flush list this turn
  bool settings_acked = false;
  bool remote_settings_seen = false;
  // The peer's MAX_CONCURRENT_STREAMS as of its last SETTINGS. Until its SETTINGS arrive the
  // limit is unknown: 100, like nghttp2 (RFC 9113 §6.5.2 recommends no less), rather than
  // opening streams it may refuse.
  uint64_t stream_limit = 100;
  bool goaway_received = false;
  bool local_close = false;  // close_connection() asked; close when streams are done
  bool closing = false;      // going away: no more application calls
  bool shut = false;         // shutdown(2) done, waiting for the last completions
  CloseReason reason = CloseReason::kPeerClosed;
  unsigned log_budget = 4;

  StreamOut* find(uint32_t id) {
    // One probe of the slot cache finds nearly every stream; the scan of the ids is the
    // fallback (and refreshes the cache).
    const size_t n = stream_ids.size();
    if (n == 0) return nullptr;
    uint32_t& cached = slot_cache[(id >> 1) % kSlotCacheSize];
    if (cached < n && stream_ids[cached] == id) return &streams[cached];
    const uint32_t* ids = stream_ids.data();
    for (size_t i = 0; i < n; ++i) {
      if (ids[i] == id) {
        cached = static_cast<uint32_t>(i);
        return &streams[i];
      }
    }
    return nullptr;
  }
  StreamOut& add(uint32_t id) {
    if (!slot_cache) slot_cache = std::make_unique<uint32_t[]>(kSlotCacheSize);
    slot_cache[(id >> 1) % kSlotCacheSize] = static_cast<uint32_t>(streams.size());
    streams.emplace_back();
    streams.back().id = id;
    stream_ids.push_back(id);
    return streams.back();
  }
  // `st`'s tail, a spare one when the worker has it.
  StreamTail& tail_of(StreamOut& st) {
    if (!st.tail) {
      if (spares && !spares->tails.empty()) {
        st.tail = std::move(spares->tails.back());
        spares->tails.pop_back();
      } else {
        st.tail = std::make_unique<StreamTail>();
      }
    }
    return *st.tail;
  }

  void remove(uint32_t id) {
    if (StreamOut* st = find(id)) {
      if (st->sent_unreported != 0) sent_of_removed.push_back({id, st->sent_unreported});
      if (st->tail && spares && spares->tails.size() < WorkerSpares::kMaxTails) {
        StreamTail& t = *st->tail;
        t.file = BodyChunk{};  // lets go of the file
        t.later.clear();
        t.later_bytes = 0;
        t.trailers.clear();
        spares->tails.push_back(std::move(st->tail));
      }
      if (st != &streams.back()) {
        *st = std::move(streams.back());
        const auto index = static_cast<uint32_t>(st - streams.data());
        stream_ids[index] = st->id;
        slot_cache[(st->id >> 1) % kSlotCacheSize] = index;
      }
      streams.pop_back();
      stream_ids.pop_back();
    }
    for (size_t i = 0; i < active.size(); ++i) {
      if (active[i] == id) {
        active.erase(active.begin() + static_cast<std::ptrdiff_t>(i));
        if (rr > i) --rr;
        break;
      }
    }
  }
  void clear_streams() {
    streams.clear();
    stream_ids.clear();
    active.clear();
  }
  StreamRef stream_ref(uint32_t id) const { return StreamRef{ref, id}; }
  uint64_t unsent_bytes() const {
    return conn.outbound_buffer_size() + (sendbuf.size() - send_off) + segment_bytes;
  }
};

}  // namespace h2engine
