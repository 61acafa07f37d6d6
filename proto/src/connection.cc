// H2Connection (BEHAVIOUR.md §1.2, §2). The receive path cuts frames with frame::Reader,
// assembles header blocks, and dispatches each frame to a handler below; the send path
// validates every argument before it changes any state or the HPACK context.
#include "h2/connection.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>

#include "bytes_equal.h"
#include "closed_streams.h"
#include "field_name.h"
#include "h2/arena.h"
#include "h2/frame.h"
#include "h2/frame_reader.h"
#include "h2/header_rules.h"
#include "header_block_memo.h"
#include "header_rules_internal.h"
#include "inbound_block_memo.h"
#include "h2/hpack.h"
#include "stream_map.h"
#include "window_manager.h"

namespace h2 {

namespace {

constexpr uint16_t kInitialWindowSize = frame::setting_id::kInitialWindowSize;
constexpr uint16_t kHeaderTableSize = frame::setting_id::kHeaderTableSize;
constexpr uint16_t kMaxFrameSize = frame::setting_id::kMaxFrameSize;
constexpr uint16_t kMaxHeaderListSize = frame::setting_id::kMaxHeaderListSize;
constexpr uint16_t kEnablePush = frame::setting_id::kEnablePush;

const ChangedSetting* find_change(const ChangedSettings& changes, uint16_t code) {
  for (const ChangedSetting& c : changes)
    if (c.setting == code) return &c;
  return nullptr;
}

using field_name::Token;

// h2's is_informational_response: the :status pseudo-header starts with '1'.
bool is_informational_response(HeaderList headers) {
  for (const Header& h : headers) {
    if (h.name.empty() || h.name[0] != ':') return false;
    if (detail::bytes_equal(h.name, ":status")) return !h.value.empty() && h.value[0] == '1';
  }
  return false;
}

// The same for fields with their name tokens.
bool is_informational_response(HeaderList headers, const Token* tokens) {
  for (size_t i = 0; i < headers.size(); ++i) {
    if (tokens[i] == field_name::kStatus)
      return !headers[i].value.empty() && headers[i].value[0] == '1';
    if (headers[i].name.empty() || headers[i].name[0] != ':') return false;
  }
  return false;
}

std::optional<std::string_view> find_header(HeaderList headers, const Token* tokens, Token name) {
  for (size_t i = 0; i < headers.size(); ++i)
    if (tokens[i] == name) return headers[i].value;
  return std::nullopt;
}

std::optional<std::string_view> find_header(HeaderList headers, std::string_view name) {
  for (const Header& h : headers)
    if (detail::bytes_equal(h.name, name)) return h.value;
  return std::nullopt;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

std::string base64url_encode(Bytes in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (in.size() - i == 1) {
    const uint32_t v = uint32_t{in[i]} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (in.size() - i == 2) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Accepts base64url with or without '=' padding (h2c clients omit it).
std::string base64url_decode(std::string_view in) {
  auto value = [](char ch) -> int {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '-' || ch == '+') return 62;
    if (ch == '_' || ch == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    const int v = value(ch);
    if (v < 0) throw ProtocolError("Invalid HTTP2-Settings header: not base64url");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

// ---- Streams -------------------------------------------------------------------------------

struct H2Connection::Stream {
  void reset(uint32_t id, uint32_t inbound_window, int64_t outbound) {
    sm = StreamStateMachine(id);
    inbound = WindowManager(inbound_window);
    outbound_window = outbound;
    expected_content_length.reset();
    actual_content_length = 0;
    sent_head_request = false;
    has_authority = false;  // the string keeps its bytes: the next stream's are often the same
  }

  StreamStateMachine sm{0};
  WindowManager inbound{65535};
  int64_t outbound_window = 65535;
  std::optional<uint64_t> expected_content_length;
  uint64_t actual_content_length = 0;
  bool sent_head_request = false;  // the request we sent was HEAD: no body may follow
  bool has_authority = false;
  std::string authority;  // client side, when has_authority: origin for ALTSVC on this stream

  void set_authority(std::string_view value) {
    // Pooled streams keep their last authority: on a connection that talks to one origin
    // the compare spares a string copy per stream.
    if (authority != value) authority.assign(value);
    has_authority = true;
  }
  std::string_view origin() const noexcept {
    return has_authority ? std::string_view(authority) : std::string_view();
  }
};

struct H2Connection::Impl {
  explicit Impl(H2Connection& conn)
      : c(conn),
        encoder(conn.config_.encoder_strategy),
        inbound_window(65535),
        closed(conn.config_.limits.max_closed_streams) {}

  H2Connection& c;
  frame::Reader reader;
  hpack::Encoder encoder;
  hpack::Decoder decoder;
  WindowManager inbound_window;
  ClosedStreamMemory closed;

  StreamMap<Stream> streams;
  std::vector<std::unique_ptr<Stream>> stream_pool;  // owns every Stream ever allocated
  std::vector<Stream*> free_streams;
  std::vector<uint32_t> closing;  // closed during the current call, to be forgotten
  size_t open_outbound = 0;
  size_t open_inbound = 0;

  // receive_data output: events, and the headers they refer to (in the scratch below).
  std::vector<Event> events;

  // Drops the events and decoded headers of the previous call (or, in the visitor form, of
  // the previous frame).
  void clear_received() {
    events.clear();
    if (scratch) {
      scratch->header_store.clear();
      scratch->table_views.reset();
      scratch->token_store.clear();
      scratch->pending_headers.clear();
      scratch->arena.reset();
      scratch->in_memo.end_loans();
    }
  }
  // A decoded block: fields [offset, offset + count) of header_store.
  struct Block {
    size_t offset;
    size_t count;
    // Bit i: field i's value is known to pass the value rule (hpack::kValueChecked).
    uint64_t checked_values = 0;
    rules::InboundSummary summary;
    // Set when the block came from the inbound memo: where results of later steps on the same
    // fields are kept. Valid until the next block is decoded.
    InboundBlockMemo::Decoded* memo = nullptr;
  };
  struct PendingHeaders {
    size_t event;
    Block block;
  };
  // Everything header blocks need, both ways. Made with the first header block sent or
  // received, so an idle connection (only the SETTINGS handshake done) does not carry it.
  struct HeaderScratch {
    // Receive: blocks are decoded straight into header_store (strings in `arena`), with each
    // field's name token beside it in token_store; events get their spans once the call is
    // done and the store stops moving.
    Arena arena;
    std::vector<Header> header_store;
    std::vector<Token> token_store;
    std::vector<PendingHeaders> pending_headers;
    // Which fields of header_store view the decoder's table (copied only before it moves).
    hpack::Decoder::TableViews table_views;
    ByteBuffer block_buffer;   // a block assembled from HEADERS/PUSH_PROMISE + CONTINUATION
    InboundBlockMemo in_memo;  // the last block decoded, when a repeat may skip decoding
    // Send.
    Arena out_arena;
    std::vector<Header> out_headers;
    std::vector<Token> out_tokens;
    ByteBuffer out_block;
    HeaderBlockMemo memo;
    // Blocks to send the general way before trying the one-pass encoding again: a list that
    // adds a table entry every time (a changing indexed value) gives the attempt up each
    // time, so after a failure it is left out for a few blocks.
    uint8_t one_pass_pause = 0;
  };
  std::unique_ptr<HeaderScratch> scratch;
  HeaderScratch& hs() {
    if (!scratch) [[unlikely]]
      scratch = std::make_unique<HeaderScratch>();
    return *scratch;
  }

  // Header block being assembled from HEADERS/PUSH_PROMISE + CONTINUATION (§2.4).
  bool in_block = false;
  bool block_is_push = false;
  uint32_t block_stream = 0;
  uint32_t block_promised = 0;
  bool block_end_stream = false;
  std::optional<frame::PrioritySpec> block_priority;
  uint32_t block_frames = 0;

  // A DATA frame handed out in pieces whose first piece was refused: drop the rest.
  bool dropping_data = false;
  // Set when the refused pieces were not yet counted by the window manager (the stream went
  // away after the frame's first piece was reported).
  bool crediting_dropped_data = false;
  bool receiving = false;  // inside receive_data (the visitor form's handler may not re-enter)

  // Flood limits (config.limits; BEHAVIOUR.md §2.17 lists what h2 lacks).
  uint32_t queued_ping_acks = 0;      // automatic PING ACKs not yet taken by data_to_send
  uint32_t queued_settings_acks = 0;  // same for SETTINGS ACKs
  uint32_t empty_frames = 0;          // DATA without payload or END_STREAM, empty HEADERS
  int64_t priority_budget = -1;       // PRIORITY frames still allowed (-1: not yet set)
  double reset_tokens = -1;           // rapid-reset token bucket (-1: not yet filled)
  uint64_t reset_refilled_ms = 0;

  // SETTINGS frames we sent and the peer has not acknowledged yet, oldest first: the codes
  // each carried as pending values (empty for initiate_connection's, whose values are
  // current from the start). An ACK applies exactly its frame's values (RFC 9113 §6.5.3).
  std::vector<std::vector<uint16_t>> settings_in_flight;

  // Graceful shutdown (RFC 9113 §6.8): GOAWAY sent, streams above drain_last refused.
  bool draining = false;
  // A GOAWAY(NO_ERROR) was received and complete_streams_after_goaway is on.
  bool remote_goaway = false;
  uint32_t drain_last = 0;

  void flood(const char* what) { throw DenialOfServiceError(std::string(what)); }

  void count_empty_frame() {
    const uint32_t limit = c.config_.limits.max_empty_frames;
    if (limit != 0 && ++empty_frames > limit) flood("Too many empty frames");
  }

  void count_priority_frame() {
    const uint32_t limit = c.config_.limits.max_priority_frames;
    if (limit == 0) return;
    if (priority_budget < 0) priority_budget = limit;
    if (--priority_budget < 0) flood("Too many PRIORITY frames");
  }

  // CVE-2023-44487: a peer that opens streams and resets them before we answer makes us do
  // work for free. A token bucket like nghttp2's: `burst` resets, refilled at `per_second`.
  void count_rapid_reset() {
    const Limits& l = c.config_.limits;
    if (l.rapid_reset_burst == 0) return;
    const uint64_t now = l.now_ms ? l.now_ms() : steady_now_ms();
    if (reset_tokens < 0) {
      reset_tokens = l.rapid_reset_burst;
      reset_refilled_ms = now;
    }
    const double refill =
        static_cast<double>(now - reset_refilled_ms) * l.rapid_reset_per_second / 1000.0;
    reset_tokens = std::min<double>(l.rapid_reset_burst, reset_tokens + refill);
    reset_refilled_ms = now;
    if (reset_tokens < 1) flood("Too many streams reset by the peer before a response");
    reset_tokens -= 1;
  }

  static uint64_t steady_now_ms() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
  }

  void count_queued_ack(uint32_t& counter, uint32_t limit, const char* what) {
    if (limit != 0 && ++counter > limit) flood(what);
  }

  void check_output_backlog() {
    const size_t limit = c.config_.limits.max_outbound_buffer;
    if (limit != 0 && c.outbound_buffer_size() > limit) flood("Outbound buffer not drained");
  }


  // ---- stream bookkeeping ----

  bool is_outbound(uint32_t id) const noexcept { return (id % 2 == 1) == c.config_.client_side; }

  std::optional<StreamClosedBy> closed_by(uint32_t id) const noexcept {
    if (const Stream* s = streams.find(id)) return s->sm.closed_by();
    return closed.find(id);
  }
  bool closed_by_reset(uint32_t id) const noexcept {
    const auto by = closed_by(id);
    return by == StreamClosedBy::kSendRstStream || by == StreamClosedBy::kRecvRstStream;
  }
  bool closed_by_end(uint32_t id) const noexcept {
    const auto by = closed_by(id);
    return by == StreamClosedBy::kSendEndStream || by == StreamClosedBy::kRecvEndStream;
  }

  // Whether `id` is at or below the highest stream id opened in its direction (so a stream
  // that is not live was closed and forgotten, rather than never opened).
  bool seen(uint32_t id) const noexcept {
    return id <= (is_outbound(id) ? c.highest_outbound_ : c.highest_inbound_);
  }

  // h2's _get_stream_by_id: unknown ids above the highest seen are NoSuchStream, below it the
  // stream was closed and forgotten.
  Stream& get_stream(uint32_t id) const {
    if (Stream* s = streams.find(id)) return *s;
    if (!seen(id)) throw NoSuchStreamError(id);
    throw StreamClosedError(id);
  }

  void check_new_stream_id(uint32_t id, bool odd_allowed) const {
    const uint32_t highest = is_outbound(id) ? c.highest_outbound_ : c.highest_inbound_;
    if (id <= highest) throw StreamIDTooLowError(id, highest);
    if ((id % 2 == 1) != odd_allowed) throw ProtocolError("Invalid stream ID for peer.");
  }

  Stream& begin_new_stream(uint32_t id, bool odd_allowed) {
    check_new_stream_id(id, odd_allowed);
    Stream* s;
    if (!free_streams.empty()) {
      s = free_streams.back();
      free_streams.pop_back();
    } else {
      stream_pool.push_back(std::make_unique<Stream>());
      s = stream_pool.back().get();
    }
    s->reset(id, c.local_settings_.initial_window_size(), c.remote_settings_.initial_window_size());
    streams.insert(id, s);
    (is_outbound(id) ? c.highest_outbound_ : c.highest_inbound_) = id;
    return *s;
  }

  Stream& get_or_create(uint32_t id, bool odd_allowed) {
    if (Stream* s = streams.find(id)) return *s;
    return begin_new_stream(id, odd_allowed);
  }

  // Keeps the open-stream counters right and queues closed streams to be forgotten.
  void after_transition(Stream& s, bool was_open) {
    const bool now_open = s.sm.counts_as_open();
    if (was_open != now_open) {
      size_t& counter = is_outbound(s.sm.stream_id()) ? open_outbound : open_inbound;
      counter = now_open ? counter + 1 : counter - 1;
    }
    if (s.sm.state() == StreamState::kClosed) closing.push_back(s.sm.stream_id());
  }

  StreamOutcome transition(Stream& s, StreamInput input) {
    const bool was_open = s.sm.counts_as_open();
    try {
      const StreamOutcome outcome = s.sm.process_input(input);
      after_transition(s, was_open);
      return outcome;
    } catch (...) {
      after_transition(s, was_open);
      throw;
    }
  }

  // Replaces a stream's machine with one advanced on a copy (send path: validated first).
  void commit(Stream& s, const StreamStateMachine& advanced) {
    const bool was_open = s.sm.counts_as_open();
    s.sm = advanced;
    after_transition(s, was_open);
  }

  // Moves closed streams to the bounded closed-stream memory (BEHAVIOUR.md §2.2).
  void forget_closed_streams() {
    for (uint32_t id : closing) {
      Stream* s = streams.find(id);
      if (!s || s->sm.state() != StreamState::kClosed) continue;
      closed.insert(id, s->sm.closed_by());
      streams.erase(id);
      free_streams.push_back(s);
    }
    closing.clear();
  }

  // ---- output ----

  ByteBuffer& out() {
    // Reclaim what data_to_send already handed out before writing more.
    if (c.out_start_ != 0 && (c.out_start_ == c.out_.size() || c.out_start_ > c.out_.size() / 2)) {
      c.out_.consume(c.out_start_);
      c.out_start_ = 0;
    }
    return c.out_;
  }

  void terminate_connection(ErrorCode code) {
    try {
      c.state_machine_.process_input(ConnectionInput::kSendGoaway);
    } catch (const ProtocolError&) {
    }
    frame::write_goaway(out(), c.highest_inbound_, code);
  }

  // ---- receive path ----

  void add_event(Event e) { events.push_back(std::move(e)); }
  // Constructs an event of type T in place and returns it to be filled in: the hot events are
  // written field by field into the vector rather than built and moved (which stalls on
  // store-to-load forwarding of the small optional members).
  template <typename T>
  T& new_event() {
    T* e = std::get_if<T>(&events.emplace_back(std::in_place_type<T>));
    if (e == nullptr) __builtin_unreachable();  // it was just made a T
    return *e;
  }
  template <typename T>
  void fill_header_event(T& e, uint32_t id, bool ended,
                         const std::optional<frame::PrioritySpec>& prio) {
    e.stream_id = id;
    if constexpr (requires { e.stream_ended; })
      if (ended) e.stream_ended.emplace().stream_id = id;
    if (prio) {
      PriorityUpdated& p = e.priority_updated.emplace();
      p.stream_id = id;
      p.weight = static_cast<uint16_t>(prio->weight + 1);
      p.depends_on = prio->depends_on;
      p.exclusive = prio->exclusive;
    }
  }

  // Records that event `index` owns the fields of `block`; the spans are set once all frames
  // of the call are processed, when header_store no longer moves.
  void attach_headers(size_t index, Block block) { hs().pending_headers.push_back({index, block}); }

  // Only called for blocks decoded in this call: the scratch exists.
  HeaderList fields(Block b) const { return {scratch->header_store.data() + b.offset, b.count}; }
  const Token* tokens(Block b) const { return scratch->token_store.data() + b.offset; }

  void resolve_header_spans() {
    if (!scratch) return;
    for (const PendingHeaders& p : scratch->pending_headers) {
      const HeaderList span = fields(p.block);
      std::visit(
          [&](auto& e) {
            if constexpr (requires { e.headers; }) e.headers = span;
          },
          events[p.event]);
    }
    scratch->pending_headers.clear();
  }

  // HPACK-decodes a complete block onto the end of header_store (strings owned by this call's
  // arena) and classifies its names.
  Block decode_block(Bytes fragment) {
    HeaderScratch& h = hs();
    std::vector<Header>& header_store = h.header_store;
    std::vector<Token>& token_store = h.token_store;
    const size_t offset = header_store.size();
    token_store.resize(offset);  // a failed block may have left fields behind
    const InboundBlockMemo::Plan memo = c.config_.memoize_header_blocks
                                            ? h.in_memo.plan(fragment.size())
                                            : InboundBlockMemo::Plan{};
    uint64_t generation = 0;
    if (memo.look || memo.keep) generation = decoder.state_generation();
    if (memo.look) {
      if (InboundBlockMemo::Decoded* d = h.in_memo.find(fragment, generation)) {
        header_store.insert(header_store.end(), d->fields.begin(), d->fields.end());
        token_store.insert(token_store.end(), d->tokens, d->tokens + d->fields.size());
        return {offset, d->fields.size(), d->checked_values, d->summary, d};
      }
    }
    if (hpack::DecodeError err =
            decoder.decode_stable(fragment, header_store, h.arena, &token_store, &h.table_views)) {
      if (err.kind == hpack::DecodeErrorKind::kHeaderListTooLarge)
        throw DenialOfServiceError("Oversized header block: " +
                                   std::string(hpack::describe(err.kind)));
      throw ProtocolError("Error decoding header block: " + std::string(hpack::describe(err.kind)),
                          err.code());
    }
    // Static names came with their token (a token is the static index for those); the rest
    // are classified here. The decoder's kValueChecked bits move to the block's mask.
    // The same pass gathers the block's summary for the inbound rules.
    // (Locals and raw pointers: a store through the one-byte tokens may alias anything, so
    // members and vector internals would be reloaded after each.)
    const size_t count = header_store.size() - offset;
    const Header* const fields = header_store.data() + offset;
    Token* const tokens = token_store.data() + offset;
    uint64_t checked = 0;
    static_assert(hpack::kValueChecked == 0x80);
    for (size_t i = 0; i < count; ++i) {
      const uint8_t named = tokens[i];
      const uint64_t flag = named >> 7;  // hpack::kValueChecked
      checked |= i < 64 ? flag << i : 0;
      Token token = named & static_cast<uint8_t>(~hpack::kValueChecked);
      if (token == 0) token = field_name::classify(fields[i].name);
      tokens[i] = token;
    }
    rules::InboundSummary summary;
    summary.gather(fields, tokens, count);
    if (memo.keep && decoder.state_generation() == generation)
      h.in_memo.remember(fragment, generation, {fields, count}, tokens, checked, summary);
    return {offset, count, checked, summary};
  }

  static HeaderValidationFlags validation_flags(const StreamStateMachine& sm,
                                                StreamOutcome outcome) {
    HeaderValidationFlags f;
    f.is_client = sm.client().value_or(false);
    f.is_trailer =
        outcome == StreamOutcome::kTrailersReceived || outcome == StreamOutcome::kTrailersSent;
    f.is_response_header = outcome == StreamOutcome::kResponseReceived ||
                           outcome == StreamOutcome::kResponseSent ||
                           outcome == StreamOutcome::kInformationalReceived ||
                           outcome == StreamOutcome::kInformationalSent;
    f.is_push_promise = outcome == StreamOutcome::kPushedStreamReceived ||
                        outcome == StreamOutcome::kPushedRequestSent;
    return f;
  }

  // Everything the checks of process_received_headers depend on besides the fields: a block
  // from the memo that passed them under the same key passes again.
  unsigned checks_key(const HeaderValidationFlags& f) const noexcept {
    const H2Configuration& cfg = c.config_;
    return unsigned{f.is_client} | unsigned{f.is_trailer} << 1 |
           unsigned{f.is_response_header} << 2 | unsigned{f.is_push_promise} << 3 |
           unsigned{cfg.normalize_inbound_headers} << 4 |
           unsigned{cfg.validate_inbound_headers} << 5 |
           unsigned{cfg.header_encoding == HeaderEncoding::kUtf8} << 6;
  }

  // Inbound normalization (in place) and validation (§2.10), then the header_encoding check.
  // (In place: a Block is several words, not worth copying into the call and back out.)
  void process_received_headers(Block& block, const HeaderValidationFlags& flags) {
    if (c.config_.normalize_inbound_headers && block.summary.has(field_name::kCookie)) {
      HeaderScratch& h = hs();
      block.count = rules::normalize_inbound_in_place(h.header_store.data() + block.offset,
                                                      h.token_store.data() + block.offset,
                                                      block.count, h.arena, &block.checked_values);
    }
    const unsigned key = checks_key(flags);
    if (block.memo && block.memo->passed_checks[key]) return;
    if (c.config_.validate_inbound_headers)
      rules::validate_inbound(fields(block), tokens(block), flags, block.checked_values,
                              block.summary);
    if (c.config_.header_encoding == HeaderEncoding::kUtf8) {
      for (const Header& h : fields(block))
        if (!is_valid_utf8(h.name) || !is_valid_utf8(h.value))
          throw ProtocolError("Received header that is not valid UTF-8");
    }
    if (block.memo) block.memo->passed_checks.set(key);
  }

  void initialize_content_length(Stream& s, const Block& block) {
    s.actual_content_length = 0;
    if (s.sent_head_request) {
      s.expected_content_length = 0;  // a response to HEAD has no body (RFC 9110 §9.3.2)
      return;
    }
    if (InboundBlockMemo::Decoded* memo = block.memo) {
      if (!memo->length_parsed) {
        memo->has_length = block.summary.has(field_name::kContentLength) &&
                           rules::parse_content_length(fields(block), tokens(block), memo->length);
        memo->length_parsed = true;
      }
      if (memo->has_length)
        s.expected_content_length = memo->length;
      else
        s.expected_content_length.reset();
      return;
    }
    uint64_t length;
    if (block.summary.has(field_name::kContentLength) &&
        rules::parse_content_length(fields(block), tokens(block), length)) {
      s.expected_content_length = length;
    } else {
      s.expected_content_length.reset();
    }
  }

  void track_content_length(Stream& s, size_t length, bool end_stream) {
    const uint64_t received = s.actual_content_length + length;
    s.actual_content_length = received;
    if (!s.expected_content_length) return;
    const uint64_t expected = *s.expected_content_length;
    if (received > expected || (end_stream && received != expected))
      throw InvalidBodyLengthError(expected, received);
  }

  void on_frame(const frame::Frame& f);
  void on_header_block(Bytes fragment);
  void on_headers(uint32_t id, bool end_stream, const std::optional<frame::PrioritySpec>& prio,
                  Bytes fragment);
  void on_push_promise(uint32_t id, uint32_t promised, Bytes fragment);
  void on_data(const frame::DataFrame& f);
  void report_data(Stream& s, const frame::DataFrame& f, uint32_t flow_controlled_length);
  void credit_connection(uint32_t size);
  void on_settings(const frame::SettingsFrame& f);
  void on_window_update(const frame::WindowUpdateFrame& f);
  void on_rst_stream(const frame::RstStreamFrame& f);
  void on_altsvc(const frame::AltsvcFrame& f);
  void on_stream_frame_error(const frame::FrameError& e);
  void log_frame(const frame::Reader::Result& r) const;
  void apply_local_settings(const ChangedSettings& changes);
  void apply_remote_settings(const ChangedSettings& changes);
  void dispatch_guarded(const frame::Frame& f);

  // ---- send path ----

  // Normalizes, validates and HPACK-encodes `headers`, appending the block to `dest`.
  // Nothing that can fail comes after a change to the encoder's table, so a rejected call
  // leaves the HPACK context untouched (`dest` may then hold part of a block: the caller cuts
  // it off). A list identical to the last one, with nothing changed that could shape its
  // block, is answered from the memo (header_block_memo.h).
  void encode_headers_to(HeaderList headers, const HeaderValidationFlags& flags,
                         ByteBuffer& dest) {
    HeaderScratch& s = hs();
    const H2Configuration& cfg = c.config_;
    const uint32_t key = HeaderBlockMemo::key(flags, cfg.normalize_outbound_headers,
                                              cfg.split_outbound_cookies,
                                              cfg.validate_outbound_headers);
    const uint64_t generation = encoder.state_generation();
    const bool memoize = cfg.memoize_header_blocks;
    if (memoize)
      if (const ByteBuffer* block = s.memo.find(headers, key, generation)) {
        dest.append(block->view());
        return;
      }
    const HeaderList original = headers;
    const size_t start = dest.size();
    auto block = [&] { return Bytes(dest.data() + start, dest.size() - start); };
    rules::OutboundSummary summary;
    if (cfg.normalize_outbound_headers && s.one_pass_pause == 0) {
      // The usual block: already normalized, encoded in the pass that checks it, without
      // touching the encoder's table, so validation's whole-block rules can still refuse it.
      if (rules::encode_if_normalized(headers, cfg.split_outbound_cookies, encoder, dest,
                                      summary)) {
        if (cfg.validate_outbound_headers)
          rules::validate_outbound(headers, /*tokens=*/nullptr, summary, flags);
        if (memoize) s.memo.remember(original, key, generation, block());
        return;
      }
      s.one_pass_pause = 8;
    } else if (s.one_pass_pause != 0) {
      --s.one_pass_pause;
    }
    s.out_arena.reset();
    if (c.config_.normalize_outbound_headers) {
      // Usually the caller's list is already normalized: then it is encoded as it is,
      // without a normalized copy.
      if (!rules::classify_if_normalized(headers, cfg.split_outbound_cookies, s.out_tokens,
                                         summary)) {
        rules::normalize_outbound(headers, cfg.split_outbound_cookies, s.out_arena,
                                  s.out_headers, s.out_tokens, summary);
        headers = s.out_headers;
      }
    } else {
      rules::classify_outbound(headers, s.out_tokens, summary);
    }
    if (c.config_.validate_outbound_headers)
      rules::validate_outbound(headers, s.out_tokens.data(), summary, flags);
    encoder.encode(headers, s.out_tokens, dest);
    if (memoize && encoder.state_generation() == generation)
      s.memo.remember(original, key, generation, block());
    else
      s.memo.forget();  // this encoding changed the table: the same list encodes differently
  }

  // The same, into the scratch block buffer; returns the block (valid until the next call).
  Bytes encode_headers(HeaderList headers, const HeaderValidationFlags& flags) {
    HeaderScratch& s = hs();
    s.out_block.clear();
    encode_headers_to(headers, flags, s.out_block);
    return s.out_block.view();
  }

  void require_connection_input(ConnectionInput input) const {
    // Local misuse leaves the connection as it was (unlike h2, which closes its state machine).
    if (!ConnectionStateMachine::allowed(c.state_machine_.state(), input))
      throw ProtocolError("Invalid input " + std::string(to_string(input)) + " in state " +
                          std::string(to_string(c.state_machine_.state())));
  }
};

// ---- Receive path -------------------------------------------------------------------------

void H2Connection::Impl::dispatch_guarded(const frame::Frame& f) {
  // h2's _receive_frame: stream-closed conditions become RST_STREAM where the stream was
  // reset, and connection errors otherwise.
  try {
    on_frame(f);
  } catch (const StreamClosedError& e) {
    if (!closed_by_reset(e.stream_id)) throw;
    frame::write_rst_stream(out(), e.stream_id, e.error_code());
    if (e.reset_required())
      add_event(StreamReset{e.stream_id, ErrorCode::kStreamClosed, /*remote_reset=*/false});
  } catch (const StreamIDTooLowError& e) {
    if (closed_by_reset(e.stream_id)) {
      frame::write_rst_stream(out(), e.stream_id, ErrorCode::kStreamClosed);
    } else if (closed_by_end(e.stream_id)) {
      throw StreamClosedError(e.stream_id);
    } else {
      throw;
    }
  }
}

void H2Connection::Impl::on_frame(const frame::Frame& f) {
  std::visit(
      [this](const auto& fr) {
        using T = std::decay_t<decltype(fr)>;
        if constexpr (std::is_same_v<T, frame::DataFrame>) {
          on_data(fr);
        } else if constexpr (std::is_same_v<T, frame::HeadersFrame>) {
          if (fr.end_headers()) {
            on_headers(fr.stream_id, fr.end_stream(), fr.priority, fr.fragment);
          } else {
            in_block = true;
            block_is_push = false;
            block_stream = fr.stream_id;
            block_end_stream = fr.end_stream();
            block_priority = fr.priority;
            block_frames = 1;
            hs().block_buffer.clear();
            hs().block_buffer.append(fr.fragment);
          }
        } else if constexpr (std::is_same_v<T, frame::PushPromiseFrame>) {
          if (fr.end_headers()) {
            on_push_promise(fr.stream_id, fr.promised_stream_id, fr.fragment);
          } else {
            in_block = true;
            block_is_push = true;
            block_stream = fr.stream_id;
            block_promised = fr.promised_stream_id;
            block_frames = 1;
            hs().block_buffer.clear();
            hs().block_buffer.append(fr.fragment);
          }
        } else if constexpr (std::is_same_v<T, frame::ContinuationFrame>) {
          if (!in_block) {
            // A CONTINUATION without a block in progress: a connection error PROTOCOL_ERROR
            // whatever the stream's state (RFC 9113 §6.10; h2 4.4.1 too for a live stream,
            // docs/behaviour-differences.md for forgotten ones).
            throw ProtocolError("Received unexpected CONTINUATION frame");
          }
          if (++block_frames > c.config_.limits.max_continuation_frames &&
              c.config_.limits.max_continuation_frames != 0)
            throw ProtocolError("Too many CONTINUATION frames in one header block");
          if (c.config_.limits.max_header_block_bytes != 0 &&
              hs().block_buffer.size() + fr.fragment.size() >
                  c.config_.limits.max_header_block_bytes)
            throw DenialOfServiceError("Header block larger than the configured limit");
          hs().block_buffer.append(fr.fragment);
          if (fr.end_headers()) {
            in_block = false;
            on_header_block(hs().block_buffer.view());
          }
        } else if constexpr (std::is_same_v<T, frame::PriorityFrame>) {
          c.state_machine_.process_input(ConnectionInput::kRecvPriority);
          count_priority_frame();
          add_event(PriorityUpdated{fr.stream_id, static_cast<uint16_t>(fr.priority.weight + 1),
                                    fr.priority.depends_on, fr.priority.exclusive});
        } else if constexpr (std::is_same_v<T, frame::RstStreamFrame>) {
          on_rst_stream(fr);
        } else if constexpr (std::is_same_v<T, frame::SettingsFrame>) {
          on_settings(fr);
        } else if constexpr (std::is_same_v<T, frame::PingFrame>) {
          c.state_machine_.process_input(ConnectionInput::kRecvPing);
          if (fr.ack) {
            add_event(PingAckReceived{fr.opaque_data});
          } else {
            count_queued_ack(queued_ping_acks, c.config_.limits.max_queued_ping_acks,
                             "Too many PING ACKs queued");
            frame::write_ping(out(), fr.opaque_data, /*ack=*/true);
            add_event(PingReceived{fr.opaque_data});
          }
        } else if constexpr (std::is_same_v<T, frame::GoawayFrame>) {
          if (c.config_.complete_streams_after_goaway && fr.error_code == ErrorCode::kNoError &&
              c.state() != ConnectionState::kClosed) {
            // RFC 9113 §6.8: streams up to last_stream_id may still complete; only new
            // streams are off (send_headers / push_stream check remote_goaway).
            remote_goaway = true;
          } else {
            c.state_machine_.process_input(ConnectionInput::kRecvGoaway);
            c.clear_outbound_data_buffer();  // nothing more may be sent (h2)
          }
          ConnectionTerminated e{fr.error_code, fr.last_stream_id, std::nullopt};
          if (!fr.debug_data.empty()) e.additional_data = fr.debug_data;
          add_event(e);
        } else if constexpr (std::is_same_v<T, frame::WindowUpdateFrame>) {
          on_window_update(fr);
        } else if constexpr (std::is_same_v<T, frame::AltsvcFrame>) {
          on_altsvc(fr);
        } else if constexpr (std::is_same_v<T, frame::UnknownFrame>) {
          add_event(UnknownFrameReceived{fr});
        } else {
          // ORIGIN and PRIORITY_UPDATE: the reader hands them out as UnknownFrames here.
          (void)fr;
        }
      },
      f);
}

void H2Connection::Impl::on_header_block(Bytes fragment) {
  if (block_is_push) {
    on_push_promise(block_stream, block_promised, fragment);
  } else {
    on_headers(block_stream, block_end_stream, block_priority, fragment);
  }
}

void H2Connection::Impl::on_headers(uint32_t id, bool end_stream,
                                    const std::optional<frame::PrioritySpec>& prio,
                                    Bytes fragment) {
  bool refuse = false;
  if (!streams.find(id)) {
    const uint64_t max_open = c.local_settings_.max_concurrent_streams();
    if (open_inbound + 1 > max_open) {
      if (!c.config_.refuse_excess_streams || is_outbound(id))
        throw TooManyStreamsError("Max outbound streams is " + std::to_string(max_open) + ", " +
                                  std::to_string(open_inbound) + " open");
      refuse = true;
    }
  }
  if (refuse) {
    // RFC 9113 §5.1.2: a stream error. Decoded first so HPACK stays in step; remembered as
    // reset by us, so its late frames are answered with RST_STREAM, not a connection error.
    check_new_stream_id(id, /*odd_allowed=*/!c.config_.client_side);
    decode_block(fragment);
    c.highest_inbound_ = id;
    closed.insert(id, StreamClosedBy::kSendRstStream);
    frame::write_rst_stream(out(), id, ErrorCode::kRefusedStream);
    return;
  }
  if (fragment.empty() && !end_stream) count_empty_frame();
  // Decoded first, always: the peer's encoder has advanced whatever happens to the stream.
  Block block = decode_block(fragment);
  if (draining && !is_outbound(id) && id > drain_last && !streams.find(id)) {
    // After our GOAWAY, streams above its last-stream-id are not processed (RFC 9113 §6.8).
    if (id > c.highest_inbound_) c.highest_inbound_ = id;
    frame::write_rst_stream(out(), id, ErrorCode::kRefusedStream);
    return;
  }
  c.state_machine_.process_input(ConnectionInput::kRecvHeaders);
  Stream& s = get_or_create(id, /*odd_allowed=*/!c.config_.client_side);

  StreamInput input = StreamInput::kRecvHeaders;
  // (Only a block with a :status can be informational: requests skip the scan.)
  if ((block.summary.pseudo & rules::pseudo::kStatus) != 0 &&
      is_informational_response(fields(block), tokens(block))) {
    if (end_stream) throw ProtocolError("Cannot set END_STREAM on informational responses");
    input = StreamInput::kRecvInformationalHeaders;
  }
  const StreamOutcome outcome = transition(s, input);
  if (end_stream) transition(s, StreamInput::kRecvEndStream);
  initialize_content_length(s, block);
  if (outcome == StreamOutcome::kTrailersReceived && !end_stream)
    throw ProtocolError("Trailers must have END_STREAM set");
  // RFC 9113 §8.1.1: a message that ends with its headers must not announce a body.
  if (end_stream && outcome != StreamOutcome::kTrailersReceived && s.expected_content_length &&
      *s.expected_content_length != 0 &&
      find_header(fields(block), tokens(block), field_name::kStatus) != "304")
    throw InvalidBodyLengthError(*s.expected_content_length, 0);

  process_received_headers(block, validation_flags(s.sm, outcome));
  const Block& processed = block;

  if (prio && prio->depends_on == id) {
    // RFC 9113 §5.3.1: a stream error. The block was decoded (HPACK stays in sync) but the
    // stream is refused.
    transition(s, StreamInput::kSendRstStream);
    frame::write_rst_stream(out(), id, ErrorCode::kProtocolError);
    add_event(StreamReset{id, ErrorCode::kProtocolError, /*remote_reset=*/false});
    return;
  }
  const size_t index = events.size();
  switch (outcome) {
    case StreamOutcome::kRequestReceived:
      fill_header_event(new_event<RequestReceived>(), id, end_stream, prio);
      break;
    case StreamOutcome::kResponseReceived:
      fill_header_event(new_event<ResponseReceived>(), id, end_stream, prio);
      break;
    case StreamOutcome::kTrailersReceived:
      fill_header_event(new_event<TrailersReceived>(), id, end_stream, prio);
      break;
    default:
      fill_header_event(new_event<InformationalResponseReceived>(), id, end_stream, prio);
      break;
  }
  attach_headers(index, processed);
  if (end_stream) new_event<StreamEnded>().stream_id = id;
  if (prio) {
    PriorityUpdated& p = new_event<PriorityUpdated>();
    p.stream_id = id;
    p.weight = static_cast<uint16_t>(prio->weight + 1);
    p.depends_on = prio->depends_on;
    p.exclusive = prio->exclusive;
  }
}

void H2Connection::Impl::on_push_promise(uint32_t id, uint32_t promised, Bytes fragment) {
  if (!c.local_settings_.enable_push()) throw ProtocolError("Received pushed stream");
  Block block = decode_block(fragment);
  c.state_machine_.process_input(ConnectionInput::kRecvPushPromise);
  Stream* parent = streams.find(id);
  if (!parent) {
    // Promised on a stream we reset: it was in flight, refuse the new stream (§6.6).
    if (closed_by(id) == StreamClosedBy::kSendRstStream) {
      frame::write_rst_stream(out(), promised, ErrorCode::kRefusedStream);
      return;
    }
    throw ProtocolError("Attempted to push on closed stream.");
  }
  if (id % 2 == 0) throw ProtocolError("Cannot recursively push streams.");
  StreamOutcome outcome;
  try {
    outcome = transition(*parent, StreamInput::kRecvPushPromise);
  } catch (const StreamClosedError&) {
    frame::write_rst_stream(out(), promised, ErrorCode::kRefusedStream);
    return;
  }
  process_received_headers(block, validation_flags(parent->sm, outcome));
  const Block& processed = block;
  Stream& pushed = begin_new_stream(promised, /*odd_allowed=*/false);
  transition(pushed, StreamInput::kRecvPushPromise);
  if (auto authority = find_header(fields(processed), tokens(processed), field_name::kAuthority))
    pushed.set_authority(*authority);
  const size_t index = events.size();
  add_event(PushedStreamReceived{promised, id, {}});
  attach_headers(index, processed);
}

// DATA nobody will read (its stream is gone): acknowledged at once against the connection
// window only, so a peer cannot stall the connection with it (h2 3.2.0).
void H2Connection::Impl::credit_connection(uint32_t size) {
  if (auto increment = inbound_window.process_bytes(size))
    frame::write_window_update(out(), 0, *increment);
}

// Reports one DATA frame (or piece) on a live stream: content-length, the event, END_STREAM.
void H2Connection::Impl::report_data(Stream& s, const frame::DataFrame& f,
                                     uint32_t flow_controlled_length) {
  track_content_length(s, f.data.size(), f.end_stream());
  if (f.end_stream()) transition(s, StreamInput::kRecvEndStream);
  DataReceived& e = new_event<DataReceived>();
  e.stream_id = f.stream_id;
  e.data = f.data;
  e.flow_controlled_length = flow_controlled_length;
  if (f.end_stream()) {
    e.stream_ended.emplace().stream_id = f.stream_id;
    new_event<StreamEnded>().stream_id = f.stream_id;
  }
}

void H2Connection::Impl::on_data(const frame::DataFrame& f) {
  if (!f.first) {
    // A later piece of a frame whose first piece was accepted: more payload, same stream.
    if (dropping_data) {
      if (crediting_dropped_data) credit_connection(static_cast<uint32_t>(f.data.size()));
      if (f.last) dropping_data = false;
      return;
    }
    Stream* live = streams.find(f.stream_id);
    if (!live) {
      // We reset the stream between two pieces of the frame. As for DATA on a closed stream:
      // one RST_STREAM(STREAM_CLOSED) for the frame, and the rest of its payload (never
      // reported) is credited back to the connection window.
      frame::write_rst_stream(out(), f.stream_id, ErrorCode::kStreamClosed);
      credit_connection(static_cast<uint32_t>(f.data.size()));
      dropping_data = !f.last;
      crediting_dropped_data = true;
      return;
    }
    report_data(*live, f, static_cast<uint32_t>(f.data.size()));
    return;
  }
  dropping_data = false;
  crediting_dropped_data = false;
  c.state_machine_.process_input(ConnectionInput::kRecvData);
  if (f.flow_controlled_length == 0 && !(f.flags & frame::flags::kEndStream)) count_empty_frame();
  inbound_window.window_consumed(f.flow_controlled_length);
  // The padding and pad-length octet count once, with the first piece.
  const uint32_t overhead = f.padded() ? f.pad_length + 1u : 0u;
  try {
    Stream& s = get_stream(f.stream_id);
    transition(s, StreamInput::kRecvData);
    s.inbound.window_consumed(f.flow_controlled_length);
    report_data(s, f, static_cast<uint32_t>(f.data.size()) + overhead);
  } catch (const StreamClosedError& e) {
    // DATA on a closed stream: a stream error, but the connection window is credited back
    // so the peer cannot stall it (h2 3.2.0).
    credit_connection(f.flow_controlled_length);
    frame::write_rst_stream(out(), e.stream_id, e.error_code());
    if (e.reset_required())
      add_event(StreamReset{e.stream_id, ErrorCode::kStreamClosed, /*remote_reset=*/false});
    dropping_data = !f.last;
  }
}

void H2Connection::Impl::on_settings(const frame::SettingsFrame& f) {
  c.state_machine_.process_input(ConnectionInput::kRecvSettings);
  if (f.ack) {
    // A spurious ACK (nothing in flight) changes nothing.
    ChangedSettings changes;
    if (!settings_in_flight.empty()) {
      changes = c.local_settings_.acknowledge(settings_in_flight.front());
      settings_in_flight.erase(settings_in_flight.begin());
    }
    apply_local_settings(changes);
    add_event(SettingsAcknowledged{std::move(changes)});
    return;
  }
  // One entry per setting in the frame; a repeated setting keeps its first place and takes
  // the last value (h2 reads the frame into a dict).
  ChangedSettings changed;
  for (const frame::Setting s : f.settings) {
    auto it = std::find_if(changed.begin(), changed.end(),
                           [&](const ChangedSetting& cs) { return cs.setting == s.id; });
    if (it != changed.end()) {
      it->new_value = s.value;
    } else {
      changed.push_back({s.id, c.remote_settings_.get(s.id), s.value});
    }
  }
  for (const ChangedSetting& cs : changed) {
    // A server may not enable push for itself (RFC 9113 §6.5.2).
    if (c.config_.client_side && cs.setting == kEnablePush && cs.new_value != 0)
      throw InvalidSettingsValueError("Server sent ENABLE_PUSH=" + std::to_string(cs.new_value),
                                      ErrorCode::kProtocolError);
    c.remote_settings_.set(cs.setting, cs.new_value);
  }
  apply_remote_settings(c.remote_settings_.acknowledge());
  count_queued_ack(queued_settings_acks, c.config_.limits.max_queued_settings_acks,
                   "Too many SETTINGS ACKs queued");
  frame::write_settings_ack(out());
  add_event(RemoteSettingsChanged{std::move(changed)});
}

void H2Connection::Impl::apply_local_settings(const ChangedSettings& changes) {
  if (const ChangedSetting* cs = find_change(changes, kInitialWindowSize)) {
    const int64_t delta = int64_t{cs->new_value} - int64_t{cs->original_value.value_or(65535)};
    streams.for_each([&](uint32_t id, Stream* s) {
      s->inbound.adjust_max(delta);
      // Bytes the application acknowledged but that stayed below the update threshold must
      // be reconsidered against the new target: after a shrink no more DATA can arrive to
      // trigger the update, and the stream would stall (h2 stalls here).
      if (!s->sm.counts_as_open()) return;
      if (auto increment = s->inbound.process_bytes(0))
        frame::write_window_update(out(), id, *increment);
    });
  }
  if (const ChangedSetting* cs = find_change(changes, kMaxHeaderListSize))
    decoder.set_max_header_list_size(cs->new_value);
  if (const ChangedSetting* cs = find_change(changes, kMaxFrameSize)) {
    c.max_inbound_frame_size_ = cs->new_value;
    // At once, for the frames after the ACK in this same read (h2 waits for the next
    // receive_data call and refuses a larger frame that follows the ACK in the same bytes).
    reader.set_max_frame_size(cs->new_value);
  }
  if (const ChangedSetting* cs = find_change(changes, kHeaderTableSize))
    decoder.set_max_allowed_table_size(cs->new_value);
}

void H2Connection::Impl::apply_remote_settings(const ChangedSettings& changes) {
  if (const ChangedSetting* cs = find_change(changes, kInitialWindowSize)) {
    // RFC 9113 §6.9.2: every stream send window moves by the delta; the connection's doesn't.
    const int64_t delta = int64_t{cs->new_value} - int64_t{cs->original_value.value_or(65535)};
    streams.for_each([&](uint32_t, Stream* s) {
      const int64_t w = s->outbound_window + delta;
      if (w > int64_t{kMaxWindowIncrement})
        throw FlowControlError("Flow control window mustn't exceed 2^31 - 1");
      s->outbound_window = w;
    });
  }
  if (const ChangedSetting* cs = find_change(changes, kHeaderTableSize))
    encoder.set_max_table_size(cs->new_value);
  if (const ChangedSetting* cs = find_change(changes, kMaxFrameSize))
    c.max_outbound_frame_size_ = cs->new_value;
}

void H2Connection::Impl::on_window_update(const frame::WindowUpdateFrame& f) {
  c.state_machine_.process_input(ConnectionInput::kRecvWindowUpdate);
  if (f.stream_id == 0) {
    const int64_t w = c.outbound_window_ + f.increment;
    if (w > int64_t{kMaxWindowIncrement})
      throw FlowControlError("Flow control window mustn't exceed 2^31 - 1");
    c.outbound_window_ = w;
    add_event(WindowUpdated{0, f.increment});
    return;
  }
  Stream* s = streams.find(f.stream_id);
  if (!s) {
    if (!seen(f.stream_id)) throw NoSuchStreamError(f.stream_id);  // idle stream
    return;  // late WINDOW_UPDATE for a forgotten stream: ignored (RFC 9113 §5.1)
  }
  if (transition(*s, StreamInput::kRecvWindowUpdate) == StreamOutcome::kNone) return;
  const int64_t w = s->outbound_window + f.increment;
  if (w > int64_t{kMaxWindowIncrement}) {
    // A stream-level flow-control error (RFC 9113 §6.9.1): reset only this stream.
    transition(*s, StreamInput::kSendRstStream);
    frame::write_rst_stream(out(), f.stream_id, ErrorCode::kFlowControlError);
    add_event(StreamReset{f.stream_id, ErrorCode::kFlowControlError, /*remote_reset=*/false});
    return;
  }
  s->outbound_window = w;
  add_event(WindowUpdated{f.stream_id, f.increment});
}

void H2Connection::Impl::on_rst_stream(const frame::RstStreamFrame& f) {
  c.state_machine_.process_input(ConnectionInput::kRecvRstStream);
  Stream* s = streams.find(f.stream_id);
  if (!s) {
    // RFC 9113 §5.1: RST_STREAM on an idle stream is a connection error (h2 ignores it);
    // on a stream closed and forgotten it is ignored.
    if (!seen(f.stream_id)) throw ProtocolError("RST_STREAM on an idle stream");
    return;
  }
  // Reset by the peer before we sent anything back: the rapid-reset pattern.
  if (!is_outbound(f.stream_id) && !s->sm.headers_sent() &&
      s->sm.state() != StreamState::kClosed)
    count_rapid_reset();
  if (transition(*s, StreamInput::kRecvRstStream) == StreamOutcome::kStreamReset)
    add_event(StreamReset{f.stream_id, f.error_code, /*remote_reset=*/true});
}

void H2Connection::Impl::on_altsvc(const frame::AltsvcFrame& f) {
  c.state_machine_.process_input(ConnectionInput::kRecvAlternativeService);
  if (f.stream_id == 0) {
    // RFC 7838 §4: meaningful only to a client, and only with an origin.
    if (f.origin.empty() || !c.config_.client_side) return;
    add_event(AlternativeServiceAvailable{as_string_view(f.origin), f.field_value});
    return;
  }
  Stream* s = streams.find(f.stream_id);
  if (!s || !f.origin.empty()) return;  // an origin on a stream must be ignored (§4)
  if (transition(*s, StreamInput::kRecvAlternativeService) ==
      StreamOutcome::kAlternativeServiceAvailable)
    add_event(AlternativeServiceAvailable{hs().arena.copy(s->origin()), f.field_value});
}

// h2's trace log: one line per frame received (only when a trace sink is set).
void H2Connection::Impl::log_frame(const frame::Reader::Result& r) const {
  std::string line = "Received frame ";
  line += frame::frame_type_name(r.header.type);
  line += " stream=" + std::to_string(r.header.stream_id) +
          " flags=" + std::to_string(r.header.flags) + " length=" + std::to_string(r.header.length);
  if (r.status == frame::Reader::Status::kStreamError) {
    line += " (stream error: ";
    line += frame::describe(r.error.kind);
    line += ")";
  }
  c.config_.logger.trace(line);
}

void H2Connection::Impl::on_stream_frame_error(const frame::FrameError& e) {
  // A stream error found by the frame reader (RFC 9113 §5.4.2): reset that stream only.
  frame::write_rst_stream(out(), e.stream_id, e.code);
  Stream* s = streams.find(e.stream_id);
  if (!s || s->sm.state() == StreamState::kClosed || s->sm.state() == StreamState::kIdle) return;
  transition(*s, StreamInput::kSendRstStream);
  add_event(StreamReset{e.stream_id, e.code, /*remote_reset=*/false});
}

namespace {

[[noreturn]] void throw_frame_error(const frame::FrameError& e) {
  const std::string what(frame::describe(e.kind));
  switch (e.kind) {
    case frame::FrameErrorKind::kFrameTooLarge:
      throw FrameTooLargeError(what);
    case frame::FrameErrorKind::kBadLength:
    case frame::FrameErrorKind::kPaddingMissing:
    case frame::FrameErrorKind::kSettingsAckWithPayload:
      throw FrameDataMissingError(what);
    case frame::FrameErrorKind::kInvalidSettingValue:
      throw InvalidSettingsValueError(what, e.code);
    case frame::FrameErrorKind::kBadPreface:
      throw ProtocolError("Invalid HTTP/2 preamble");
    default:
      throw ProtocolError(what, e.code);
  }
}

}  // namespace

const std::vector<Event>& H2Connection::receive_data(Bytes data) {
  receive_events(data, EventSink{nullptr, nullptr});
  return impl_->events;
}

void H2Connection::receive_events(Bytes data, EventSink sink) {
  Impl& m = *impl_;
  if (m.receiving) throw std::logic_error("receive_data called from its own event handler");
  m.receiving = true;
  struct Done {
    Impl& m;
    ~Done() { m.receiving = false; }
  } done{m};
  m.clear_received();
  m.reader.set_max_frame_size(max_inbound_frame_size_);
  for (;;) {
    try {
      frame::Reader::Result r = m.reader.next(data);
      if (r.status == frame::Reader::Status::kNeedMore) break;
      if (r.status == frame::Reader::Status::kConnectionError) throw_frame_error(r.error);
      if (m.in_block && (r.header.type != static_cast<uint8_t>(frame::FrameType::kContinuation) ||
                         r.header.stream_id != m.block_stream))
        throw ProtocolError("Invalid frame during header block.");
      if (config_.logger.trace) [[unlikely]]
        m.log_frame(r);
      if (r.status == frame::Reader::Status::kStreamError) {
        m.on_stream_frame_error(r.error);
      } else {
        m.dispatch_guarded(r.frame);
      }
      m.forget_closed_streams();
      m.check_output_backlog();
    } catch (const ProtocolError& e) {
      m.forget_closed_streams();
      if (config_.logger.debug)
        config_.logger.debug("Terminating connection (GOAWAY " +
                             std::string(error_code_name(e.error_code())) + "): " + e.what());
      m.terminate_connection(e.error_code());
      m.events.clear();
      if (m.scratch) m.scratch->pending_headers.clear();
      throw;
    }
    if (sink.deliver != nullptr && !m.events.empty()) {
      // Visitor form: this frame's events go out now (outside the try: what the handler
      // throws is its own), then their storage is reused for the next frame.
      m.resolve_header_spans();
      for (const Event& e : m.events) sink.deliver(sink.context, e);
      m.clear_received();
    }
  }
  if (sink.deliver == nullptr) m.resolve_header_spans();
}

// ---- Send path ----------------------------------------------------------------------------

H2Connection::H2Connection(H2Configuration config)
    : config_(std::move(config)),
      local_settings_(config_.client_side, {{frame::setting_id::kMaxConcurrentStreams, 100},
                                            {kMaxHeaderListSize, kDefaultMaxHeaderListSize}}),
      remote_settings_(!config_.client_side),
      impl_(std::make_unique<Impl>(*this)) {
  if (!config_.client_side) impl_->reader.expect_client_preface();
  impl_->reader.set_parse_extensions(false);  // ORIGIN, PRIORITY_UPDATE: unknown to h2
}

H2Connection::~H2Connection() = default;

void H2Connection::initiate_connection() {
  state_machine_.process_input(ConnectionInput::kSendSettings);
  ByteBuffer& out = impl_->out();
  const std::vector<frame::Setting> settings = local_settings_.current();
  // Usually the first output: sized to fit (and the SETTINGS ACK that follows), not to the
  // buffer's default first size, so an idle connection keeps a small buffer. Steady traffic
  // grows it as needed.
  out.reserve(out.size() + frame::kClientPreface.size() + frame::kFrameHeaderSize * 2 +
              6 * settings.size());
  if (config_.client_side) out.append(frame::kClientPreface);
  frame::write_settings(out, settings);
  impl_->settings_in_flight.emplace_back();  // carries current values only
}

std::optional<std::string> H2Connection::initiate_upgrade_connection(
    std::optional<std::string_view> settings_header) {
  Impl& m = *impl_;
  std::optional<std::string> result;
  if (config_.client_side) {
    const std::vector<frame::Setting> settings = local_settings_.current();
    ByteBuffer payload;
    frame::write_settings(payload, settings);
    result = base64url_encode(payload.view().subspan(frame::kFrameHeaderSize));
  } else if (settings_header) {
    // Apply the client's settings as if received, without an ACK (RFC 7540 §3.2.1).
    const std::string payload = base64url_decode(*settings_header);
    if (payload.size() % 6 != 0) throw ProtocolError("Invalid HTTP2-Settings header length");
    for (frame::Setting s : frame::SettingsView(as_bytes(payload))) {
      Settings probe(!config_.client_side);  // validate all before applying any
      probe.set(s.id, s.value);
    }
    for (frame::Setting s : frame::SettingsView(as_bytes(payload)))
      remote_settings_.set(s.id, s.value);
    m.apply_remote_settings(remote_settings_.acknowledge());
  }
  initiate_connection();
  // Stream 1 carried the HTTP/1.1 request: half-closed on the client's side.
  if (config_.client_side) {
    Stream& s = m.begin_new_stream(1, /*odd_allowed=*/true);
    m.transition(s, StreamInput::kUpgradeClient);
    state_machine_.process_input(ConnectionInput::kSendHeaders);
  } else {
    Stream& s = m.begin_new_stream(1, /*odd_allowed=*/true);
    m.transition(s, StreamInput::kUpgradeServer);
    state_machine_.process_input(ConnectionInput::kRecvHeaders);
  }
  return result;
}

uint32_t H2Connection::get_next_available_stream_id() const {
  const uint32_t next =
      highest_outbound_ == 0 ? (config_.client_side ? 1u : 2u) : highest_outbound_ + 2;
  if (next > kHighestAllowedStreamId)
    throw NoAvailableStreamIDError("Exhausted allowed stream IDs");
  return next;
}

namespace {

frame::PrioritySpec priority_spec(uint32_t stream_id, const PriorityArgs& p) {
  const int weight = p.weight.value_or(16);
  if (weight < 1 || weight > 256) throw ProtocolError("Weight must be between 1 and 256");
  const uint32_t depends_on = p.depends_on.value_or(0);
  if (depends_on == stream_id) throw ProtocolError("Stream may not depend on itself");
  return frame::PrioritySpec{depends_on, static_cast<uint8_t>(weight - 1),
                             p.exclusive.value_or(false)};
}

}  // namespace

void H2Connection::send_headers(uint32_t stream_id, HeaderList headers, bool end_stream,
                                const PriorityArgs& priority) {
  Impl& m = *impl_;
  // Every check first: a refused call changes nothing, not even the HPACK context.
  std::optional<frame::PrioritySpec> spec;
  if (priority.present()) {
    if (!config_.client_side) throw RFC1122Error("Servers SHOULD NOT prioritize streams.");
    spec = priority_spec(stream_id, priority);
  }
  Stream* existing = m.streams.find(stream_id);
  if (!existing && m.remote_goaway)
    throw ProtocolError("The peer sent GOAWAY: no new streams may be opened");
  if (!existing) {
    const uint64_t max_open = remote_settings_.max_concurrent_streams();
    if (m.open_outbound + 1 > max_open)
      throw TooManyStreamsError("Max outbound streams is " + std::to_string(max_open) + ", " +
                                std::to_string(m.open_outbound) + " open");
  }
  m.require_connection_input(ConnectionInput::kSendHeaders);
  if (!existing) m.check_new_stream_id(stream_id, /*odd_allowed=*/config_.client_side);

  StreamStateMachine advanced = existing ? existing->sm : StreamStateMachine(stream_id);
  StreamInput input = StreamInput::kSendHeaders;
  if (advanced.client() != true && is_informational_response(headers)) {
    if (end_stream) throw ProtocolError("Cannot set END_STREAM on informational responses.");
    input = StreamInput::kSendInformationalHeaders;
  }
  const StreamOutcome outcome = advanced.process_input(input);
  if (end_stream) advanced.process_input(StreamInput::kSendEndStream);
  if (advanced.trailers_sent() && !end_stream)
    throw ProtocolError("Trailers must have END_STREAM set.");
  // The block is encoded straight into the output, after room for the HEADERS frame header:
  // no copy when it fits one frame (the usual case); a refused call cuts it off again.
  ByteBuffer& out = m.out();
  const size_t frame_start = out.size();
  out.extend(frame::kFrameHeaderSize);
  try {
    m.encode_headers_to(headers, m.validation_flags(advanced, outcome), out);
  } catch (...) {
    out.shrink_by(out.size() - frame_start);
    throw;
  }
  const size_t block_size = out.size() - frame_start - frame::kFrameHeaderSize;

  // Commit.
  state_machine_.process_input(ConnectionInput::kSendHeaders);
  Stream& s = existing ? *existing : m.begin_new_stream(stream_id, config_.client_side);
  m.commit(s, advanced);
  if (advanced.client() == true) {
    if (!s.has_authority)
      if (auto authority = find_header(headers, ":authority")) s.set_authority(*authority);
    if (auto method = extract_method_header(headers)) s.sent_head_request = *method == "HEAD";
  }
  if (!spec && block_size <= max_outbound_frame_size_) {
    // One HEADERS frame without priority or padding: its header goes in front of the block.
    frame::encode_frame_header(
        frame::FrameHeader{static_cast<uint32_t>(block_size),
                           static_cast<uint8_t>(frame::FrameType::kHeaders),
                           static_cast<uint8_t>(frame::flags::kEndHeaders |
                                                (end_stream ? frame::flags::kEndStream : 0)),
                           stream_id},
        out.data() + frame_start);
  } else {
    // Priority fields or CONTINUATION frames: the block moves to the scratch buffer and the
    // frames are written the general way.
    ByteBuffer& block = m.hs().out_block;
    block.clear();
    block.append(Bytes(out.data() + frame_start + frame::kFrameHeaderSize, block_size));
    out.shrink_by(out.size() - frame_start);
    // Without priority no optional is passed: copying `spec`, whose flag was written as one
    // byte, into the argument slot is a wider load the CPU cannot forward from that store.
    if (spec) {
      frame::write_headers(out, stream_id, block.view(), end_stream, spec, std::nullopt,
                           max_outbound_frame_size_);
    } else {
      frame::write_headers_unprioritized(out, stream_id, block.view(), end_stream,
                                         max_outbound_frame_size_);
    }
  }
  m.forget_closed_streams();
}

void H2Connection::send_data(uint32_t stream_id, Bytes data, bool end_stream,
                             std::optional<int> pad_length) {
  int64_t frame_size = static_cast<int64_t>(data.size());
  if (pad_length) {
    if (*pad_length < 0 || *pad_length > 255)
      throw std::invalid_argument("pad_length must be within range: [0, 255]");
    frame_size += *pad_length + 1;
  }
  begin_data_frame(stream_id, frame_size, end_stream);
  std::optional<uint8_t> pad;
  if (pad_length) pad = static_cast<uint8_t>(*pad_length);
  frame::write_data(impl_->out(), stream_id, data, end_stream, pad);
  impl_->forget_closed_streams();
}

void H2Connection::send_data_external(uint32_t stream_id, size_t length, bool end_stream) {
  begin_data_frame(stream_id, static_cast<int64_t>(length), end_stream);
  frame::write_data_header(impl_->out(), stream_id, static_cast<uint32_t>(length), end_stream);
  impl_->forget_closed_streams();
}

// The checks and state changes of a DATA frame of `frame_size` flow-controlled bytes, all
// checks before any change; the caller writes the frame.
void H2Connection::begin_data_frame(uint32_t stream_id, int64_t frame_size, bool end_stream) {
  Impl& m = *impl_;
  Stream& s = m.get_stream(stream_id);
  const int64_t window = std::min(outbound_window_, s.outbound_window);
  if (frame_size > 0 && frame_size > window)
    throw FlowControlError("Cannot send " + std::to_string(frame_size) +
                           " bytes, flow control window is " + std::to_string(window) + ".");
  if (frame_size > int64_t{max_outbound_frame_size_})
    throw FrameTooLargeError("Cannot send frame size " + std::to_string(frame_size) +
                             ", max frame size is " + std::to_string(max_outbound_frame_size_));
  m.require_connection_input(ConnectionInput::kSendData);
  StreamStateMachine advanced = s.sm;
  advanced.process_input(StreamInput::kSendData);
  if (end_stream) advanced.process_input(StreamInput::kSendEndStream);

  state_machine_.process_input(ConnectionInput::kSendData);
  m.commit(s, advanced);
  s.outbound_window -= frame_size;
  outbound_window_ -= frame_size;
}

void H2Connection::end_stream(uint32_t stream_id) {
  Impl& m = *impl_;
  Stream& s = m.get_stream(stream_id);
  m.require_connection_input(ConnectionInput::kSendData);
  StreamStateMachine advanced = s.sm;
  advanced.process_input(StreamInput::kSendEndStream);
  state_machine_.process_input(ConnectionInput::kSendData);
  m.commit(s, advanced);
  frame::write_data(m.out(), stream_id, {}, /*end_stream=*/true);
  m.forget_closed_streams();
}

void H2Connection::push_stream(uint32_t stream_id, uint32_t promised_stream_id,
                               HeaderList request_headers) {
  Impl& m = *impl_;
  if (!remote_settings_.enable_push()) throw ProtocolError("Remote peer has disabled stream push");
  m.require_connection_input(ConnectionInput::kSendPushPromise);
  Stream& parent = m.get_stream(stream_id);
  // Only client-initiated streams can carry a promise (RFC 9113 §6.6).
  if (stream_id % 2 == 0) throw ProtocolError("Cannot recursively push streams.");
  if (m.remote_goaway)
    throw ProtocolError("The peer sent GOAWAY: no new streams may be opened");
  m.check_new_stream_id(promised_stream_id, /*odd_allowed=*/false);
  StreamStateMachine advanced = parent.sm;
  const StreamOutcome outcome = advanced.process_input(StreamInput::kSendPushPromise);
  HeaderValidationFlags flags;
  flags.is_push_promise = outcome == StreamOutcome::kPushedRequestSent;
  const Bytes block = m.encode_headers(request_headers, flags);

  state_machine_.process_input(ConnectionInput::kSendPushPromise);
  m.commit(parent, advanced);
  Stream& pushed = m.begin_new_stream(promised_stream_id, /*odd_allowed=*/false);
  m.transition(pushed, StreamInput::kSendPushPromise);
  frame::write_push_promise(m.out(), stream_id, promised_stream_id, block,
                            std::nullopt, max_outbound_frame_size_);
}

void H2Connection::reset_stream(uint32_t stream_id, ErrorCode error_code) {
  Impl& m = *impl_;
  m.require_connection_input(ConnectionInput::kSendRstStream);
  Stream& s = m.get_stream(stream_id);
  StreamStateMachine advanced = s.sm;
  advanced.process_input(StreamInput::kSendRstStream);
  state_machine_.process_input(ConnectionInput::kSendRstStream);
  m.commit(s, advanced);
  frame::write_rst_stream(m.out(), stream_id, error_code);
  m.forget_closed_streams();
}

void H2Connection::increment_flow_control_window(uint32_t increment,
                                                 std::optional<uint32_t> stream_id) {
  Impl& m = *impl_;
  if (increment < 1 || increment > kMaxWindowIncrement)
    throw std::invalid_argument("Flow control increment must be between 1 and 2^31-1");
  m.require_connection_input(ConnectionInput::kSendWindowUpdate);
  if (stream_id) {
    Stream& s = m.get_stream(*stream_id);
    StreamStateMachine advanced = s.sm;
    advanced.process_input(StreamInput::kSendWindowUpdate);
    WindowManager window = s.inbound;
    window.window_opened(increment);  // throws FlowControlError before anything changed
    state_machine_.process_input(ConnectionInput::kSendWindowUpdate);
    m.commit(s, advanced);
    s.inbound = window;
  } else {
    WindowManager window = m.inbound_window;
    window.window_opened(increment);
    state_machine_.process_input(ConnectionInput::kSendWindowUpdate);
    m.inbound_window = window;
  }
  frame::write_window_update(m.out(), stream_id.value_or(0), increment);
}

void H2Connection::acknowledge_received_data(int64_t acknowledged_size, uint32_t stream_id) {
  Impl& m = *impl_;
  if (stream_id == 0) throw std::invalid_argument("Stream ID must be greater than 0");
  if (acknowledged_size < 0 || acknowledged_size > int64_t{kMaxWindowIncrement})
    throw std::invalid_argument("Acknowledged size must be between 0 and 2^31-1");
  const auto size = static_cast<uint32_t>(acknowledged_size);
  // A stream already gone (the usual case once its END_STREAM was read) only credits the
  // connection window; an id never used is an error. No exception on the common path.
  Stream* s = m.streams.find(stream_id);
  if (!s && !m.seen(stream_id)) throw NoSuchStreamError(stream_id);
  if (auto increment = m.inbound_window.process_bytes(size))
    frame::write_window_update(m.out(), 0, *increment);
  if (s && s->sm.counts_as_open()) {
    if (auto increment = s->inbound.process_bytes(size))
      frame::write_window_update(m.out(), stream_id, *increment);
  }
}

void H2Connection::ping(std::span<const uint8_t> opaque_data) {
  if (opaque_data.size() != 8) throw std::invalid_argument("Invalid value for ping data");
  impl_->require_connection_input(ConnectionInput::kSendPing);
  state_machine_.process_input(ConnectionInput::kSendPing);
  std::array<uint8_t, 8> data;
  std::memcpy(data.data(), opaque_data.data(), 8);
  frame::write_ping(impl_->out(), data, /*ack=*/false);
}

void H2Connection::close_connection(ErrorCode error_code, Bytes additional_data,
                                    std::optional<uint32_t> last_stream_id) {
  impl_->require_connection_input(ConnectionInput::kSendGoaway);
  state_machine_.process_input(ConnectionInput::kSendGoaway);
  frame::write_goaway(impl_->out(), last_stream_id.value_or(highest_inbound_), error_code,
                      additional_data);
}

void H2Connection::update_settings(std::span<const std::pair<uint16_t, int64_t>> new_settings) {
  Impl& m = *impl_;
  m.require_connection_input(ConnectionInput::kSendSettings);
  // Validate all before queuing any (a rejected call leaves local_settings as it was).
  for (const auto& [code, value] : new_settings) {
    Settings probe(config_.client_side);
    probe.set(code, value);
  }
  state_machine_.process_input(ConnectionInput::kSendSettings);
  std::vector<frame::Setting> entries;
  entries.reserve(new_settings.size());
  std::vector<uint16_t> codes;
  for (const auto& [code, value] : new_settings) {
    local_settings_.set(code, value);
    entries.push_back({code, static_cast<uint32_t>(value)});
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  m.settings_in_flight.push_back(std::move(codes));
  frame::write_settings(m.out(), entries);
}

void H2Connection::advertise_alternative_service(Bytes field_value, std::optional<Bytes> origin,
                                                 std::optional<uint32_t> stream_id) {
  Impl& m = *impl_;
  if (origin && stream_id)
    throw std::invalid_argument("Must not provide both origin and stream_id");
  m.require_connection_input(ConnectionInput::kSendAlternativeService);
  if (stream_id) {
    Stream& s = m.get_stream(*stream_id);
    StreamStateMachine advanced = s.sm;
    advanced.process_input(StreamInput::kSendAlternativeService);
    state_machine_.process_input(ConnectionInput::kSendAlternativeService);
    m.commit(s, advanced);
    frame::write_altsvc(m.out(), *stream_id, {}, field_value);
  } else {
    state_machine_.process_input(ConnectionInput::kSendAlternativeService);
    frame::write_altsvc(m.out(), 0, origin.value_or(Bytes{}), field_value);
  }
}

void H2Connection::prioritize(uint32_t stream_id, const PriorityArgs& priority) {
  if (!config_.client_side) throw RFC1122Error("Servers SHOULD NOT prioritize streams.");
  const frame::PrioritySpec spec = priority_spec(stream_id, priority);
  impl_->require_connection_input(ConnectionInput::kSendPriority);
  state_machine_.process_input(ConnectionInput::kSendPriority);
  frame::write_priority(impl_->out(), stream_id, spec);
}

Bytes H2Connection::data_to_send(size_t amount) {
  const size_t available = out_.size() - out_start_;
  const size_t n = std::min(amount, available);
  Bytes view(out_.data() + out_start_, n);
  out_start_ += n;
  if (out_start_ == out_.size()) impl_->queued_ping_acks = impl_->queued_settings_acks = 0;
  return view;
}

void H2Connection::take_data_to_send(ByteBuffer& into) {
  if (out_start_ != 0) out_.consume(out_start_);
  out_start_ = 0;
  into.clear();
  std::swap(out_, into);
  impl_->queued_ping_acks = impl_->queued_settings_acks = 0;
}

void H2Connection::clear_outbound_data_buffer() noexcept {
  out_.clear();
  out_start_ = 0;
  impl_->queued_ping_acks = impl_->queued_settings_acks = 0;
}

void H2Connection::begin_graceful_shutdown(std::optional<uint32_t> last_stream_id,
                                           Bytes additional_data) {
  Impl& m = *impl_;
  m.require_connection_input(ConnectionInput::kSendGoaway);
  m.draining = true;
  m.drain_last = last_stream_id.value_or(highest_inbound_);
  // The connection stays open: streams at or below drain_last run to completion.
  frame::write_goaway(m.out(), m.drain_last, ErrorCode::kNoError, additional_data);
}

bool H2Connection::draining() const noexcept { return impl_->draining; }

bool H2Connection::drained() const noexcept {
  const Impl& m = *impl_;
  if (!m.draining) return false;
  bool busy = false;
  m.streams.for_each([&](uint32_t id, Stream*) {
    if (m.is_outbound(id) || id <= m.drain_last) busy = true;
  });
  return !busy;
}

// ---- Queries ------------------------------------------------------------------------------

int64_t H2Connection::local_flow_control_window(uint32_t stream_id) const {
  return std::min(outbound_window_, impl_->get_stream(stream_id).outbound_window);
}

int64_t H2Connection::remote_flow_control_window(uint32_t stream_id) const {
  return std::min(impl_->inbound_window.current_window_size(),
                  impl_->get_stream(stream_id).inbound.current_window_size());
}

int64_t H2Connection::inbound_flow_control_window() const noexcept {
  return impl_->inbound_window.current_window_size();
}

size_t H2Connection::open_outbound_streams() const noexcept {
  return impl_->open_outbound;
}
size_t H2Connection::open_inbound_streams() const noexcept {
  return impl_->open_inbound;
}
size_t H2Connection::live_streams() const noexcept {
  return impl_->streams.size();
}

std::optional<StreamState> H2Connection::stream_state(uint32_t stream_id) const noexcept {
  if (const Stream* s = impl_->streams.find(stream_id)) return s->sm.state();
  return std::nullopt;
}

const hpack::Encoder& H2Connection::encoder() const noexcept {
  return impl_->encoder;
}
const hpack::Decoder& H2Connection::decoder() const noexcept {
  return impl_->decoder;
}

std::string_view event_name(const Event& event) noexcept {
  constexpr std::string_view kNames[] = {"RequestReceived",       "ResponseReceived",
                                         "TrailersReceived",      "InformationalResponseReceived",
                                         "DataReceived",          "WindowUpdated",
                                         "RemoteSettingsChanged", "SettingsAcknowledged",
                                         "PingReceived",          "PingAckReceived",
                                         "StreamEnded",           "StreamReset",
                                         "PushedStreamReceived",  "PriorityUpdated",
                                         "ConnectionTerminated",  "AlternativeServiceAvailable",
                                         "UnknownFrameReceived"};
  return kNames[event.index()];
}

}  // namespace h2
