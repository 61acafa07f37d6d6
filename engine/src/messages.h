// What travels through the mailboxes between a worker and a threaded actor.
//
// Worker -> actor: the HTTP/2 events of a stream (and connection open/close, timers).
// Actor -> worker: commands, and credit ("I consumed N bytes of stream S").
// Payloads are owned (std::string) because the worker's views die with its next receive.
#pragma once

#include <cstdint>
#include <string>

#include "h2engine/app.h"

namespace h2engine {

struct ToActor {
  enum class Kind : uint8_t {
    kConnectionOpen,    // value = user_tag
    kConnectionClosed,  // value = CloseReason, aux = user_tag
    kHeaders,           // blob = header blob
    kInformational,     // blob = header blob
    kData,              // blob = bytes
    kTrailers,          // blob = header blob
    kReset,             // value = error code
    kLost,              // value = CloseReason (the connection went)
    kSent,              // value = bytes
  };
  ToActor() = default;
  ToActor(Kind k, bool end, StreamRef r, uint64_t v = 0, uint64_t a = 0, std::string b = {})
      : kind(k), end_stream(end), ref(r), value(v), aux(a), blob(std::move(b)) {}

  Kind kind = Kind::kHeaders;
  bool end_stream = false;
  StreamRef ref;
  uint64_t value = 0;
  uint64_t aux = 0;
  std::string blob;
};

struct ToWorker {
  enum class Kind : uint8_t {
    kHeaders,     // blob = header blob
    kData,        // blob = bytes
    kFile,        // file, value = offset, aux = length
    kTrailers,    // blob = header blob
    kReset,       // value = error code
    kPush,        // blob = request blob, blob2 = response blob, blob3 = body
    kCredit,      // value = bytes
    kConnect,     // blob = host, value = port, aux = user_tag
    kOpenStream,  // blob = header blob; ref.stream_id chosen by the actor
    kClose,       // ref.connection
  };
  ToWorker() = default;
  ToWorker(Kind k, bool end, StreamRef r) : kind(k), end_stream(end), ref(r) {}

  Kind kind = Kind::kHeaders;
  bool end_stream = false;
  StreamRef ref;
  uint64_t value = 0;
  uint64_t aux = 0;
  unsigned actor = 0;  // kConnect: the actor that will own the connection
  std::string blob;
  std::string blob2;
  std::string blob3;
  FileRef file;
};

}  // namespace h2engine
