// H2Connection: a sans-IO HTTP/2 connection with the API and behaviour of Python's h2 4.4
// (BEHAVIOUR.md §1.2). Bytes in, events out; calls in, bytes out: no sockets, threads or
// clocks inside.
//
//   h2::H2Connection conn(h2::H2Configuration{.client_side = false});
//   conn.initiate_connection();
//   socket.write(conn.data_to_send());
//   for (const h2::Event& e : conn.receive_data(bytes)) { ... }
//
// Lifetimes: the events returned by receive_data, and the headers and data they refer to,
// are valid until the next call to receive_data (in the visitor form: until the handler
// returns). data_to_send returns a view valid until the
// next call that queues output (any sending method or receive_data).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "h2/byte_buffer.h"
#include "h2/config.h"
#include "h2/error_code.h"
#include "h2/events.h"
#include "h2/exceptions.h"
#include "h2/header.h"
#include "h2/settings.h"
#include "h2/state_machines.h"

namespace h2 {

// Priority arguments of send_headers / prioritize (h2's priority_weight, priority_depends_on,
// priority_exclusive). Any of them present adds priority information; missing ones take the
// defaults 16 / 0 / false.
struct PriorityArgs {
  std::optional<int> weight;  // 1..256
  std::optional<uint32_t> depends_on;
  std::optional<bool> exclusive;
  bool present() const noexcept { return weight || depends_on || exclusive; }
};

class H2Connection {
 public:
  static constexpr uint32_t kHighestAllowedStreamId = 0x7fffffff;
  static constexpr uint32_t kMaxWindowIncrement = 0x7fffffff;
  static constexpr uint32_t kDefaultMaxHeaderListSize = 1u << 16;
  static constexpr size_t kMaxClosedStreams = size_t{1} << 16;

  explicit H2Connection(H2Configuration config = {});
  ~H2Connection();
  H2Connection(const H2Connection&) = delete;
  H2Connection& operator=(const H2Connection&) = delete;

  // ---- Sending (each queues bytes; nothing is written anywhere) ----
  void initiate_connection();
  // h2c upgrade (RFC 7540 §3.2). Client: returns the HTTP2-Settings header value. Server:
  // applies the client's HTTP2-Settings value (base64url, padding optional); returns nullopt.
  std::optional<std::string> initiate_upgrade_connection(
      std::optional<std::string_view> settings_header = std::nullopt);
  uint32_t get_next_available_stream_id() const;
  void send_headers(uint32_t stream_id, HeaderList headers, bool end_stream = false,
                    const PriorityArgs& priority = {});
  void send_headers(uint32_t stream_id, std::initializer_list<Header> headers,
                    bool end_stream = false, const PriorityArgs& priority = {}) {
    send_headers(stream_id, HeaderList(headers.begin(), headers.size()), end_stream, priority);
  }
  void send_data(uint32_t stream_id, Bytes data, bool end_stream = false,
                 std::optional<int> pad_length = std::nullopt);
  // Like send_data (same checks, windows, state), but queues only the DATA frame's 9-byte
  // header: the caller owes the peer exactly `length` payload bytes right after everything
  // queued so far, before anything queued later. For zero-copy bodies (sendfile, a
  // gather-write from the application's memory), so take the output (take_data_to_send or
  // data_to_send) right after this call and put the payload behind it. No padding.
  void send_data_external(uint32_t stream_id, size_t length, bool end_stream = false);
  void end_stream(uint32_t stream_id);
  void push_stream(uint32_t stream_id, uint32_t promised_stream_id, HeaderList request_headers);
  void reset_stream(uint32_t stream_id, ErrorCode error_code = ErrorCode::kNoError);
  void increment_flow_control_window(uint32_t increment,
                                     std::optional<uint32_t> stream_id = std::nullopt);
  void acknowledge_received_data(int64_t acknowledged_size, uint32_t stream_id);
  void ping(std::span<const uint8_t> opaque_data);
  void close_connection(ErrorCode error_code = ErrorCode::kNoError, Bytes additional_data = {},
                        std::optional<uint32_t> last_stream_id = std::nullopt);
  // Graceful shutdown (RFC 9113 §6.8), beside h2's immediate close_connection: queues
  // GOAWAY(NO_ERROR, last_stream_id = highest inbound by default) and keeps the connection
  // open; peer streams at or below it run to completion, newer ones are refused with
  // RST_STREAM(REFUSED_STREAM). When drained() turns true, call close_connection().
  void begin_graceful_shutdown(std::optional<uint32_t> last_stream_id = std::nullopt,
                               Bytes additional_data = {});
  bool draining() const noexcept;
  bool drained() const noexcept;
  void update_settings(std::span<const std::pair<uint16_t, int64_t>> new_settings);
  void update_settings(std::initializer_list<std::pair<uint16_t, int64_t>> new_settings) {
    update_settings(std::span(new_settings.begin(), new_settings.size()));
  }
  void advertise_alternative_service(Bytes field_value, std::optional<Bytes> origin = std::nullopt,
                                     std::optional<uint32_t> stream_id = std::nullopt);
  void prioritize(uint32_t stream_id, const PriorityArgs& priority = {});

  // Returns and removes up to `amount` queued bytes (all by default).
  Bytes data_to_send(size_t amount = SIZE_MAX);
  // All queued bytes, handed over without a copy: `into` (whose contents are discarded)
  // receives the output buffer, and the connection keeps `into`'s old storage, emptied, for
  // what it queues next. For I/O layers that keep the bytes until a send completes.
  void take_data_to_send(ByteBuffer& into);
  void clear_outbound_data_buffer() noexcept;
  size_t outbound_buffer_size() const noexcept { return out_.size() - out_start_; }

  // ---- Receiving ----
  // Processes every complete frame in `data`. On a connection error: GOAWAY queued, state
  // CLOSED, the ProtocolError (or subclass) rethrown; events of this call are then lost (h2).
  const std::vector<Event>& receive_data(Bytes data);

  // Visitor form: the same processing, but each event is handed to `handler(const Event&)`
  // as soon as the frame that produced it is processed, instead of being collected: no event
  // vector grows, and a handler can answer (or stop reading) before the rest of `data` is
  // looked at. Not faster per se: a handler that answers each request at once interleaves
  // decoding and encoding, which bench_exchange measures slower than answering the whole
  // batch after the vector form returns (docs/performance.md).
  //  - The event, and the header list and data it refers to, are valid only while the
  //    handler runs.
  //  - The handler may call the sending methods of this connection (send_headers, send_data,
  //    acknowledge_received_data, reset_stream, data_to_send, ...): it runs between two
  //    frames, when the connection is consistent. It must not call receive_data.
  //  - On a connection error, events of the frames before the bad one have been delivered;
  //    then, as in the vector form, GOAWAY is queued and the error rethrown.
  //  - An exception thrown by the handler propagates; the rest of `data` is then not
  //    processed and the connection must not be used further.
  template <typename Handler>
  void receive_data(Bytes data, Handler&& handler) {
    using H = std::remove_reference_t<Handler>;
    receive_events(data, EventSink{const_cast<void*>(static_cast<const void*>(&handler)),
                                   [](void* h, const Event& e) { (*static_cast<H*>(h))(e); }});
  }

  // ---- Windows ----
  int64_t local_flow_control_window(uint32_t stream_id) const;
  int64_t remote_flow_control_window(uint32_t stream_id) const;
  int64_t outbound_flow_control_window() const noexcept { return outbound_window_; }
  void set_outbound_flow_control_window(int64_t w) noexcept { outbound_window_ = w; }
  int64_t inbound_flow_control_window() const noexcept;

  // ---- State ----
  const H2Configuration& config() const noexcept { return config_; }
  H2Configuration& config() noexcept { return config_; }
  ConnectionState state() const noexcept { return state_machine_.state(); }
  const Settings& local_settings() const noexcept { return local_settings_; }
  const Settings& remote_settings() const noexcept { return remote_settings_; }
  uint32_t max_outbound_frame_size() const noexcept { return max_outbound_frame_size_; }
  void set_max_outbound_frame_size(uint32_t size) noexcept { max_outbound_frame_size_ = size; }
  uint32_t max_inbound_frame_size() const noexcept { return max_inbound_frame_size_; }
  uint32_t highest_inbound_stream_id() const noexcept { return highest_inbound_; }
  uint32_t highest_outbound_stream_id() const noexcept { return highest_outbound_; }
  size_t open_outbound_streams() const noexcept;
  size_t open_inbound_streams() const noexcept;
  // Streams not yet forgotten (closed streams are moved to the closed-stream memory as soon
  // as a call or frame that closed them is done).
  size_t live_streams() const noexcept;
  // The state of a live stream, nullopt when unknown or forgotten.
  std::optional<StreamState> stream_state(uint32_t stream_id) const noexcept;
  const hpack::Encoder& encoder() const noexcept;
  const hpack::Decoder& decoder() const noexcept;

 private:
  struct Impl;
  struct Stream;

  void begin_data_frame(uint32_t stream_id, int64_t frame_size, bool end_stream);

  // Where the visitor form sends events; deliver == nullptr: collect them (vector form).
  struct EventSink {
    void* context;
    void (*deliver)(void* context, const Event& event);
  };
  void receive_events(Bytes data, EventSink sink);

  // Helpers are members of Impl (connection.cc); these few stay here for inline accessors.
  H2Configuration config_;
  ConnectionStateMachine state_machine_;
  Settings local_settings_;
  Settings remote_settings_;
  int64_t outbound_window_ = 65535;
  uint32_t max_outbound_frame_size_ = 16384;
  uint32_t max_inbound_frame_size_ = 16384;
  uint32_t highest_inbound_ = 0;
  uint32_t highest_outbound_ = 0;
  ByteBuffer out_;
  size_t out_start_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace h2
